/** The UI's reading of /api/stats/blocks, and the hourly estimate used when the route is absent. */
import { describe, expect, it } from 'vitest';
import { blocksFromTimeline, normalizeBlocks } from './blocks.js';
import { fillTimeline } from './timeline.js';

const H = 3_600_000;
const row = (hourMs: number, cost: number, events = 1) => ({
  bucket: new Date(hourMs).toISOString(),
  start: new Date(hourMs).toISOString(),
  events,
  errors: 0,
  api_requests: events,
  tokens_in: 100,
  tokens_out: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  cost_usd: cost,
  unpriced_tokens: 0,
  total_tokens: 100,
  error_rate: 0,
});

describe('normalizeBlocks', () => {
  it('reads the server shape (burn_rate.cost_usd_per_hour, projection.cost_usd), newest first', () => {
    const raw = {
      blocks: [
        { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T05:00:00.000Z', is_active: false, total_tokens: 10, cost_usd: 1, unpriced_tokens: 0, burn_rate: { cost_usd_per_hour: 0.5 }, projection: null },
        { start: '2026-01-01T08:00:00.000Z', end: '2026-01-01T13:00:00.000Z', is_active: true, total_tokens: 20, cost_usd: 2, unpriced_tokens: 5, burn_rate: { cost_usd_per_hour: 1 }, projection: { cost_usd: 4.5 } },
      ],
    };
    const blocks = normalizeBlocks(raw);
    expect(blocks.map((b) => [b.start, b.active, b.cost_usd, b.tokens, b.burn_usd_per_hour, b.projected_usd])).toEqual([
      ['2026-01-01T08:00:00.000Z', true, 2, 20, 1, 4.5],
      ['2026-01-01T00:00:00.000Z', false, 1, 10, 0.5, null],
    ]);
    expect(normalizeBlocks({ nothing: true })).toEqual([]);
  });
});

describe('blocksFromTimeline', () => {
  it('opens a block at the first active hour and the next one after five hours', () => {
    const t0 = Date.UTC(2026, 0, 1, 8);
    const now = t0 + 7 * H + 30 * 60_000; // 15:30, inside the second block (opened 13:00)
    const blocks = blocksFromTimeline([row(t0, 1), row(t0 + 2 * H, 2), row(t0 + 5 * H, 3), row(t0 + 7 * H, 1)], now);
    expect(blocks.map((b) => [new Date(b.start).getUTCHours(), b.cost_usd, b.active])).toEqual([
      [13, 4, true],
      [8, 3, false],
    ]);
    // 2.5 hours into the active block: $4 / 2.5 h, projected over 5 h.
    expect(blocks[0].burn_usd_per_hour).toBeCloseTo(1.6);
    expect(blocks[0].projected_usd).toBeCloseTo(8);
  });
});

describe('fillTimeline', () => {
  it('puts a zero bucket in every idle hour', () => {
    const t0 = Date.UTC(2026, 0, 1, 8);
    const f = fillTimeline([row(t0, 1), row(t0 + 3 * H, 2)], 'hour', t0, t0 + 4 * H);
    expect(f.x).toEqual([0, 1, 2, 3, 4].map((h) => (t0 + h * H) / 1000));
    expect(f.rows.map((r) => r?.cost_usd ?? 0)).toEqual([1, 0, 0, 2, 0]);
  });
});
