/** GET /api/events: the query and the stored event as the API (and the SSE stream) sends it. */
import { Type, type Static } from 'typebox';
import { Nullable, OpenObject, TimeParam } from './common.js';

export const EVENT_FILTERS = ['agent_type', 'event_type', 'tool_name', 'session_id', 'branch', 'model', 'source', 'project', 'status', 'machine'] as const;
export const EVENTS_DEFAULT_LIMIT = 100;

const Filter = Type.String({ minLength: 1, maxLength: 4096 });

export const EventsQuery = Type.Object(
  {
    agent_type: Type.Optional(Filter),
    event_type: Type.Optional(Filter),
    tool_name: Type.Optional(Filter),
    session_id: Type.Optional(Filter),
    branch: Type.Optional(Filter),
    model: Type.Optional(Filter),
    source: Type.Optional(Filter),
    project: Type.Optional(Filter),
    status: Type.Optional(Filter),
    machine: Type.Optional(Filter),
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: EVENTS_DEFAULT_LIMIT })),
    /** `next_cursor` of the previous page. */
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

/** A stored event (docs/event-contract.md), with its storage sequence number. Fields in the order
 *  the API has always sent them (the table's column order). */
export const StoredEvent = Type.Object(
  {
    /** Monotonic storage sequence: the paging cursor and the SSE event id. */
    seq: Type.Integer(),
    event_id: Type.String(),
    session_id: Type.String(),
    agent_type: Type.String(),
    event_type: Type.String(),
    source: Type.String(),
    tool_name: Nullable(Type.String()),
    status: Nullable(Type.String()),
    model: Nullable(Type.String()),
    project: Nullable(Type.String()),
    branch: Nullable(Type.String()),
    cwd: Nullable(Type.String()),
    tokens_in: Nullable(Type.Integer()),
    tokens_out: Nullable(Type.Integer()),
    cache_read_tokens: Nullable(Type.Integer()),
    cache_write_tokens: Nullable(Type.Integer()),
    reasoning_tokens: Nullable(Type.Integer()),
    cost_usd: Nullable(Type.Number()),
    /** 'reported' (the agent sent it) or 'computed' (priced here). */
    cost_source: Nullable(Type.String()),
    duration_ms: Nullable(Type.Number()),
    client_timestamp: Nullable(Type.String()),
    created_at: Type.String(),
    parent_session_id: Nullable(Type.String()),
    request_id: Nullable(Type.String()),
    prompt_id: Nullable(Type.String()),
    tool_use_id: Nullable(Type.String()),
    correlation_key: Nullable(Type.String()),
    /** 1 when metadata was cut to fit processors.truncate.max_kb. */
    payload_truncated: Type.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1] }),
    /** The machine it happened on when another AgentStats forwarded it (central mode); null: this one. */
    machine: Nullable(Type.String()),
    metadata: OpenObject,
  },
  { additionalProperties: false },
);
export type StoredEvent = Static<typeof StoredEvent>;

export const EventsPage = Type.Object(
  {
    events: Type.Array(StoredEvent),
    /** Pass as `cursor` for the next (older) page; null on the last page. */
    next_cursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type EventsPage = Static<typeof EventsPage>;
