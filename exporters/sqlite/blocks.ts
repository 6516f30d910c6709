/**
 * 5-hour billing blocks (the window Claude and Codex subscriptions meter usage in), read from the
 * hourly rollup so the answer costs O(active hours), never O(events).
 *
 * A block starts at the first hour with usage (tokens or API requests) and lasts 5 hours; the next
 * usage after it ends starts the next block. Blocks start on whole hours, as the providers' windows
 * do. The rollup is hourly, so a block's elapsed time is measured from its start hour:
 *   burn rate = block tokens (cost) / minutes elapsed (to now for the active block, to the end of
 *               its last active hour for a finished one);
 *   projection (active block only) = block total + burn rate × minutes left in the block.
 */
import type Database from 'better-sqlite3';
import type { BlockQuery } from '../../collector/core/storage.js';
import { COUNTER_COLUMNS, emptyCounters, type Counters } from './rollups.js';

export const BLOCK_HOURS = 5;
const HOUR_MS = 3_600_000;

interface Block {
  startHour: number;
  lastHour: number;
  c: Counters;
}

function totalTokens(c: Counters): number {
  return c.tokens_in + c.tokens_out + c.cache_read_tokens + c.cache_write_tokens;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const USAGE = '(api_requests > 0 OR tokens_in + tokens_out + cache_read_tokens + cache_write_tokens > 0)';

export class BillingBlocks {
  private readonly select: Database.Statement;
  private readonly usageHoursBefore: Database.Statement<[string, string, number, number], { hour: number }>;

  constructor(db: Database.Database) {
    this.select = db.prepare(
      `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
       WHERE dim = ? AND key = ? AND hour >= ? AND hour < ? AND ${USAGE}
       ORDER BY hour`,
    );
    this.usageHoursBefore = db.prepare(
      `SELECT hour FROM hourly WHERE dim = ? AND key = ? AND hour < ? AND ${USAGE} ORDER BY hour DESC LIMIT ?`,
    );
  }

  /**
   * Where the block chain that covers `fromHour` begins: the latest usage hour at or before it that
   * follows a gap of at least a block's length (such an hour always opens a block, whatever came
   * earlier). Without this, the "current block" would depend on the `since` a caller picked.
   */
  private chainStart(dim: string, key: string, fromHour: number): number {
    let candidate = fromHour;
    let below = fromHour + 1;
    for (;;) {
      const hours = this.usageHoursBefore.all(dim, key, below, 256).map((r) => r.hour);
      for (const hour of hours) {
        if (candidate - hour >= BLOCK_HOURS) return candidate;
        candidate = hour;
      }
      if (hours.length < 256) return candidate;
      below = hours[hours.length - 1];
    }
  }

  query(q: BlockQuery): Record<string, unknown> {
    const dim = q.agent_type ? 'agent' : 'all';
    const key = q.agent_type ?? '';
    const fromHour = q.since ? Math.floor(Date.parse(q.since) / HOUR_MS) : -1;
    const toHour = q.until ? Math.ceil(Date.parse(q.until) / HOUR_MS) : Number.MAX_SAFE_INTEGER;
    const anchor = fromHour < 0 ? -1 : this.chainStart(dim, key, fromHour);
    const all = this.select.all(dim, key, anchor, toHour) as Array<Record<string, number>>;

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
    const nowMs = q.now.getTime();
    const shown = blocks.slice(-q.limit).map((b) => describe(b, nowMs));
    const active = shown.find((b) => b.is_active) ?? null;
    return {
      block_hours: BLOCK_HOURS,
      agent_type: q.agent_type ?? null,
      now: q.now.toISOString(),
      total_blocks: blocks.length,
      blocks: shown,
      active,
    };
  }
}

function describe(b: Block, nowMs: number) {
  const startMs = b.startHour * HOUR_MS;
  const endMs = startMs + BLOCK_HOURS * HOUR_MS;
  const isActive = nowMs >= startMs && nowMs < endMs;
  const elapsedMs = isActive ? nowMs - startMs : Math.min((b.lastHour + 1) * HOUR_MS, endMs) - startMs;
  const minutes = Math.max(1, elapsedMs / 60_000);
  const tokens = totalTokens(b.c);
  const tokensPerMinute = tokens / minutes;
  const costPerMinute = b.c.cost_usd / minutes;
  const remaining = isActive ? (endMs - nowMs) / 60_000 : 0;
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    last_activity_hour: new Date(b.lastHour * HOUR_MS).toISOString(),
    is_active: isActive,
    events: b.c.events,
    api_requests: b.c.api_requests,
    tokens: {
      input: b.c.tokens_in,
      output: b.c.tokens_out,
      cache_read: b.c.cache_read_tokens,
      cache_write: b.c.cache_write_tokens,
      reasoning: b.c.reasoning_tokens,
    },
    total_tokens: tokens,
    cost_usd: round(b.c.cost_usd, 6),
    unpriced_tokens: b.c.unpriced_tokens,
    elapsed_minutes: round(minutes, 1),
    burn_rate: {
      tokens_per_minute: round(tokensPerMinute, 2),
      cost_usd_per_hour: round(costPerMinute * 60, 6),
    },
    projection: isActive
      ? {
          remaining_minutes: round(remaining, 1),
          total_tokens: Math.round(tokens + tokensPerMinute * remaining),
          cost_usd: round(b.c.cost_usd + costPerMinute * remaining, 6),
        }
      : null,
  };
}
