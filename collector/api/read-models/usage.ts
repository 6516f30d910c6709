/** Usage rows as the API shows them: grouped by dimension, summed, rounded, with derived figures. */
import { emptyUsageCounters, type UsageCounters, type UsageDimension, type UsageRow } from '../../core/usage.js';

/** Dollars to the micro-dollar: the float sums' noise off. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Counters in their fixed order, cost rounded, plus total tokens and error rate. */
export function usageFigures(c: UsageCounters) {
  return {
    events: c.events,
    errors: c.errors,
    tokens_in: c.tokens_in,
    tokens_out: c.tokens_out,
    cache_read_tokens: c.cache_read_tokens,
    cache_write_tokens: c.cache_write_tokens,
    reasoning_tokens: c.reasoning_tokens,
    cost_usd: roundUsd(c.cost_usd),
    unpriced_tokens: c.unpriced_tokens,
    api_requests: c.api_requests,
    total_tokens: c.tokens_in + c.tokens_out + c.cache_read_tokens + c.cache_write_tokens,
    error_rate: c.events ? c.errors / c.events : 0,
  };
}

export function sumUsage(rows: readonly UsageCounters[]): UsageCounters {
  const c = emptyUsageCounters();
  for (const row of rows) {
    c.events += row.events;
    c.errors += row.errors;
    c.tokens_in += row.tokens_in;
    c.tokens_out += row.tokens_out;
    c.cache_read_tokens += row.cache_read_tokens;
    c.cache_write_tokens += row.cache_write_tokens;
    c.reasoning_tokens += row.reasoning_tokens;
    c.cost_usd += row.cost_usd;
    c.unpriced_tokens += row.unpriced_tokens;
    c.api_requests += row.api_requests;
  }
  return c;
}

/** Rows by dimension, each list in the order the reader gave. */
export class UsageByDimension {
  private readonly byDim = new Map<UsageDimension, UsageRow[]>();

  constructor(rows: readonly UsageRow[]) {
    for (const row of rows) {
      const list = this.byDim.get(row.dim);
      if (list) list.push(row);
      else this.byDim.set(row.dim, [row]);
    }
  }

  rows(dim: UsageDimension): UsageRow[] {
    return this.byDim.get(dim) ?? [];
  }

  /** The grand total (the `all` dimension). */
  total() {
    return usageFigures(sumUsage(this.rows('all')));
  }

  /** One entry per value of `dim`, the value under `name` (e.g. `{ model: "…", events, … }`). */
  breakdown<N extends string>(dim: UsageDimension, name: N) {
    return this.rows(dim).map((row) => ({ [name]: row.key, ...usageFigures(row) }) as Record<N, string> & ReturnType<typeof usageFigures>);
  }

  /** `{ value: events }` for one dimension. */
  eventsByKey(dim: UsageDimension): Record<string, number> {
    return Object.fromEntries(this.rows(dim).map((row) => [row.key, row.events]));
  }
}
