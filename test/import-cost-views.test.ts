/**
 * Cost views over imported and live usage: day buckets cut at the user's local midnight (tz), and
 * the 5-hour billing blocks with burn rate and projection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const HOUR = 3_600_000;

function usage(id: string, at: string | number, tokensIn: number, agent = 'claude_code') {
  return {
    event_id: id,
    session_id: `views-${agent}`,
    agent_type: agent,
    event_type: 'api_request',
    model: agent === 'codex' ? 'gpt-5.2' : 'claude-haiku-4-5',
    tokens_in: tokensIn,
    tokens_out: 0,
    client_timestamp: typeof at === 'number' ? new Date(at).toISOString() : at,
  };
}

describe('cost timeline day buckets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.post('/api/events/batch', {
      events: [
        usage('a', '2026-03-10T22:30:00Z', 1), // New York (EDT, UTC-4): 18:30 on the 10th; Tokyo: 07:30 on the 11th
        usage('b', '2026-03-10T23:30:00Z', 10),
        usage('c', '2026-03-11T00:30:00Z', 100), // New York: 20:30 on the 10th
        usage('d', '2026-03-11T04:30:00Z', 1000), // New York: 00:30 on the 11th — after local midnight
      ],
    });
    expect(res.body.ids).toHaveLength(4);
  });
  afterAll(async () => server?.cleanup());

  const days = async (tz: string) => {
    const { status, body } = await server.get(`/api/stats/cost?bucket=day&tz=${encodeURIComponent(tz)}`);
    expect(status).toBe(200);
    return Object.fromEntries(body.timeline.map((b: any) => [b.bucket, b.tokens_in]));
  };

  it('cuts days at midnight in the requested zone', async () => {
    expect(await days('UTC')).toEqual({ '2026-03-10': 11, '2026-03-11': 1100 });
    expect(await days('America/New_York')).toEqual({ '2026-03-10': 111, '2026-03-11': 1000 });
    expect(await days('Asia/Tokyo')).toEqual({ '2026-03-11': 1111 });
    // A day bucket's start is that local midnight (New York is on daylight time, UTC−4, by 10 March).
    const ny = (await server.get('/api/stats/cost?bucket=day&tz=America/New_York')).body.timeline;
    expect(ny.map((b: any) => [b.bucket, b.start])).toEqual([
      ['2026-03-10', '2026-03-10T04:00:00.000Z'],
      ['2026-03-11', '2026-03-11T04:00:00.000Z'],
    ]);
  });

  it('answers hour buckets and rejects an unknown zone', async () => {
    const { body } = await server.get('/api/stats/cost?bucket=hour');
    expect(body.timeline.map((b: any) => b.tokens_in)).toEqual([1, 10, 100, 1000]);
    expect((await server.get('/api/stats/cost?tz=Mars/Olympus')).status).toBe(400);
  });
});

describe('5-hour billing blocks', () => {
  let server: TestServer;
  let hour: number;
  beforeAll(async () => {
    server = await startTestServer();
    hour = Math.floor(Date.now() / HOUR) * HOUR;
    const res = await server.post('/api/events/batch', {
      events: [
        usage('old-1', hour - 7 * HOUR + 600_000, 1000), // opens a block at hour-7
        usage('old-2', hour - 5 * HOUR + 600_000, 500), // same block (it runs to hour-2)
        usage('cur-1', hour - 1 * HOUR + 300_000, 2000), // after it: a new block from hour-1
        usage('cur-2', Date.now() - 1000, 4000),
        usage('codex', hour - 1 * HOUR + 300_000, 9999, 'codex'),
      ],
    });
    expect(res.body.ids).toHaveLength(5);
  });
  afterAll(async () => server?.cleanup());

  it('splits usage into 5-hour blocks and projects the active one', async () => {
    const { status, body } = await server.get('/api/stats/blocks?agent_type=claude_code');
    expect(status).toBe(200);
    expect(body.block_hours).toBe(5);
    expect(body.blocks).toHaveLength(2);
    const [past, active] = body.blocks;
    expect(past).toMatchObject({ start: new Date(hour - 7 * HOUR).toISOString(), is_active: false, total_tokens: 1500, projection: null });
    expect(past.end).toBe(new Date(hour - 2 * HOUR).toISOString());
    // Finished block: its usage spread over the time up to the end of its last active hour (3 h).
    expect(past.burn_rate.tokens_per_minute).toBeCloseTo(1500 / 180, 2);

    expect(active.start).toBe(new Date(hour - HOUR).toISOString());
    expect(active.is_active).toBe(true);
    expect(active.total_tokens).toBe(6000);
    expect(active.api_requests).toBe(2);
    // claude-haiku-4-5 at $1 per MTok input
    expect(active.cost_usd).toBeCloseTo(0.006, 9);
    expect(body.active).toEqual(active);
    const { elapsed_minutes, projection, burn_rate } = active;
    expect(elapsed_minutes + projection.remaining_minutes).toBeCloseTo(300, 0);
    // elapsed_minutes is rounded to 0.1 min, so compare within 1 % rather than to a decimal place.
    expect(Math.abs(burn_rate.tokens_per_minute / (6000 / elapsed_minutes) - 1)).toBeLessThan(0.01);
    expect(projection.total_tokens).toBeGreaterThan(6000);
    expect(Math.abs(projection.total_tokens - (6000 * 300) / elapsed_minutes)).toBeLessThan(50);
  });

  it('finds the same blocks whatever since a view asks with', async () => {
    // since inside the first block (hour-7 … hour-2): the block is shown whole, not restarted at since.
    const since = new Date(hour - 4 * HOUR).toISOString();
    const { body } = await server.get(`/api/stats/blocks?agent_type=claude_code&since=${since}`);
    expect(body.blocks.map((b: any) => [b.start, b.total_tokens])).toEqual([
      [new Date(hour - 7 * HOUR).toISOString(), 1500],
      [new Date(hour - HOUR).toISOString(), 6000],
    ]);
    // since after the first block: only the active one, with the same start as without since.
    const later = await server.get(`/api/stats/blocks?agent_type=claude_code&since=${new Date(hour - 90 * 60_000).toISOString()}`);
    expect(later.body.blocks.map((b: any) => b.start)).toEqual([new Date(hour - HOUR).toISOString()]);
    expect(later.body.active.total_tokens).toBe(6000);
  });

  it('keeps agents apart and rejects bad parameters', async () => {
    const all = await server.get('/api/stats/blocks');
    expect(all.body.active.total_tokens).toBe(6000 + 9999);
    const codex = await server.get('/api/stats/blocks?agent_type=codex');
    expect(codex.body.blocks).toHaveLength(1);
    expect((await server.get('/api/stats/blocks?limit=0')).status).toBe(400);
    expect((await server.get('/api/stats/blocks?since=yesterday')).status).toBe(400);
  });
});
