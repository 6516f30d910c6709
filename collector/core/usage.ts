/**
 * Typed rows of the usage read side (the StatsReader port in storage.ts): rollup counters per
 * dimension value, per hour or day, per billing block, plus the side tables /api/stats reads. The
 * storage returns these as stored; the API layer (collector/api/read-models/) names, nests, rounds
 * and derives what it shows.
 */
/** What every rollup row counts (running totals, hourly rollup, timeline buckets, blocks). */
export interface UsageCounters {
  events: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** Float sum as stored; the API rounds it. */
  cost_usd: number;
  unpriced_tokens: number;
  api_requests: number;
}

/** All counters at zero: where a sum over rows starts (storage and read models alike). */
export function emptyUsageCounters(): UsageCounters {
  // The cost and the cache reads are written as fractions first, then set to zero, so that V8
  // makes these fields doubles from the start: a cost is a fraction, and cache reads pass 2^31
  // tokens within one batch. Written as 0 they began as small integers, and each new object changed
  // shape (an object migration, and a deoptimisation of the code that had assumed integers) when
  // the first such value was added: ~83k migrations and ~4 % of the writer thread's instructions in
  // a 60k-event import. Every field as a double costs more than it saves (docs/benchmarks.md, issue
  // 14 sixth round).
  const zero: UsageCounters = {
    events: 0,
    errors: 0,
    tokens_in: 0,
    tokens_out: 0,
    cache_read_tokens: 0.5,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0.5,
    unpriced_tokens: 0,
    api_requests: 0,
  };
  zero.cache_read_tokens = 0;
  zero.cost_usd = 0;
  return zero;
}

/**
 * The dimensions usage is rolled up by. `all` has the one key ''; in agent/model/project/branch the
 * key '' holds events that name none, so every breakdown adds up to the total.
 */
export type UsageDimension = 'all' | 'agent' | 'model' | 'project' | 'branch' | 'tool' | 'event_type' | 'source' | 'machine';

/** The event fields usage can be narrowed by (each a dimension of the combined rollup). */
export const USAGE_FILTER_FIELDS = ['agent_type', 'project', 'branch', 'model', 'source', 'machine'] as const;
export type UsageFilterField = (typeof USAGE_FILTER_FIELDS)[number];

/**
 * Usage of the events whose fields have these values ('' stands for events that name none, as in
 * the breakdowns). With a filter only the dimensions of USAGE_FILTER_FIELDS (and 'all') can be
 * broken down; 'tool' and 'event_type' rows are not returned.
 */
export type UsageFilter = Partial<Record<UsageFilterField, string>>;

/** Whether a filter narrows anything. */
export function hasUsageFilter(filter: UsageFilter | undefined): filter is UsageFilter {
  return filter !== undefined && USAGE_FILTER_FIELDS.some((f) => filter[f] !== undefined);
}

export interface UsageRow extends UsageCounters {
  dim: UsageDimension;
  key: string;
}

export interface UsageQuery {
  /**
   * Without since/until: all time (running totals). With either: [since, until), exact to the
   * quarter hour (a bound off the quarter hour is widened to the quarter hours it touches).
   */
  since?: string;
  until?: string;
  /** Dimensions wanted. */
  dims: readonly UsageDimension[];
  filter?: UsageFilter;
}

export interface TimelineQuery {
  since?: string;
  until?: string;
  bucket: 'hour' | 'day';
  /** IANA time zone in which day buckets are cut. */
  tz: string;
  filter?: UsageFilter;
}

/** Usage of one hour (key: its ISO start) or one local day (key: YYYY-MM-DD in the zone). */
export interface UsageBucket extends UsageCounters {
  bucket: string;
  /** ISO start: the hour, or the local day's midnight (exact to the quarter hour in every zone). */
  start: string;
}

/** A distinct value seen in a dimension (filter options), in no particular order. */
export interface UsageKey {
  dim: UsageDimension;
  key: string;
}

/** A tool's completed calls in one duration bucket (log-spaced, each 5 % wider than the last), all time. */
export interface ToolDurationRow {
  tool: string;
  /** What a percentile falling in the bucket reports: its geometric middle, in ms (within 2.5 %). */
  value_ms: number;
  count: number;
}

/** Sightings of one source folded into an earlier source's (same correlation key), all time. */
export interface FoldedCount {
  source: string;
  count: number;
}

/** The running total of one OTLP metric (split by its figure attribute: type, decision, …). */
export interface MetricTotalRow {
  name: string;
  /** The split value, '' when the metric has none. */
  key: string;
  value: number;
  count: number;
}

/** Billing blocks last 5 hours, as Claude and Codex subscriptions meter usage. */
export const BLOCK_HOURS = 5;

/** One 5-hour billing block: it starts at the first hour with usage after the previous one ended. */
export interface UsageBlock extends UsageCounters {
  start_ms: number;
  /** start_ms + BLOCK_HOURS. */
  end_ms: number;
  /** Start of the last hour with usage in the block. */
  last_hour_ms: number;
}

export interface BlockQuery {
  /** Only this agent's usage (blocks are per subscription, so usually one agent); all when absent. */
  agent_type?: string;
  /** Only the usage of events with these values (project, model, …); read from the combined rollup. */
  filter?: UsageFilter;
  /** Blocks that end after `since` (a block that began before it counts whole), up to `until`. */
  since?: string;
  until?: string;
  /** Most recent blocks returned. */
  limit: number;
}

export interface BlockRows {
  /** Blocks in the range, before `limit`. */
  total: number;
  /** The most recent `limit` of them, oldest first. */
  blocks: UsageBlock[];
}
