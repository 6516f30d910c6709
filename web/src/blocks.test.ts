/** The UI's reading of /api/stats/blocks, and the idle-bucket filling of chart timelines. */
import { describe, expect, it } from 'vitest';
import { blockProjection, normalizeBlocks } from './blocks.js';
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

  it('reads a bare array with other spellings, derives a missing end and activity, skips gaps', () => {
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    const blocks = normalizeBlocks(
      [
        { start_time: '2026-01-01T08:00:00.000Z', costUSD: 3, totalTokens: 7 },
        { startTime: '2026-01-01T02:00:00.000Z', isGap: true },
        { start: 'not a date', cost_usd: 9 },
      ],
      now,
    );
    expect(blocks).toEqual([
      { start: '2026-01-01T08:00:00.000Z', end: '2026-01-01T13:00:00.000Z', cost_usd: 3, tokens: 7, unpriced_tokens: 0, active: true, burn_usd_per_hour: null, projected_usd: null },
    ]);
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

describe('blockProjection', () => {
  const start = Date.parse('2026-01-01T10:00:00Z');
  const block = { start: new Date(start).toISOString(), end: new Date(start + 5 * 3_600_000).toISOString(), cost_usd: 1, tokens: 10, unpriced_tokens: 0, active: true, burn_usd_per_hour: 12, projected_usd: 60 };
  it('projects nothing from the first minutes of a block', () => {
    expect(blockProjection(block, start + 10 * 60_000)).toEqual({ usd: null, waitMinutes: 50 });
  });
  it('projects once the block has run an hour', () => {
    expect(blockProjection(block, start + 61 * 60_000)).toEqual({ usd: 60, waitMinutes: 0 });
    expect(blockProjection({ ...block, active: false }, start + 61 * 60_000).usd).toBeNull();
  });
});
