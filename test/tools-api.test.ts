/**
 * GET /api/tools and /api/tools/:tool/calls over the real read API and SQLite store (inject):
 * percentiles within the stated error of the exact nearest-rank ones, for any agent and range
 * (whole days from the daily histogram, edges from the events), the drill-down exact, bad input
 * answered 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-harness.js';
import type { ToolCallsResponse, ToolsResponse } from '../collector/api/schemas/index.js';

const NOW = Date.now();
const HOUR = 3_600_000;
interface Call { agent: string; tool: string; ms: number | null; t: number; error: boolean }

let h: ApiHarness;
const calls: Call[] = [];

// A seeded generator: the same calls every run.
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

beforeAll(async () => {
  h = await startApiHarness();
  for (let i = 0; i < 1500; i++) {
    const tool = i % 3 === 0 ? 'Read' : 'Bash';
    calls.push({
      agent: i % 4 === 0 ? 'codex' : 'claude_code',
      tool,
      // Log-uniform from ~3 ms to ~20 s, and not whole: exact values are not bucket edges.
      ms: Math.exp(1 + rand() * 9) + 0.37,
      t: NOW - Math.floor(rand() * 80 * HOUR),
      error: rand() < 0.05,
    });
  }
  calls.push({ agent: 'claude_code', tool: 'Long', ms: 58 * 60_000, t: NOW - HOUR, error: false });
  // A tool call with no duration: a call (and an error), in no percentile.
  calls.push({ agent: 'claude_code', tool: 'Read', ms: null, t: NOW - 2 * HOUR, error: true });
  const events = calls.map((c, i) => ({
    event_id: `tool-${i}`,
    session_id: `s-${i % 7}`,
    agent_type: c.agent,
    // Sessions s-0, s-2, s-4, s-6 in one project, the others in another: the drill-down of the calls.
    project: i % 7 % 2 ? 'odd' : 'even',
    event_type: 'tool_use',
    tool_name: c.tool,
    ...(c.ms === null ? {} : { duration_ms: c.ms }),
    status: c.error ? 'error' : 'success',
    metadata: c.error ? { error: `failed ${i}` } : {},
    client_timestamp: new Date(c.t).toISOString(),
  }));
  for (let i = 0; i < events.length; i += 500) {
    const res = await h.server.inject({ method: 'POST', url: '/api/events/batch', payload: { events: events.slice(i, i + 500) } });
    expect(res.statusCode).toBe(200);
  }
}, 60_000);

afterAll(async () => h?.close());

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await h.server.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<T>() };
}

function exact(values: number[], p: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

function expectClose(got: number | null, want: number, maxError: number): void {
  expect(got).not.toBeNull();
  // Whole ms on top of the bucket error.
  expect(Math.abs(got! - want)).toBeLessThanOrEqual(want * maxError + 0.5);
}

const cases: Array<{ name: string; query: string; pick: (c: Call) => boolean }> = [
  { name: 'all time', query: '', pick: () => true },
  { name: 'one agent, all time', query: 'agent_type=codex', pick: (c) => c.agent === 'codex' },
  {
    // Off any day boundary: two partial days read from events, the days between from the histogram.
    name: 'a range with partial days',
    query: `since=${new Date(NOW - 70 * HOUR + 1234).toISOString()}&until=${new Date(NOW - 5 * HOUR - 777).toISOString()}`,
    pick: (c) => c.t >= NOW - 70 * HOUR + 1234 && c.t < NOW - 5 * HOUR - 777,
  },
  {
    name: 'a short range and an agent',
    query: `agent_type=claude_code&since=${new Date(NOW - 10 * HOUR).toISOString()}`,
    pick: (c) => c.agent === 'claude_code' && c.t >= NOW - 10 * HOUR,
  },
];

describe('GET /api/tools', () => {
  for (const k of cases) {
    it(`percentiles within the stated error, counts exact: ${k.name}`, async () => {
      const { status, body } = await get<ToolsResponse>(`/api/tools?${k.query}`);
      expect(status).toBe(200);
      expect(body.max_relative_error).toBeGreaterThan(0);
      expect(body.max_relative_error).toBeLessThanOrEqual(0.05);
      for (const tool of ['Bash', 'Read']) {
        const mine = calls.filter((c) => c.tool === tool && k.pick(c));
        const row = body.tools.find((t) => t.tool_name === tool)!;
        expect(row.calls).toBe(mine.length);
        expect(row.errors).toBe(mine.filter((c) => c.error).length);
        const ms = mine.flatMap((c) => (c.ms === null ? [] : [c.ms]));
        expect(row.timed_calls).toBe(ms.length);
        expectClose(row.p50_ms, exact(ms, 0.5), body.max_relative_error);
        expectClose(row.p95_ms, exact(ms, 0.95), body.max_relative_error);
        expectClose(row.p99_ms, exact(ms, 0.99), body.max_relative_error);
      }
    });
  }

  it('a 58-minute call is 58 minutes, within the error (not the 64 of a 25 % bucket)', async () => {
    const { body } = await get<ToolsResponse>('/api/tools');
    const long = body.tools.find((t) => t.tool_name === 'Long')!;
    expectClose(long.p50_ms, 58 * 60_000, body.max_relative_error);
    expect(long.p99_ms!).toBeLessThan(60 * 60_000);
    // /api/stats reads the same all-time histogram.
    const stats = await get<{ tools: Array<{ tool_name: string; p95_ms: number | null }> }>('/api/stats');
    expect(stats.body.tools.find((t) => t.tool_name === 'Long')!.p95_ms!).toBeLessThan(60 * 60_000);
  });

  it('answers 400 naming the bad field', async () => {
    for (const [url, field] of [
      ['/api/tools?since=yesterday', 'since'],
      ['/api/tools?until=2026-13-45', 'until'],
      [`/api/tools?since=${new Date(NOW).toISOString()}&until=${new Date(NOW - HOUR).toISOString()}`, 'until'],
      ['/api/tools?agent_type=', 'agent_type'],
      ['/api/tools?colour=blue', 'colour'],
      ['/api/tools/Bash/calls?kind=fastest', 'kind'],
      ['/api/tools/Bash/calls?limit=0', 'limit'],
    ] as const) {
      const res = await h.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ message: string }>().message, url).toContain(field);
    }
  });
});

describe('GET /api/tools/:tool/calls', () => {
  it('lists the slowest calls longest first, exactly, with the filters', async () => {
    const { status, body } = await get<ToolCallsResponse>('/api/tools/Bash/calls?kind=slowest&limit=10&agent_type=claude_code');
    expect(status).toBe(200);
    const want = calls.filter((c) => c.tool === 'Bash' && c.agent === 'claude_code').map((c) => c.ms!).sort((a, b) => b - a).slice(0, 10);
    expect(body.calls.map((c) => c.duration_ms)).toEqual(want);
    expect(body.calls.every((c) => c.agent_type === 'claude_code' && c.seq > 0 && c.session_id.startsWith('s-'))).toBe(true);
  });

  it('narrows the calls to a project (a drill-down of the dashboard), exactly', async () => {
    const { status, body } = await get<ToolCallsResponse>('/api/tools/Bash/calls?kind=slowest&limit=10&project=odd');
    expect(status).toBe(200);
    const want = calls.filter((c, i) => c.tool === 'Bash' && c.ms !== null && (i % 7) % 2 === 1).map((c) => c.ms!).sort((a, b) => b - a).slice(0, 10);
    expect(body.calls.map((c) => c.duration_ms)).toEqual(want);
    expect(body.calls.every((c) => Number(c.session_id.slice(2)) % 2 === 1)).toBe(true);
    const failed = await get<ToolCallsResponse>('/api/tools/Read/calls?kind=failed&limit=200&project=even&agent_type=codex');
    expect(failed.body.calls).toHaveLength(calls.filter((c, i) => c.tool === 'Read' && c.error && c.agent === 'codex' && (i % 7) % 2 === 0).length);
    expect((await get('/api/tools/Read/calls?project=')).status).toBe(400);
  });

  it('lists the failed calls newest first, timed or not', async () => {
    const since = new Date(NOW - 40 * HOUR).toISOString();
    const { body } = await get<ToolCallsResponse>(`/api/tools/Read/calls?kind=failed&limit=200&since=${since}`);
    const want = calls.filter((c) => c.tool === 'Read' && c.error && c.t >= NOW - 40 * HOUR).length;
    expect(body.calls).toHaveLength(want);
    expect(body.calls.every((c) => c.status === 'error')).toBe(true);
    const seqs = body.calls.map((c) => c.seq);
    expect(seqs).toEqual(seqs.slice().sort((a, b) => b - a));
    expect(body.calls.some((c) => c.duration_ms === null)).toBe(true);
    // Error text is a user secret: not stored unless prompt storage is on, so none to show.
    expect(body.calls.every((c) => c.error === null)).toBe(true);
  });
});
