/**
 * Folds a batch of newly stored events into rollup deltas in memory, so each transaction issues one
 * upsert per distinct (dimension, value[, hour | quarter hour]) instead of one per event.
 *
 * Two time rollups hold the same counters: `hourly` (what ranges and timelines mostly read) and
 * `quarter_hours` (read only where a cut falls inside an hour: a `since`/`until` off the hour, or
 * local midnight in a zone whose offset is not whole hours). Every zone offset in use is a multiple
 * of 15 minutes, so quarter hours make every day cut exact (quarters.ts).
 */
import { isErrorEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { emptyUsageCounters, type UsageCounters, type UsageDimension } from '../../collector/core/usage.js';
import { HOUR_MS, QUARTER_MS } from './quarters.js';
import { COMBO_DIM, comboKey } from './combo.js';
import { latencyBucket } from './tool-latency.js';

const DAY_MS = 86_400_000;

export type Counters = UsageCounters;

export const COUNTER_COLUMNS: ReadonlyArray<keyof Counters> = [
  'events',
  'errors',
  'tokens_in',
  'tokens_out',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'unpriced_tokens',
  'api_requests',
];

/** A dimension kept in the rollups: the API's, or the combined one filters are answered from (combo.ts). */
export type RollupDimension = UsageDimension | typeof COMBO_DIM;

/** Dimensions kept in the rollups, with how to read each from an event. */
export const DIMENSIONS: ReadonlyArray<[RollupDimension, (e: CanonicalEvent) => string | null]> = [
  ['all', () => ''],
  ['agent', (e) => e.agent_type],
  // Events without a model/project/branch are rolled up under '' so every breakdown adds up to the
  // total; the API returns '' as it is (the dashboard labels it "no model" etc.) and filter options
  // leave it out.
  ['model', (e) => e.model ?? ''],
  ['project', (e) => e.project ?? ''],
  ['branch', (e) => e.branch ?? ''],
  // Tool calls are the completed tool_use events; decisions and pre-tool hooks are not calls.
  ['tool', (e) => (e.event_type === 'tool_use' ? e.tool_name : null)],
  ['event_type', (e) => e.event_type],
  ['source', (e) => e.source],
  ['machine', (e) => e.machine ?? ''],
  [COMBO_DIM, comboKey],
];

/** All counters at zero (the core's one definition). */
export const emptyCounters = emptyUsageCounters;

export function eventTokens(e: Pick<CanonicalEvent, TokenField>): number {
  return (e.tokens_in ?? 0) + (e.tokens_out ?? 0) + (e.cache_read_tokens ?? 0) + (e.cache_write_tokens ?? 0);
}

type TokenField = 'tokens_in' | 'tokens_out' | 'cache_read_tokens' | 'cache_write_tokens';
/** What decides how an event counts: its type and status (errors, API requests), priced or not. */
export type CountedAs = Pick<CanonicalEvent, 'event_type' | 'status' | 'cost_usd'>;
/** The figures events add up. */
export type EventFigures = Pick<CanonicalEvent, TokenField | 'reasoning_tokens' | 'cost_usd'>;

export function addEvent(c: Counters, e: CanonicalEvent): void {
  addEvents(c, e, 1, e);
}

/**
 * Adds `n` events that count alike (`as`), whose figures sum to `sums`: one event as the writer
 * stores it, or a group of stored events summed in SQL (quarter-backfill.ts).
 */
export function addEvents(c: Counters, as: CountedAs, n: number, sums: EventFigures): void {
  c.events += n;
  if (isErrorEvent(as)) c.errors += n;
  c.tokens_in += sums.tokens_in ?? 0;
  c.tokens_out += sums.tokens_out ?? 0;
  c.cache_read_tokens += sums.cache_read_tokens ?? 0;
  c.cache_write_tokens += sums.cache_write_tokens ?? 0;
  c.reasoning_tokens += sums.reasoning_tokens ?? 0;
  c.cost_usd += sums.cost_usd ?? 0;
  if (as.cost_usd === null) c.unpriced_tokens += eventTokens(sums);
  if (as.event_type === 'api_request') c.api_requests += n;
}

/** One event's counters (what addEvent adds), so each of its ~30 rollup rows adds them without re-deriving. */
function eventCounters(e: CanonicalEvent): Counters {
  const c = emptyCounters();
  addEvent(c, e);
  return c;
}

/** Adds counters field by field (the same sums, in the same order, as adding the event itself). */
function addCounters(c: Counters, d: Counters): void {
  c.events += d.events;
  c.errors += d.errors;
  c.tokens_in += d.tokens_in;
  c.tokens_out += d.tokens_out;
  c.cache_read_tokens += d.cache_read_tokens;
  c.cache_write_tokens += d.cache_write_tokens;
  c.reasoning_tokens += d.reasoning_tokens;
  c.cost_usd += d.cost_usd;
  c.unpriced_tokens += d.unpriced_tokens;
  c.api_requests += d.api_requests;
}

export interface RollupDeltas {
  totals: Map<string, { dim: string; key: string; c: Counters }>;
  hourly: Map<string, { hour: number; dim: string; key: string; c: Counters }>;
  /** The same per epoch quarter hour (ms / 900,000). */
  quarters: Map<string, { quarter: number; dim: string; key: string; c: Counters }>;
  /** Tool calls per (UTC day, agent, tool, latency bucket): tool-latency.ts. */
  toolDurations: Map<string, ToolLatencyDelta>;
}

export interface ToolLatencyDelta {
  day: number;
  agent: string;
  tool: string;
  bucket: number;
  count: number;
  errors: number;
}

type TimeRow<K extends string> = { [P in K]: number } & { dim: string; key: string; c: Counters };

/**
 * A new row of one time rollup, at zero. One function per rollup, each with a plain literal: a
 * literal with a computed key (`{ [field]: period }`) is built by a runtime call, ~6k instructions
 * an object (2.6 % of the writer's work in an import).
 */
const newHourRow = (hour: number, total: { dim: string; key: string }): TimeRow<'hour'> => ({ hour, dim: total.dim, key: total.key, c: emptyCounters() });
const newQuarterRow = (quarter: number, total: { dim: string; key: string }): TimeRow<'quarter'> => ({ quarter, dim: total.dim, key: total.key, c: emptyCounters() });

/**
 * The counters of a totals row's row in one time rollup, made at zero if new. Rows are looked up
 * by period, then by the totals row (an object per dimension value): no key string per lookup.
 */
function periodRow<K extends 'hour' | 'quarter'>(
  byPeriod: Map<number, Map<object, TimeRow<K>>>,
  out: Map<string, TimeRow<K>>,
  newRow: (period: number, total: { dim: string; key: string }) => TimeRow<K>,
  period: number,
  total: { dim: string; key: string },
): Counters {
  let inPeriod = byPeriod.get(period);
  if (!inPeriod) byPeriod.set(period, (inPeriod = new Map<object, TimeRow<K>>()));
  let row = inPeriod.get(total);
  if (!row) {
    row = newRow(period, total);
    inPeriod.set(total, row);
    out.set(`${period}\u0000${total.dim}\u0000${total.key}`, row);
  }
  return row.c;
}

/**
 * The dimensions an event's rows depend on, besides its quarter hour: all but 'all' (one row) and the
 * combined one, whose key is made of single dimensions' values (combo.ts DIM_OF_FIELD).
 */
const SIGNATURE_DIMENSIONS = DIMENSIONS.filter(([dim]) => dim !== 'all' && dim !== COMBO_DIM);

/** What decides an event's rollup rows: its quarter hour and every dimension's value (length-prefixed: any text is unambiguous). */
function rowSignature(event: CanonicalEvent, quarter: number): string {
  let signature = String(quarter);
  for (const [, read] of SIGNATURE_DIMENSIONS) {
    const value = read(event);
    signature += value === null ? '|-' : `|${value.length}:${value}`;
  }
  return signature;
}

export function foldRollups(events: Array<{ event: CanonicalEvent; tsMs: number }>): RollupDeltas {
  const deltas: RollupDeltas = { totals: new Map(), hourly: new Map(), quarters: new Map(), toolDurations: new Map() };
  const totalsByDim = new Map<string, Map<string, { dim: string; key: string; c: Counters }>>();
  const hourlyByHour = new Map<number, Map<object, TimeRow<'hour'>>>();
  const quartersByQuarter = new Map<number, Map<object, TimeRow<'quarter'>>>();
  // Events alike in every dimension and quarter hour add to the same ~30 rows: they are looked up
  // once per such signature, not per event. Each row still adds its events one by one, in order,
  // so every sum is the one adding each event to each row would give.
  const rowsBySignature = new Map<string, Counters[]>();
  const rowsOf = (event: CanonicalEvent, tsMs: number, quarter: number): Counters[] => {
    const hour = Math.floor(tsMs / HOUR_MS);
    const rows: Counters[] = [];
    for (const [dim, read] of DIMENSIONS) {
      const key = read(event);
      if (key === null) continue;
      let byKey = totalsByDim.get(dim);
      if (!byKey) totalsByDim.set(dim, (byKey = new Map<string, { dim: string; key: string; c: Counters }>()));
      let total = byKey.get(key);
      if (!total) {
        byKey.set(key, (total = { dim, key, c: emptyCounters() }));
        deltas.totals.set(`${dim}\u0000${key}`, total);
      }
      rows.push(total.c, periodRow(hourlyByHour, deltas.hourly, newHourRow, hour, total), periodRow(quartersByQuarter, deltas.quarters, newQuarterRow, quarter, total));
    }
    return rows;
  };
  for (const { event, tsMs } of events) {
    const quarter = Math.floor(tsMs / QUARTER_MS);
    const signature = rowSignature(event, quarter);
    let rows = rowsBySignature.get(signature);
    if (!rows) rowsBySignature.set(signature, (rows = rowsOf(event, tsMs, quarter)));
    const add = eventCounters(event);
    for (const row of rows) addCounters(row, add);
    if (event.tool_name && event.event_type === 'tool_use') {
      const bucket = latencyBucket(event.duration_ms);
      const day = Math.floor(tsMs / DAY_MS);
      const dk = `${day}\u0000${event.agent_type}\u0000${event.tool_name}\u0000${bucket}`;
      const error = isErrorEvent(event) ? 1 : 0;
      const d = deltas.toolDurations.get(dk);
      if (d) {
        d.count += 1;
        d.errors += error;
      } else deltas.toolDurations.set(dk, { day, agent: event.agent_type, tool: event.tool_name, bucket, count: 1, errors: error });
    }
  }
  return deltas;
}
