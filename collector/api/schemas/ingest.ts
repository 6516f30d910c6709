/**
 * The native receiver's routes: POST <path> (one event) and POST <path>/batch (default path
 * /api/events). The answers are serialized with these schemas.
 *
 * The bodies are NOT validated by fastify: collector/core/event.ts validateEvent() checks each event
 * without coercing anything ("12" is not a token count), reports every field error at once, moves
 * unknown fields into metadata and applies checks a schema cannot state (time range, reasoning ≤
 * output). EventInput describes what it accepts, for clients and docs; collector/api/ingest.test.ts
 * keeps the two in agreement.
 */
import { Type, type Static } from 'typebox';
import { LIMITS } from '../../core/event.js';
import { FieldError } from './errors.js';

const id = Type.String({ minLength: 1, maxLength: LIMITS.idLength, pattern: '\\S' });
const text = (max: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: max });
const count = (max: number, integer: boolean) =>
  Type.Unsafe<number | null>({ type: [integer ? 'integer' : 'number', 'null'], minimum: 0, maximum: max });
/** ISO 8601 or epoch milliseconds, between 2000-01-01 and one day from now. */
const time = Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'] });

export const EventInput = Type.Object(
  {
    /** Generated (UUIDv7) when absent; a stored id makes the post a duplicate. */
    event_id: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 1, maxLength: LIMITS.idLength, pattern: '\\S' })),
    session_id: id,
    agent_type: id,
    event_type: id,
    source: Type.Optional(text(64)),
    tool_name: Type.Optional(text(LIMITS.shortText)),
    status: Type.Optional(text(64)),
    model: Type.Optional(text(LIMITS.shortText)),
    project: Type.Optional(text(LIMITS.pathText)),
    branch: Type.Optional(text(LIMITS.shortText)),
    cwd: Type.Optional(text(LIMITS.pathText)),
    tokens_in: Type.Optional(count(LIMITS.maxTokens, true)),
    tokens_out: Type.Optional(count(LIMITS.maxTokens, true)),
    cache_read_tokens: Type.Optional(count(LIMITS.maxTokens, true)),
    cache_write_tokens: Type.Optional(count(LIMITS.maxTokens, true)),
    /** Must not exceed tokens_out. */
    reasoning_tokens: Type.Optional(count(LIMITS.maxTokens, true)),
    cost_usd: Type.Optional(count(LIMITS.maxCostUsd, false)),
    cost_source: Type.Optional(text(32)),
    duration_ms: Type.Optional(count(LIMITS.maxDurationMs, false)),
    client_timestamp: Type.Optional(time),
    /** Alias of client_timestamp. */
    timestamp: Type.Optional(time),
    parent_session_id: Type.Optional(text(LIMITS.idLength)),
    request_id: Type.Optional(text(LIMITS.idLength)),
    prompt_id: Type.Optional(text(LIMITS.idLength)),
    tool_use_id: Type.Optional(text(LIMITS.idLength)),
    correlation_key: Type.Optional(text(LIMITS.pathText)),
    metadata: Type.Optional(Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'] })),
  },
  // Unknown top-level fields are kept (moved into metadata), never refused.
  { additionalProperties: true },
);
export type EventInput = Static<typeof EventInput>;

/** POST <path>: 201 stored, 200 a duplicate of a stored event. */
export const EventAccepted = Type.Object(
  { id: Type.String(), duplicate: Type.Boolean() },
  { additionalProperties: false },
);
export type EventAccepted = Static<typeof EventAccepted>;

export const BatchBody = Type.Object({ events: Type.Array(EventInput) }, { additionalProperties: true });
export type BatchBody = Static<typeof BatchBody>;

export const RejectedEvent = Type.Object(
  { index: Type.Integer(), errors: Type.Array(FieldError) },
  { additionalProperties: false },
);
export type RejectedEvent = Static<typeof RejectedEvent>;

/** POST <path>/batch: valid events are stored even when others are rejected. */
export const BatchResult = Type.Object(
  {
    received: Type.Integer(),
    /** Newly stored event ids, in request order. */
    ids: Type.Array(Type.String()),
    duplicates: Type.Integer(),
    rejected: Type.Array(RejectedEvent),
  },
  { additionalProperties: false },
);
export type BatchResult = Static<typeof BatchResult>;
