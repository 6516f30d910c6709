/**
 * 5-hour billing blocks (the window Claude and Codex subscriptions meter usage in), read from the
 * hourly rollup so the answer costs O(active hours), never O(events).
 *
 * A block starts at the first hour with usage (tokens or API requests) and lasts BLOCK_HOURS; the
 * next usage after it ends starts the next block. Blocks start on whole hours, as the providers'
 * windows do. An `until` inside an hour counts that hour's quarter hours before it (quarters.ts).
 * Burn rate and projection are the API's (collector/api/read-models/blocks.ts).
 */
import type Database from 'better-sqlite3';
import { BLOCK_HOURS, hasUsageFilter, USAGE_FILTER_FIELDS, type BlockQuery, type BlockRows, type UsageBlock, type UsageFilter } from '../../collector/core/usage.js';
import { COUNTER_COLUMNS, emptyCounters, type Counters } from './rollups.js';
import { HOUR_MS, quarterBounds, QUARTERS_PER_HOUR } from './quarters.js';

interface Block {
  startHour: number;
  lastHour: number;
  c: Counters;
}

export const USAGE = '(api_requests > 0 OR tokens_in + tokens_out + cache_read_tokens + cache_write_tokens > 0)';

/** Where a block chain reads its hours from: one rollup row per hour (a dimension's) or a filter's. */
export interface BlockHours {
  /** Hours in [from, to) with usage, oldest first, with their counters. */
  hours(from: number, to: number): Array<Record<string, number>>;
  /** Up to `n` usage hours before `below`, newest first. */
  usageHoursBefore(below: number, n: number): number[];
  /** The summed counters of three listed quarter hours (repeats allowed), NULLs when none. */
  quarters(q: [number, number, number]): Record<string, number>;
}

/** One dimension value's hourly rows ('all', or one agent). */
class DimensionHours implements BlockHours {
  constructor(
    private readonly s: BlockStatements,
    private readonly dim: string,
    private readonly key: string,
  ) {}
  hours(from: number, to: number) {
    return this.s.select.all(this.dim, this.key, from, to) as Array<Record<string, number>>;
  }
  usageHoursBefore(below: number, n: number) {
    return this.s.usageHoursBefore.all(this.dim, this.key, below, n).map((r) => r.hour);
  }
  quarters(q: [number, number, number]) {
    return this.s.partialHour.get(...q, this.dim, this.key) as Record<string, number>;
  }
}

interface BlockStatements {
  select: Database.Statement;
  usageHoursBefore: Database.Statement<[string, string, number, number], { hour: number }>;
  partialHour: Database.Statement;
}

export class BillingBlocks {
  private readonly s: BlockStatements;

  constructor(
    db: Database.Database,
    /** Hours of the usage a filter (project, model, …) selects; absent: only agent blocks. */
    private readonly filtered?: (filter: UsageFilter) => BlockHours,
  ) {
    this.s = {
      select: db.prepare(
        `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
         WHERE dim = ? AND key = ? AND hour >= ? AND hour < ? AND ${USAGE}
         ORDER BY hour`,
      ),
      usageHoursBefore: db.prepare(
        `SELECT hour FROM hourly WHERE dim = ? AND key = ? AND hour < ? AND ${USAGE} ORDER BY hour DESC LIMIT ?`,
      ),
      // The first quarters of the hour `until` falls inside (listed, so each is a primary-key lookup).
      partialHour: db.prepare(
        `SELECT ${COUNTER_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM quarter_hours
         WHERE quarter IN (?, ?, ?) AND dim = ? AND key = ?`,
      ),
    };
  }

  /**
   * Where the block chain that covers `fromHour` begins: the latest usage hour at or before it that
   * follows a gap of at least a block's length (such an hour always opens a block, whatever came
   * earlier). Without this, the "current block" would depend on the `since` a caller picked.
   */
  private chainStart(src: BlockHours, fromHour: number): number {
    let candidate = fromHour;
    let below = fromHour + 1;
    for (;;) {
      const hours = src.usageHoursBefore(below, 256);
      for (const hour of hours) {
        if (candidate - hour >= BLOCK_HOURS) return candidate;
        candidate = hour;
      }
      if (hours.length < 256) return candidate;
      below = hours[hours.length - 1];
    }
  }

  query(q: BlockQuery): BlockRows {
    // Agent alone reads the agent's own rows; any other filter the combined rows it matches.
    const onlyAgent = !hasUsageFilter(q.filter) || USAGE_FILTER_FIELDS.every((f) => f === 'agent_type' || q.filter?.[f] === undefined);
    const agent = q.filter?.agent_type ?? q.agent_type;
    const src: BlockHours =
      onlyAgent || !this.filtered
        ? new DimensionHours(this.s, agent ? 'agent' : 'all', agent ?? '')
        : this.filtered({ ...q.filter, ...(agent ? { agent_type: agent } : {}) });
    const fromHour = q.since ? Math.floor(Date.parse(q.since) / HOUR_MS) : -1;
    const untilQuarter = quarterBounds(q).to;
    const toHour = untilQuarter === null ? Number.MAX_SAFE_INTEGER : Math.floor(untilQuarter / QUARTERS_PER_HOUR);
    const anchor = fromHour < 0 ? -1 : this.chainStart(src, fromHour);
    const all = src.hours(anchor, toHour);
    const inPart = untilQuarter === null ? 0 : untilQuarter - toHour * QUARTERS_PER_HOUR;
    if (inPart > 0 && toHour >= anchor) {
      const first = toHour * QUARTERS_PER_HOUR;
      const quarters = [0, 1, 2].map((i) => first + Math.min(i, inPart - 1)); // repeats are harmless in IN
      const partial = src.quarters(quarters as [number, number, number]);
      // Like an hour row: kept when it has usage (no rows at all: the sums are NULL).
      if (partial.api_requests > 0 || partial.tokens_in + partial.tokens_out + partial.cache_read_tokens + partial.cache_write_tokens > 0) {
        all.push({ ...partial, hour: toHour });
      }
    }

    const chained: Block[] = [];
    let current: Block | null = null;
    for (const row of all) {
      if (!current || row.hour >= current.startHour + BLOCK_HOURS) {
        current = { startHour: row.hour, lastHour: row.hour, c: emptyCounters() };
        chained.push(current);
      }
      current.lastHour = row.hour;
      for (const col of COUNTER_COLUMNS) current.c[col] += Number(row[col] ?? 0);
    }

    // Blocks that end after `since`: a block that began before it still counts whole.
    const blocks = chained.filter((b) => b.startHour + BLOCK_HOURS > fromHour);
    return { total: blocks.length, blocks: blocks.slice(-q.limit).map(toRow) };
  }
}

function toRow(b: Block): UsageBlock {
  return {
    start_ms: b.startHour * HOUR_MS,
    end_ms: (b.startHour + BLOCK_HOURS) * HOUR_MS,
    last_hour_ms: b.lastHour * HOUR_MS,
    ...b.c,
  };
}
