/**
 * GET /api/stream (the SSE exporter): the query, and the JSON of its messages. The messages are
 * written by the exporter itself (exporters/sse/frames.ts), not by fastify; these schemas give
 * the dashboard its types. `event` carries a StoredEvent, `session_update` a SessionRow.
 */
import { Type, type Static } from 'typebox';
import { StringEnum } from './common.js';
import { Stats } from './stats.js';

export const StreamQuery = Type.Object(
  {
    session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** Resume cursor for a first connect (the Last-Event-ID header wins when both are sent). */
    last_event_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    /** EventSource cannot send headers: the token may come here. */
    access_token: Type.Optional(Type.String()),
  },
  // Open, as the stream has always been: unknown parameters are ignored here.
  { additionalProperties: true },
);
export type StreamQuery = Static<typeof StreamQuery>;

/** The first message of every connection. */
export const Hello = Type.Object(
  {
    max_feed: Type.Integer(),
    store_prompts: Type.Boolean(),
    heartbeat_ms: Type.Integer(),
    stats_interval_ms: Type.Integer(),
    /** The newest stored seq when the stream opened. */
    seq: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Hello = Static<typeof Hello>;

/** The resume cursor could not be honoured: reload state, then follow from `seq`. */
export const Reset = Type.Object(
  { reason: StringEnum(['unknown_cursor', 'too_far_behind']), seq: Type.Integer() },
  { additionalProperties: false },
);
export type Reset = Static<typeof Reset>;

/** `stats`: what GET /api/stats answers, stamped with when it was read. */
export const StatsMessage = Type.Object(
  { ...Stats.properties, generated_at: Type.String() },
  { additionalProperties: false },
);
export type StatsMessage = Static<typeof StatsMessage>;
