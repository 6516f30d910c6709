/** GET /api/search and GET /api/errors: full-text search over stored events, and the errors view. */
import { Type, type Static } from 'typebox';
import { Nullable, NullableObject, StringEnum, TimeParam } from './common.js';

export const SEARCH_DEFAULT_LIMIT = 50;
export const ERRORS_DEFAULT_LIMIT = 50;

export const SearchQuery = Type.Object(
  {
    /** Words (all must match, whole words; `word*` for a prefix) and "quoted phrases". */
    q: Type.String({ minLength: 1, maxLength: 500 }),
    agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: SEARCH_DEFAULT_LIMIT })),
    /** `next_cursor` of the previous page. */
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$', maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object(
  {
    seq: Type.Integer(),
    event_id: Type.String(),
    session_id: Type.String(),
    agent_type: Type.String(),
    event_type: Type.String(),
    tool_name: Nullable(Type.String()),
    status: Nullable(Type.String()),
    model: Nullable(Type.String()),
    project: Nullable(Type.String()),
    /** The event's time (ISO). */
    time: Type.String(),
    /** Indexed text around the first match. */
    snippet: Type.String(),
    /** [start, end) character ranges of the matched words in `snippet`. */
    highlights: Type.Array(Type.Array(Type.Integer(), { minItems: 2, maxItems: 2 })),
  },
  { additionalProperties: false },
);
export type SearchHit = Static<typeof SearchHit>;

export const SearchPage = Type.Object(
  {
    hits: Type.Array(SearchHit),
    /** Pass as `cursor` for older matches; null on the last page. */
    next_cursor: Nullable(Type.String()),
    /** Events stored but not yet in the index (it follows ingest within moments; more while it catches up). */
    pending: Type.Integer(),
  },
  { additionalProperties: false },
);
export type SearchPage = Static<typeof SearchPage>;

export const ErrorsQuery = Type.Object(
  {
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    agent_type: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    bucket: Type.Optional(StringEnum(['hour', 'day'] as const, { default: 'day' })),
    /** IANA zone the day buckets are cut in. */
    tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'UTC' })),
    /** The recent list: only API errors, or only failed tool calls. */
    kind: Type.Optional(StringEnum(['api', 'tool'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, default: ERRORS_DEFAULT_LIMIT })),
    /** `next_cursor` of the previous page: only the recent list is sent again. */
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]+:[0-9]+$', maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ErrorsQuery = Static<typeof ErrorsQuery>;

export const ErrorCount = Type.Object({ key: Type.String(), errors: Type.Integer() }, { additionalProperties: false });
export type ErrorCount = Static<typeof ErrorCount>;

export const ErrorBucket = Type.Object(
  {
    bucket: Type.String(),
    start: Type.String(),
    api_errors: Type.Integer(),
    tool_errors: Type.Integer(),
    other_errors: Type.Integer(),
  },
  { additionalProperties: false },
);
export type ErrorBucket = Static<typeof ErrorBucket>;

export const ErrorEvent = Type.Object(
  {
    seq: Type.Integer(),
    session_id: Type.String(),
    agent_type: Type.String(),
    event_type: Type.String(),
    tool_name: Nullable(Type.String()),
    model: Nullable(Type.String()),
    project: Nullable(Type.String()),
    time: Type.String(),
    /** metadata.error_type, else `HTTP <status>`, else `exit <code>`. */
    error_type: Nullable(Type.String()),
    /** The error text, only when prompt storage kept it. */
    message: Nullable(Type.String()),
    duration_ms: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);
export type ErrorEvent = Static<typeof ErrorEvent>;

export const ErrorSummary = Type.Object(
  {
    /** `rollups`: all agents, kept whatever retention prunes; `events`: one agent, from stored events. */
    source: StringEnum(['rollups', 'events'] as const),
    total: Type.Integer(),
    api_errors: Type.Integer(),
    tool_errors: Type.Integer(),
    timeline: Type.Array(ErrorBucket),
    by_event_type: Type.Array(ErrorCount),
    /** Errors that name a model (API errors, failed requests). */
    by_model: Type.Array(ErrorCount),
    /** Failed tool calls by tool. */
    by_tool: Type.Array(ErrorCount),
    /** API errors by class, from stored events. */
    by_error_type: Type.Array(ErrorCount),
  },
  { additionalProperties: false },
);

export const ErrorsResponse = Type.Object(
  {
    /** Null when a cursor asked only for the next page of the list. */
    summary: NullableObject(ErrorSummary),
    recent: Type.Array(ErrorEvent),
    next_cursor: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type ErrorsResponse = Static<typeof ErrorsResponse>;
