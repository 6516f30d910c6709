/**
 * GET /api/stats/tools (tool calls per tool for any filter) and GET /api/export/:table (a table of
 * the dashboard as CSV or JSON, whole, for the filters and range given).
 */
import { Type, type Static } from 'typebox';
import { Dict, Nullable, StringEnum, TimeParam } from './common.js';
import { COST_BUCKETS } from './stats.js';
import { SESSION_SORT_KEYS, SessionStatus } from './sessions.js';

const FilterParam = Type.String({ maxLength: 4096 });

/** The usage filters of /api/stats/cost ('' = events that name none), and a range. */
const FILTERS = {
  project: Type.Optional(FilterParam),
  branch: Type.Optional(FilterParam),
  agent_type: Type.Optional(FilterParam),
  model: Type.Optional(FilterParam),
  source: Type.Optional(FilterParam),
  machine: Type.Optional(FilterParam),
  since: Type.Optional(TimeParam),
  until: Type.Optional(TimeParam),
};

export const ToolUsageQuery = Type.Object(FILTERS, { additionalProperties: false });
export type ToolUsageQuery = Static<typeof ToolUsageQuery>;

export const ToolUsageStat = Type.Object(
  {
    tool_name: Type.String(),
    calls: Type.Integer(),
    errors: Type.Integer(),
    error_rate: Type.Number(),
    /** Calls that carry a duration, and their mean (null when none does). */
    timed_calls: Type.Integer(),
    mean_ms: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
export type ToolUsageStat = Static<typeof ToolUsageStat>;

export const ToolUsageResponse = Type.Object(
  {
    since: Nullable(Type.String()),
    until: Nullable(Type.String()),
    filter: Dict(Type.String()),
    /** Most calls first. */
    tools: Type.Array(ToolUsageStat),
  },
  { additionalProperties: false },
);
export type ToolUsageResponse = Static<typeof ToolUsageResponse>;

/** The cost report's breakdowns and timeline, the sessions list, and the tool table. */
export const EXPORT_TABLES = ['by_model', 'by_project', 'by_branch', 'by_agent', 'by_source', 'by_machine', 'timeline', 'sessions', 'tools'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export const ExportParams = Type.Object({ table: StringEnum(EXPORT_TABLES) }, { additionalProperties: false });

export const ExportQuery = Type.Object(
  {
    ...FILTERS,
    format: Type.Optional(StringEnum(['csv', 'json'] as const, { default: 'csv' })),
    /** timeline: per hour or per local day in `tz`. */
    bucket: Type.Optional(StringEnum(COST_BUCKETS, { default: 'day' })),
    tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'UTC' })),
    /** sessions: only this status. */
    status: Type.Optional(SessionStatus),
    /** sessions: the Sessions view's text search, sort and order (as GET /api/sessions), so the file holds the list shown. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    sort: Type.Optional(StringEnum(SESSION_SORT_KEYS)),
    order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

/** format=json: the rows as objects under the CSV's column names, and the totals row. */
export const ExportJson = Type.Object(
  {
    table: StringEnum(EXPORT_TABLES),
    since: Nullable(Type.String()),
    until: Nullable(Type.String()),
    filter: Dict(Type.String()),
    columns: Type.Array(Type.String()),
    rows: Type.Array(Dict(Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'] }))),
    totals: Type.Unsafe<Record<string, string | number | null> | null>({ type: ['object', 'null'], additionalProperties: { type: ['string', 'number', 'null'] } }),
  },
  { additionalProperties: false },
);
export type ExportJson = Static<typeof ExportJson>;
