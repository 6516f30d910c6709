/**
 * GET /api/stats/blocks: 5-hour billing blocks with burn rate and projected block total.
 *   burn rate = block tokens (cost) / minutes elapsed (to now for the active block, to the end of
 *               its last active hour for a finished one; at least one minute);
 *   projection (active block only) = block total + burn rate × minutes left in the block.
 * The rollup is hourly, so a block's elapsed time is measured from its start hour.
 */
import type { StatsReader } from '../../core/storage.js';
import { BLOCK_HOURS, type UsageBlock, type UsageFilter } from '../../core/usage.js';

const HOUR_MS = 3_600_000;

export interface BlocksRequest {
  agent_type?: string;
  /** Project, branch, model, source, machine (agent_type is the field above). */
  filter?: UsageFilter;
  since?: string;
  until?: string;
  limit: number;
}

export function blocksView(reader: StatsReader, q: BlocksRequest, now: Date) {
  const { total, blocks } = reader.billingBlocks({ agent_type: q.agent_type, filter: q.filter, since: q.since, until: q.until, limit: q.limit });
  const nowMs = now.getTime();
  const shown = blocks.map((b) => describeBlock(b, nowMs));
  return {
    block_hours: BLOCK_HOURS,
    agent_type: q.agent_type ?? null,
    filter: { ...(q.filter ?? {}) } as Record<string, string>,
    now: now.toISOString(),
    total_blocks: total,
    blocks: shown,
    active: shown.find((b) => b.is_active) ?? null,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function describeBlock(b: UsageBlock, nowMs: number) {
  const isActive = nowMs >= b.start_ms && nowMs < b.end_ms;
  const elapsedMs = isActive ? nowMs - b.start_ms : Math.min(b.last_hour_ms + HOUR_MS, b.end_ms) - b.start_ms;
  const minutes = Math.max(1, elapsedMs / 60_000);
  const tokens = b.tokens_in + b.tokens_out + b.cache_read_tokens + b.cache_write_tokens;
  const tokensPerMinute = tokens / minutes;
  const costPerMinute = b.cost_usd / minutes;
  const remaining = isActive ? (b.end_ms - nowMs) / 60_000 : 0;
  return {
    start: new Date(b.start_ms).toISOString(),
    end: new Date(b.end_ms).toISOString(),
    last_activity_hour: new Date(b.last_hour_ms).toISOString(),
    is_active: isActive,
    events: b.events,
    api_requests: b.api_requests,
    tokens: {
      input: b.tokens_in,
      output: b.tokens_out,
      cache_read: b.cache_read_tokens,
      cache_write: b.cache_write_tokens,
      reasoning: b.reasoning_tokens,
    },
    total_tokens: tokens,
    cost_usd: round(b.cost_usd, 6),
    unpriced_tokens: b.unpriced_tokens,
    elapsed_minutes: round(minutes, 1),
    burn_rate: {
      tokens_per_minute: round(tokensPerMinute, 2),
      cost_usd_per_hour: round(costPerMinute * 60, 6),
    },
    projection: isActive
      ? {
          remaining_minutes: round(remaining, 1),
          total_tokens: Math.round(tokens + tokensPerMinute * remaining),
          cost_usd: round(b.cost_usd + costPerMinute * remaining, 6),
        }
      : null,
  };
}
