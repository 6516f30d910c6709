/**
 * GET /api/stats, /api/stats/cost and /api/filter-options: totals and breakdowns read from the
 * rollups. Properties are listed in the order the answers have always had.
 */
import { Type, type Static } from 'typebox';
import { Dict, Nullable, NullableObject, StringEnum, TimeParam, TokensByKind } from './common.js';
import { PricingInfo } from './pricing.js';

/** The counters every breakdown row and timeline bucket carries. */
const COUNTERS = {
  events: Type.Integer(),
  errors: Type.Integer(),
  tokens_in: Type.Integer(),
  tokens_out: Type.Integer(),
  cache_read_tokens: Type.Integer(),
  cache_write_tokens: Type.Integer(),
  reasoning_tokens: Type.Integer(),
  /** Rounded to the micro-dollar. */
  cost_usd: Type.Number(),
  /** Tokens no price was found for: shown, never counted as $0. */
  unpriced_tokens: Type.Integer(),
  api_requests: Type.Integer(),
  /** input + output + cache read + cache write. */
  total_tokens: Type.Integer(),
  error_rate: Type.Number(),
};

export const Counters = Type.Object(COUNTERS, { additionalProperties: false });
export type Counters = Static<typeof Counters>;

const breakdown = <K extends string>(key: K) =>
  Type.Array(Type.Object({ [key]: Type.String(), ...COUNTERS } as { [P in K]: ReturnType<typeof Type.String> } & typeof COUNTERS, { additionalProperties: false }));

export const ToolStat = Type.Object(
  {
    tool_name: Type.String(),
    calls: Type.Integer(),
    errors: Type.Integer(),
    error_rate: Type.Number(),
    p50_ms: Nullable(Type.Integer()),
    p95_ms: Nullable(Type.Integer()),
  },
  { additionalProperties: false },
);
export type ToolStat = Static<typeof ToolStat>;

const FIGURES = {
  lines_added: Type.Number(),
  lines_removed: Type.Number(),
  commits: Type.Number(),
  pull_requests: Type.Number(),
  active_time_seconds: Type.Number(),
  edits_accepted: Type.Number(),
  edits_rejected: Type.Number(),
};

/** Figures read off the agents' OTLP metrics, all time. */
export const MetricFigures = Type.Object(FIGURES, { additionalProperties: false });
export type MetricFigures = Static<typeof MetricFigures>;

export const MetricTotal = Type.Object(
  { name: Type.String(), key: Type.String(), value: Type.Number(), count: Type.Number() },
  { additionalProperties: false },
);

export const MetricStats = Type.Object(
  {
    ...FIGURES,
    /** Active seconds by the metric's split key (e.g. user / cli), `total` when it has none. */
    active_time_by_type: Dict(Type.Number()),
    /** Keyed by the metric's prefix (claude_code, gemini_cli), not by agent_type. */
    by_agent: Dict(MetricFigures),
    /** Every metric's total: name, split key ('' when none), summed value and point count. */
    totals: Type.Array(MetricTotal),
  },
  { additionalProperties: false },
);
export type MetricStats = Static<typeof MetricStats>;

export const Stats = Type.Object(
  {
    total_events: Type.Integer(),
    total_sessions: Type.Integer(),
    active_sessions: Type.Integer(),
    idle_sessions: Type.Integer(),
    ended_sessions: Type.Integer(),
    total_tokens: Type.Integer(),
    tokens: TokensByKind,
    total_cost_usd: Type.Number(),
    unpriced_tokens: Type.Integer(),
    error_count: Type.Integer(),
    error_rate: Type.Number(),
    api_requests: Type.Integer(),
    events_by_type: Dict(Type.Integer()),
    events_by_agent: Dict(Type.Integer()),
    events_by_source: Dict(Type.Integer()),
    tools: Type.Array(ToolStat),
    agent_breakdown: breakdown('agent_type'),
    /** '' = events that name no model (likewise for projects). */
    model_breakdown: breakdown('model'),
    project_breakdown: breakdown('project'),
    /** Sightings per source folded into an earlier source's (counted once). */
    folded_duplicates: Dict(Type.Integer()),
    metrics: MetricStats,
  },
  { additionalProperties: false },
);
export type Stats = Static<typeof Stats>;

export const COST_BUCKETS = ['hour', 'day'] as const;

const UsageFilterParam = Type.String({ maxLength: 4096 });

export const CostQuery = Type.Object(
  {
    since: Type.Optional(TimeParam),
    until: Type.Optional(TimeParam),
    bucket: Type.Optional(StringEnum(COST_BUCKETS, { default: 'day' })),
    /** IANA time zone in which day buckets are cut. */
    tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'UTC' })),
    /** Only events with this value ('' = events that name none, the breakdowns' "no project" row). */
    project: Type.Optional(UsageFilterParam),
    branch: Type.Optional(UsageFilterParam),
    agent_type: Type.Optional(UsageFilterParam),
    model: Type.Optional(UsageFilterParam),
    source: Type.Optional(UsageFilterParam),
    /** '' = this machine (events not forwarded from another AgentStats). */
    machine: Type.Optional(UsageFilterParam),
  },
  { additionalProperties: false },
);
export type CostQuery = Static<typeof CostQuery>;

export const SourceAudit = Type.Object(
  {
    source: Type.String(),
    /** Events of this source that count in totals (in the requested time range). */
    counted: Type.Integer(),
    /** Sightings folded into an earlier source's with the same correlation key (all time). */
    folded: Type.Integer(),
    seen: Type.Integer(),
  },
  { additionalProperties: false },
);

export const TimelineBucket = Type.Object(
  {
    /** YYYY-MM-DD in `tz` (day buckets) or the hour's ISO time. */
    bucket: Type.String(),
    /** ISO time the bucket starts (local midnight for days). */
    start: Type.String(),
    ...COUNTERS,
  },
  { additionalProperties: false },
);
export type TimelineBucket = Static<typeof TimelineBucket>;

export const CostStats = Type.Object(
  {
    since: Nullable(Type.String()),
    until: Nullable(Type.String()),
    bucket: StringEnum(COST_BUCKETS),
    tz: Type.String(),
    totals: Counters,
    by_model: breakdown('model'),
    by_project: breakdown('project'),
    by_branch: breakdown('branch'),
    by_agent: breakdown('agent_type'),
    by_source: breakdown('source'),
    /** '' = this machine; other names: machines that forward to this AgentStats (central mode). */
    by_machine: breakdown('machine'),
    /** The filters applied (empty: none). Breakdowns, timeline and totals all honour them. */
    filter: Dict(Type.String()),
    folded_duplicates: Dict(Type.Integer()),
    dedupe: Type.Array(SourceAudit),
    /** Models with tokens no price was found for. */
    unpriced_models: Type.Array(
      Type.Object({ model: Type.String(), unpriced_tokens: Type.Integer() }, { additionalProperties: false }),
    ),
    timeline: Type.Array(TimelineBucket),
    /** The price table costs are computed with; null when no cost processor runs. */
    pricing: NullableObject(PricingInfo),
  },
  { additionalProperties: false },
);
export type CostStats = Static<typeof CostStats>;

export const FilterOptions = Type.Object(
  {
    agent_types: Type.Array(Type.String()),
    event_types: Type.Array(Type.String()),
    tool_names: Type.Array(Type.String()),
    models: Type.Array(Type.String()),
    projects: Type.Array(Type.String()),
    branches: Type.Array(Type.String()),
    sources: Type.Array(Type.String()),
    machines: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type FilterOptions = Static<typeof FilterOptions>;
