/** GET /api/sessions and GET /api/sessions/:id: queries, the session row, spans, the detail. */
import { Type, type Static } from 'typebox';
import { Nullable, OpenObject, StringEnum, TimeParam } from './common.js';
import { StoredEvent } from './events.js';

export const SESSION_STATUSES = ['active', 'idle', 'ended'] as const;
export const SessionStatus = StringEnum(SESSION_STATUSES);
export type SessionStatus = Static<typeof SessionStatus>;

export const SESSIONS_DEFAULT_LIMIT = 100;
/** The columns GET /api/sessions sorts by (equal to the storage's SESSION_SORTS: test/search-api.test.ts). */
export const SESSION_SORT_KEYS = ['last_seen', 'first_seen', 'duration', 'events', 'tokens', 'cost', 'errors'] as const;
export const DETAIL_DEFAULT_EVENTS = 200;

export const SessionsQuery = Type.Object(
  {
    status: Type.Optional(SessionStatus),
    exclude_status: Type.Optional(SessionStatus),
    agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    project: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    branch: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** Sessions that used this model (one of their `models`). */
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** Sessions active in [since, until): last seen at or after `since`, first seen before `until`. */
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: SESSIONS_DEFAULT_LIMIT })),
    /** `next_cursor` of the previous page (opaque; made for the same q, sort and order). */
    cursor: Type.Optional(Type.String({ maxLength: 2048 })),
    /** Text in the session id, project, branch, working directory or a model (case-insensitive). */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** Sort column: tokens = input + output + cache; duration = (ended or last seen) − first seen. */
    sort: Type.Optional(StringEnum(SESSION_SORT_KEYS, { default: 'last_seen' })),
    order: Type.Optional(StringEnum(['asc', 'desc'] as const, { default: 'desc' })),
  },
  { additionalProperties: false },
);
export type SessionsQuery = Static<typeof SessionsQuery>;

export const SessionParams = Type.Object({ id: Type.String() }, { additionalProperties: false });

export const SessionDetailQuery = Type.Object(
  {
    /** How many of the session's newest events come with it. */
    events: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000, default: DETAIL_DEFAULT_EVENTS })),
  },
  { additionalProperties: false },
);
export type SessionDetailQuery = Static<typeof SessionDetailQuery>;

export const SessionRow = Type.Object(
  {
    session_id: Type.String(),
    agent_type: Type.String(),
    status: SessionStatus,
    project: Nullable(Type.String()),
    branch: Nullable(Type.String()),
    cwd: Nullable(Type.String()),
    models: Type.Array(Type.String()),
    parent_session_id: Nullable(Type.String()),
    first_seen: Type.String(),
    last_seen: Type.String(),
    ended_at: Nullable(Type.String()),
    end_reason: Nullable(Type.String()),
    event_count: Type.Integer(),
    prompt_count: Type.Integer(),
    tool_count: Type.Integer(),
    error_count: Type.Integer(),
    api_request_count: Type.Integer(),
    tokens_in: Type.Integer(),
    tokens_out: Type.Integer(),
    cache_read_tokens: Type.Integer(),
    cache_write_tokens: Type.Integer(),
    reasoning_tokens: Type.Integer(),
    /** Rounded to the micro-dollar. */
    cost_usd: Type.Number(),
    unpriced_tokens: Type.Integer(),
    /** Resource facts (service version, host, OS, user) and other per-session metadata. */
    metadata: OpenObject,
  },
  { additionalProperties: false },
);
export type SessionRow = Static<typeof SessionRow>;

/** A span from OTLP traces, linked to a session. */
export const SpanRecord = Type.Object(
  {
    trace_id: Type.String(),
    span_id: Type.String(),
    parent_span_id: Nullable(Type.String()),
    session_id: Nullable(Type.String()),
    agent_type: Nullable(Type.String()),
    name: Type.String(),
    kind: Nullable(Type.Integer()),
    start_time: Type.String(),
    end_time: Nullable(Type.String()),
    duration_ms: Nullable(Type.Number()),
    status_code: Nullable(Type.Integer()),
    status_message: Nullable(Type.String()),
    attributes: OpenObject,
    /** Span events and links, kept as they came. */
    extra: OpenObject,
  },
  { additionalProperties: false },
);
export type SpanRecord = Static<typeof SpanRecord>;

export const SessionsPage = Type.Object(
  {
    sessions: Type.Array(SessionRow),
    next_cursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type SessionsPage = Static<typeof SessionsPage>;

export const SessionDetail = Type.Object(
  {
    session: SessionRow,
    /** Newest first, at most `events` of them. */
    events: Type.Array(StoredEvent),
    /** Subagent sessions, oldest first. */
    children: Type.Array(SessionRow),
    spans: Type.Array(SpanRecord),
  },
  { additionalProperties: false },
);
export type SessionDetail = Static<typeof SessionDetail>;
