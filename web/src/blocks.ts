/**
 * 5-hour usage blocks, read from the server's /api/stats/blocks. Fields are read tolerantly (a few
 * spellings, missing end or activity derived from the start), so a small change on the server
 * side does not blank the panel.
 */
import type { Block } from './types.js';

const BLOCK_MS = 5 * 3_600_000;

type Raw = Record<string, unknown>;

function pick(o: Raw, keys: string[]): unknown {
  for (const k of keys) {
    const path = k.split('.');
    let v: unknown = o;
    for (const p of path) v = v && typeof v === 'object' ? (v as Raw)[p] : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function numberOr(v: unknown, fallback: number | null): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function isoOf(v: unknown): string | null {
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  if (typeof v === 'number') return new Date(v).toISOString();
  return null;
}

/** Reads whatever /api/stats/blocks returned into Blocks, newest first. */
export function normalizeBlocks(raw: unknown, now = Date.now()): Block[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? (raw as Raw).blocks : null;
  if (!Array.isArray(list)) return [];
  const out: Block[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const b = item as Raw;
    if (pick(b, ['is_gap', 'isGap']) === true) continue;
    const start = isoOf(pick(b, ['start', 'start_time', 'startTime', 'block_start']));
    if (!start) continue;
    const end = isoOf(pick(b, ['end', 'end_time', 'endTime', 'block_end'])) ?? new Date(Date.parse(start) + BLOCK_MS).toISOString();
    const activeRaw = pick(b, ['is_active', 'active', 'isActive']);
    const active = typeof activeRaw === 'boolean' ? activeRaw : Date.parse(start) <= now && now < Date.parse(end);
    out.push({
      start,
      end,
      cost_usd: numberOr(pick(b, ['cost_usd', 'costUSD', 'cost', 'total_cost_usd']), 0)!,
      tokens: numberOr(pick(b, ['total_tokens', 'tokens', 'totalTokens']), 0)!,
      unpriced_tokens: numberOr(pick(b, ['unpriced_tokens']), 0)!,
      active,
      burn_usd_per_hour: numberOr(
        pick(b, ['burn_rate_usd_per_hour', 'burn_usd_per_hour', 'burn_rate.cost_usd_per_hour', 'burn_rate.cost_per_hour', 'burn_rate.usd_per_hour', 'burnRate.costPerHour', 'burn_rate']),
        null,
      ),
      projected_usd: numberOr(
        pick(b, ['projection.cost_usd', 'projected_cost_usd', 'projected_usd', 'projected_total_usd', 'projection.total_cost_usd', 'projection.totalCost']),
        null,
      ),
    });
  }
  out.sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return out;
}

/** Minutes of a block before its end is projected: a straight line from its first minutes says little. */
export const PROJECT_AFTER_MINUTES = 60;

/**
 * The projected block total when the block has run long enough to project from, else null (and
 * the minutes still to wait). Unpriced usage stays out of the dollars (shown beside them).
 */
export function blockProjection(b: Block, now = Date.now()): { usd: number | null; waitMinutes: number } {
  if (!b.active || b.projected_usd === null) return { usd: null, waitMinutes: 0 };
  const elapsed = (now - Date.parse(b.start)) / 60_000;
  if (elapsed < PROJECT_AFTER_MINUTES) return { usd: null, waitMinutes: Math.ceil(PROJECT_AFTER_MINUTES - elapsed) };
  return { usd: b.projected_usd, waitMinutes: 0 };
}
