/**
 * The reports' rows, built from what the source answers (the same JSON whichever source): periods
 * (day, week, month) from /api/stats/cost's day timeline cut in the report's zone, per-model parts
 * from the same timeline filtered by model, sessions from the session rows, blocks from
 * /api/stats/blocks. The totals row of a period report is /api/stats/cost's own `totals` for the
 * range, never a sum made here, so it is the number the API and the dashboard show.
 */
import type { BillingBlock, Counters, CostStats, SessionRow } from '../api/schemas/index.js';
import { monthOf, weekOf, type WeekDay } from './dates.js';
import { emptyUsageCounters } from '../core/usage.js';
import { usageFigures } from '../api/read-models/usage.js';
import type { CostRequest, ReportSource } from './source.js';

export type PeriodKind = 'daily' | 'weekly' | 'monthly';

export interface ModelPart {
  model: string;
  counters: Counters;
}

export interface PeriodRow {
  /** YYYY-MM-DD (day, or the week's first day) or YYYY-MM. */
  key: string;
  counters: Counters;
  /** Per model, highest cost first; empty unless models were asked for. */
  models: ModelPart[];
}

export interface Range {
  since: string | null;
  until: string | null;
  timezone: string;
}

export interface Filters {
  project?: string;
  agent?: string;
}

export interface PeriodReport {
  kind: PeriodKind;
  range: Range;
  rows: PeriodRow[];
  totals: Counters;
  unpricedModels: CostStats['unpriced_models'];
  withModels: boolean;
}

/** All figures at zero, in the API's shape (the read model's own derivation). */
function zero(): Counters {
  return usageFigures(emptyUsageCounters());
}

const SUMMED = ['events', 'errors', 'tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'unpriced_tokens', 'api_requests', 'total_tokens'] as const;

/** `into` += `c`, cost kept to the micro-dollar as the API rounds it. */
export function addCounters(into: Counters, c: Counters): Counters {
  for (const k of SUMMED) into[k] += c[k];
  into.cost_usd = Math.round(into.cost_usd * 1e6) / 1e6;
  into.error_rate = into.events ? into.errors / into.events : 0;
  return into;
}

function counters(c: Counters): Counters {
  return addCounters(zero(), c);
}

export function periodKey(kind: PeriodKind, day: string, startOfWeek: WeekDay): string {
  if (kind === 'weekly') return weekOf(day, startOfWeek);
  if (kind === 'monthly') return monthOf(day);
  return day;
}

function group(kind: PeriodKind, timeline: CostStats['timeline'], startOfWeek: WeekDay): Map<string, Counters> {
  const out = new Map<string, Counters>();
  for (const b of timeline) {
    const key = periodKey(kind, b.bucket, startOfWeek);
    const c = out.get(key);
    if (c) addCounters(c, b);
    else out.set(key, counters(b));
  }
  return out;
}

export interface PeriodOptions {
  kind: PeriodKind;
  range: Range;
  filters: Filters;
  startOfWeek: WeekDay;
  /** Per-model parts (--breakdown, and always in --json: modelsUsed / modelBreakdowns). */
  withModels: boolean;
  order: 'asc' | 'desc';
}

export async function periodReport(source: ReportSource, o: PeriodOptions): Promise<PeriodReport> {
  const q: CostRequest = {
    since: o.range.since ?? undefined,
    until: o.range.until ?? undefined,
    tz: o.range.timezone,
    bucket: 'day',
    project: o.filters.project,
    agent_type: o.filters.agent,
  };
  const cost = await source.cost(q);
  const periods = group(o.kind, cost.timeline, o.startOfWeek);
  const rows: PeriodRow[] = [...periods].map(([key, c]) => ({ key, counters: c, models: [] }));
  if (o.withModels) {
    const byKey = new Map(rows.map((r) => [r.key, r]));
    // One timeline per model that has usage in the range ('' = events naming none).
    const perModel = await Promise.all(cost.by_model.map(async (m) => ({ model: m.model, cost: await source.cost({ ...q, model: m.model }) })));
    for (const { model, cost: mc } of perModel) {
      for (const [key, c] of group(o.kind, mc.timeline, o.startOfWeek)) byKey.get(key)?.models.push({ model, counters: c });
    }
    for (const r of rows) r.models.sort((a, b) => b.counters.cost_usd - a.counters.cost_usd || a.model.localeCompare(b.model));
  }
  rows.sort((a, b) => (o.order === 'asc' ? a.key.localeCompare(b.key) : b.key.localeCompare(a.key)));
  return { kind: o.kind, range: o.range, rows, totals: counters(cost.totals), unpricedModels: cost.unpriced_models, withModels: o.withModels };
}

export interface SessionReport {
  range: Range;
  sessions: SessionRow[];
  totals: Counters;
}

function sessionCounters(s: SessionRow): Counters {
  const c = zero();
  c.events = s.event_count;
  c.errors = s.error_count;
  c.tokens_in = s.tokens_in;
  c.tokens_out = s.tokens_out;
  c.cache_read_tokens = s.cache_read_tokens;
  c.cache_write_tokens = s.cache_write_tokens;
  c.reasoning_tokens = s.reasoning_tokens;
  c.cost_usd = s.cost_usd;
  c.unpriced_tokens = s.unpriced_tokens;
  c.api_requests = s.api_request_count;
  c.total_tokens = s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens;
  c.error_rate = s.event_count ? s.error_count / s.event_count : 0;
  return c;
}

export { sessionCounters };

/**
 * Sessions active in the range (last event at or after `since`, first before `until`), newest
 * first from the server's session list, paged; each with its whole cost (a session is not cut at
 * the range's edges).
 */
export async function sessionReport(source: ReportSource, o: { range: Range; filters: Filters; order: 'asc' | 'desc' }): Promise<SessionReport> {
  const sinceMs = o.range.since ? Date.parse(o.range.since) : -Infinity;
  const untilMs = o.range.until ? Date.parse(o.range.until) : Infinity;
  const sessions: SessionRow[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await source.sessions({ agent_type: o.filters.agent, project: o.filters.project, limit: 1000 }, cursor);
    let older = false;
    for (const s of page.sessions) {
      if (Date.parse(s.last_seen) < sinceMs) {
        older = true; // newest first: every later row is older still
        break;
      }
      if (Date.parse(s.first_seen) < untilMs) sessions.push(s);
    }
    if (older || !page.next) break;
    cursor = page.next;
  }
  sessions.sort((a, b) => (o.order === 'asc' ? a.last_seen.localeCompare(b.last_seen) : b.last_seen.localeCompare(a.last_seen)));
  const totals = zero();
  for (const s of sessions) addCounters(totals, sessionCounters(s));
  return { range: o.range, sessions, totals };
}

export interface BlocksReport {
  range: Range;
  agent: string | null;
  now: string;
  blocks: BillingBlock[];
  totals: Counters;
}

export async function blocksReport(
  source: ReportSource,
  o: { range: Range; filters: Filters; order: 'asc' | 'desc'; limit: number; now: Date },
): Promise<BlocksReport> {
  const r = await source.blocks({ agent_type: o.filters.agent, since: o.range.since ?? undefined, until: o.range.until ?? undefined, limit: o.limit }, o.now);
  const blocks = o.order === 'asc' ? r.blocks : [...r.blocks].reverse();
  const totals = zero();
  for (const b of blocks) {
    const c = zero();
    c.events = b.events;
    c.api_requests = b.api_requests;
    c.tokens_in = b.tokens.input;
    c.tokens_out = b.tokens.output;
    c.cache_read_tokens = b.tokens.cache_read;
    c.cache_write_tokens = b.tokens.cache_write;
    c.reasoning_tokens = b.tokens.reasoning;
    c.total_tokens = b.total_tokens;
    c.cost_usd = b.cost_usd;
    c.unpriced_tokens = b.unpriced_tokens;
    addCounters(totals, c);
  }
  return { range: o.range, agent: r.agent_type, now: r.now, blocks, totals };
}
