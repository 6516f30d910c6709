/**
 * GET /api/stats/cost narrowed by project, branch, agent, model, source and machine: totals,
 * every breakdown and the timeline (hour and local day, a since/until off the hour) equal the sums
 * of the seeded events that match, computed here from what was sent. Real server, real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-20T00:00:00Z');

interface Seeded {
  event_id: string;
  agent_type: string;
  project?: string;
  branch?: string;
  model?: string;
  machine?: string;
  tokens_in: number;
  cost_usd?: number;
  ms: number;
}

/** 240 usage events over 40 hours at odd minutes, in every mix of the filterable fields. */
function seedEvents(): Seeded[] {
  const out: Seeded[] = [];
  for (let i = 0; i < 240; i++) {
    out.push({
      event_id: `cf-${i}`,
      agent_type: ['claude_code', 'codex', 'gemini_cli'][i % 3],
      project: ['alpha', 'beta', undefined, 'gamma'][i % 4],
      branch: ['main', 'feature'][i % 2],
      model: i % 5 === 0 ? undefined : ['test-model-a', 'test-model-b', 'test-model-c'][i % 3],
      machine: i % 7 === 0 ? 'build-box' : undefined,
      tokens_in: 10 + i,
      cost_usd: i % 6 === 0 ? undefined : (i + 1) / 1000,
      ms: START + i * 10 * 60_000 + (i % 9) * 37_000,
    });
  }
  return out;
}

const EVENTS = seedEvents();

function sum(events: Seeded[]) {
  return {
    events: events.length,
    tokens_in: events.reduce((n, e) => n + e.tokens_in, 0),
    cost_usd: Math.round(events.reduce((n, e) => n + (e.cost_usd ?? 0), 0) * 1e6) / 1e6,
    unpriced_tokens: events.filter((e) => e.cost_usd === undefined).reduce((n, e) => n + e.tokens_in, 0),
  };
}

const pick = (c: Record<string, number>) => ({ events: c.events, tokens_in: c.tokens_in, cost_usd: c.cost_usd, unpriced_tokens: c.unpriced_tokens });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const body = EVENTS.map(({ ms, ...e }) => ({
    ...e,
    session_id: `s-${e.agent_type}-${e.project ?? 'none'}`,
    event_type: 'api_request',
    tokens_out: 0,
    client_timestamp: new Date(ms).toISOString(),
  }));
  const res = await server.post('/api/events/batch', { events: body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

afterAll(async () => {
  await server?.cleanup();
});

describe('/api/stats/cost with filters', () => {
  it('narrows totals and every breakdown to the matching events (all time)', async () => {
    const { body } = await server.get('/api/stats/cost?project=alpha');
    const alpha = EVENTS.filter((e) => e.project === 'alpha');
    expect(body.filter).toEqual({ project: 'alpha' });
    expect(pick(body.totals)).toEqual(sum(alpha));
    expect(body.by_project.map((r: { project: string }) => r.project)).toEqual(['alpha']);
    for (const model of ['test-model-a', 'test-model-b', 'test-model-c', '']) {
      const row = body.by_model.find((r: { model: string }) => r.model === model);
      const expected = alpha.filter((e) => (e.model ?? '') === model);
      if (expected.length === 0) expect(row).toBeUndefined();
      else expect(pick(row)).toEqual(sum(expected));
    }
    const machines = Object.fromEntries(body.by_machine.map((r: { machine: string; events: number }) => [r.machine, r.events]));
    expect(machines).toEqual({
      '': alpha.filter((e) => !e.machine).length,
      'build-box': alpha.filter((e) => e.machine === 'build-box').length,
    });
  });

  it('combines filters, and "" selects events that name none', async () => {
    const { body } = await server.get('/api/stats/cost?agent_type=codex&branch=feature&model=');
    const match = EVENTS.filter((e) => e.agent_type === 'codex' && e.branch === 'feature' && e.model === undefined);
    expect(match.length).toBeGreaterThan(0);
    expect(pick(body.totals)).toEqual(sum(match));
    const none = await server.get('/api/stats/cost?project=');
    expect(pick(none.body.totals)).toEqual(sum(EVENTS.filter((e) => e.project === undefined)));
    const machine = await server.get('/api/stats/cost?machine=build-box');
    expect(pick(machine.body.totals)).toEqual(sum(EVENTS.filter((e) => e.machine === 'build-box')));
    // A value never seen: zeros, not an error.
    const nothing = await server.get('/api/stats/cost?project=nope');
    expect(nothing.status).toBe(200);
    expect(nothing.body.totals.events).toBe(0);
    expect(nothing.body.timeline).toEqual([]);
  });

  it('honours the filter in a range off the hour and in the hourly and local-day timelines', async () => {
    const since = new Date(START + 5 * HOUR + 15 * 60_000).toISOString();
    const until = new Date(START + 31 * HOUR + 45 * 60_000).toISOString();
    const inRange = (e: Seeded) => e.ms >= Date.parse(since) && e.ms < Date.parse(until);
    const match = EVENTS.filter((e) => inRange(e) && e.project === 'beta');

    const hourly = await server.get(`/api/stats/cost?project=beta&bucket=hour&since=${since}&until=${until}`);
    expect(pick(hourly.body.totals)).toEqual(sum(match));
    for (const bucket of hourly.body.timeline as Array<{ bucket: string; events: number; tokens_in: number }>) {
      const from = Date.parse(bucket.bucket);
      const inHour = match.filter((e) => e.ms >= from && e.ms < from + HOUR);
      expect({ events: bucket.events, tokens_in: bucket.tokens_in }).toEqual({ events: inHour.length, tokens_in: sum(inHour).tokens_in });
    }
    expect(hourly.body.timeline.reduce((n: number, b: { events: number }) => n + b.events, 0)).toBe(match.length);

    // Days cut at local midnight in India (+5:30): each day's events from the seeded times.
    const daily = await server.get(`/api/stats/cost?project=beta&bucket=day&tz=Asia/Kolkata&since=${since}&until=${until}`);
    const dayOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(ms);
    const expected = new Map<string, number>();
    for (const e of match) expected.set(dayOf(e.ms), (expected.get(dayOf(e.ms)) ?? 0) + e.tokens_in);
    const got = new Map((daily.body.timeline as Array<{ bucket: string; tokens_in: number }>).map((b) => [b.bucket, b.tokens_in]));
    expect(got).toEqual(expected);
  });

  it('answers 400 naming the parameter for a filter that is not a string field', async () => {
    const res = await server.get(`/api/stats/cost?project=${'x'.repeat(5000)}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('project');
    const unknown = await server.get('/api/stats/cost?projekt=alpha');
    expect(unknown.status).toBe(400);
  });

  it('lists machines among the filter options', async () => {
    const { body } = await server.get('/api/filter-options');
    expect(body.machines).toEqual(['build-box']);
  });
});
