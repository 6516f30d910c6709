/**
 * Where each budget stands: its current period, what was spent in it (read from the rollups through
 * the StatsReader port, never from raw events), the percentage of the limit, and a projection to the
 * period's end once the period has run long enough for a rate to mean something.
 *
 * Scope: overall usage is the rollup's `all` row; a project or agent budget reads that one value's
 * row of the `project` or `agent` dimension. A block budget's period is the running 5-hour block
 * (the agent's own blocks for an agent budget, all usage's blocks otherwise).
 */
import type { BudgetPeriod, BudgetSpec, BudgetUnit, StatsReader, UsageDimension, UsageRow } from '../../collector/core/storage.js';
import { BLOCK_HOURS } from '../../collector/core/usage.js';
import { daySpan, monthSpan, weekSpan, type Span, type Weekday } from './periods.js';

const HOUR_MS = 3_600_000;
const SCOPE_DIMS: readonly UsageDimension[] = ['all', 'project', 'agent'];

/** Hours a period must have run before it is projected (a rate from the first minutes misleads). */
export const PROJECTION_MIN_HOURS: Record<BudgetPeriod, number> = { block: 1, day: 3, week: 24, month: 72 };

/** A budget as the exporter holds it: from the config file or from the dashboard. */
export interface EffectiveBudget extends BudgetSpec {
  id: string;
  source: 'config' | 'dashboard';
  editable: boolean;
  thresholds: number[];
  created_at: string | null;
  updated_at: string | null;
}

export interface PeriodSettings {
  timezone: string;
  weekStart: Weekday;
}

export interface BudgetState {
  budget: EffectiveBudget;
  period: Span | null;
  spent: number;
  percent: number;
  cost_usd: number;
  tokens: number;
  unpriced_tokens: number;
  projection: { value: number; percent: number; basis_hours: number } | null;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function totalTokens(row: Pick<UsageRow, 'tokens_in' | 'tokens_out' | 'cache_read_tokens' | 'cache_write_tokens'>): number {
  return row.tokens_in + row.tokens_out + row.cache_read_tokens + row.cache_write_tokens;
}

export function amountIn(unit: BudgetUnit, row: UsageRow | undefined): number {
  if (!row) return 0;
  return unit === 'usd' ? round(row.cost_usd, 6) : totalTokens(row);
}

function scopeOf(b: BudgetSpec): { dim: UsageDimension; key: string } {
  if (b.project !== null) return { dim: 'project', key: b.project };
  if (b.agent !== null) return { dim: 'agent', key: b.agent };
  return { dim: 'all', key: '' };
}

/**
 * One evaluation's reads, shared by the budgets in it: budgets with the same period start and
 * dimension cost one rollup query together.
 */
export class UsageSnapshot {
  private readonly usage = new Map<number, Map<string, UsageRow>>();
  private readonly blocks = new Map<string, Span | null>();

  constructor(
    private readonly stats: StatsReader,
    readonly nowMs: number,
    readonly settings: PeriodSettings,
  ) {}

  /** The running 5-hour block (of one agent, or of all usage), or null when none is running. */
  currentBlock(agent: string | null): Span | null {
    const key = agent ?? '';
    if (this.blocks.has(key)) return this.blocks.get(key)!;
    const since = new Date(this.nowMs - BLOCK_HOURS * HOUR_MS).toISOString();
    const { blocks } = this.stats.billingBlocks({ agent_type: agent ?? undefined, since, limit: 1 });
    const last = blocks[blocks.length - 1];
    const span = last && this.nowMs >= last.start_ms && this.nowMs < last.end_ms ? { startMs: last.start_ms, endMs: last.end_ms } : null;
    this.blocks.set(key, span);
    return span;
  }

  period(b: BudgetSpec): Span | null {
    const { timezone, weekStart } = this.settings;
    switch (b.period) {
      case 'day':
        return daySpan(this.nowMs, timezone);
      case 'week':
        return weekSpan(this.nowMs, timezone, weekStart);
      case 'month':
        return monthSpan(this.nowMs, timezone);
      case 'block':
        return this.currentBlock(b.agent);
    }
  }

  /**
   * Usage of one dimension value since `startMs` (to now: later hours hold nothing yet). The three
   * scope dimensions are read in one query per period start: one walk over the period's hours.
   */
  row(dim: UsageDimension, key: string, startMs: number): UsageRow | undefined {
    let rows = this.usage.get(startMs);
    if (!rows) {
      const read = this.stats.usage({ since: new Date(startMs).toISOString(), dims: SCOPE_DIMS });
      rows = new Map(read.map((r) => [`${r.dim}\u0000${r.key}`, r]));
      this.usage.set(startMs, rows);
    }
    return rows.get(`${dim}\u0000${key}`);
  }
}

export function budgetState(b: EffectiveBudget, snap: UsageSnapshot): BudgetState {
  const period = snap.period(b);
  const empty: BudgetState = { budget: b, period, spent: 0, percent: 0, cost_usd: 0, tokens: 0, unpriced_tokens: 0, projection: null };
  if (!period) return empty;
  const { dim, key } = scopeOf(b);
  const row = snap.row(dim, key, period.startMs);
  if (!row) return { ...empty, projection: projection(b, period, 0, snap.nowMs) };
  const spent = amountIn(b.unit, row);
  return {
    budget: b,
    period,
    spent,
    percent: round((spent / b.limit) * 100, 2),
    cost_usd: round(row.cost_usd, 6),
    tokens: totalTokens(row),
    unpriced_tokens: row.unpriced_tokens,
    projection: projection(b, period, spent, snap.nowMs),
  };
}

/**
 * Linear: spent + (spent per elapsed hour) × hours left, once the period has run its minimum.
 * Null before that, so a burst in the first minutes is never shown as a month's bill.
 */
function projection(b: EffectiveBudget, period: Span, spent: number, nowMs: number): BudgetState['projection'] {
  const elapsedMs = Math.min(nowMs, period.endMs) - period.startMs;
  const basisHours = elapsedMs / HOUR_MS;
  if (basisHours < PROJECTION_MIN_HOURS[b.period]) return null;
  const value = spent + (spent / elapsedMs) * Math.max(0, period.endMs - nowMs);
  const digits = b.unit === 'usd' ? 6 : 0;
  return { value: round(value, digits), percent: round((value / b.limit) * 100, 2), basis_hours: round(basisHours, 2) };
}
