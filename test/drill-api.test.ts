/**
 * The filters and exports the dashboard's drill-down reads, on the real server with a real SQLite
 * file: sessions in a range, 5-hour blocks for a project, tool calls for a project, and whole
 * tables as CSV/JSON whose rows and totals equal the JSON API's. Bad input answers 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-10-05T08:00:00Z');
const ODD = 'acme, "north" \r\nteam';

interface Seed {
  session_id: string;
  project: string | undefined;
  event_type: string;
  tool_name?: string;
  status?: string;
  duration_ms?: number;
  tokens_in?: number;
  cost_usd?: number;
  model?: string;
  ms: number;
}

function seed(): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < 300; i++) {
    const project = ['alpha', 'beta', ODD, undefined][i % 4];
    const session_id = `d-${i % 12}`;
    const ms = START + i * 7 * 60_000;
    if (i % 3 === 0) {
      out.push({ session_id, project, event_type: 'tool_use', tool_name: ['Bash', 'Read'][i % 2], status: i % 9 === 0 ? 'error' : 'success', duration_ms: 10 + i, ms });
    } else {
      out.push({ session_id, project, event_type: 'api_request', model: 'test-model-d', tokens_in: 100 + i, cost_usd: (i + 1) / 997, ms });
    }
  }
  return out;
}

const EVENTS = seed();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const body = EVENTS.map(({ ms, ...e }, i) => ({ ...e, event_id: `drill-${i}`, agent_type: 'claude_code', client_timestamp: new Date(ms).toISOString() }));
  const res = await server.post('/api/events/batch', { events: body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

afterAll(async () => {
  await server?.cleanup();
});

async function text(path: string): Promise<{ status: number; type: string; disposition: string; body: string }> {
  const res = await fetch(server.url + path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', body: await res.text() };
}

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records) for checking what we send. */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < s.length) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (s[i] === '"' && s[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else field += s[i++];
      }
    } else while (i < s.length && s[i] !== ',' && s[i] !== '\r') field += s[i++];
    row.push(field);
    if (s[i] === ',') i++;
    else if (s[i] === '\r' && s[i + 1] === '\n') {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < s.length) throw new Error(`bad CSV at ${i}`);
  }
  return rows;
}

describe('filters for the drill-down', () => {
  it('lists the sessions active in a range, and refuses a range that ends before it starts', async () => {
    const since = new Date(START + 10 * HOUR).toISOString();
    const until = new Date(START + 20 * HOUR).toISOString();
    const { body } = await server.get(`/api/sessions?since=${since}&until=${until}&limit=1000`);
    const expected = new Set<string>();
    const bySession = new Map<string, number[]>();
    for (const e of EVENTS) bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e.ms]);
    for (const [id, times] of bySession) if (Math.max(...times) >= Date.parse(since) && Math.min(...times) < Date.parse(until)) expected.add(id);
    expect(new Set(body.sessions.map((s: { session_id: string }) => s.session_id))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(0);
    const none = await server.get(`/api/sessions?since=${new Date(START + 100 * HOUR).toISOString()}`);
    expect(none.body.sessions).toEqual([]);

    for (const path of ['/api/sessions', '/api/stats/cost', '/api/stats/blocks', '/api/events', '/api/stats/tools', '/api/export/by_model']) {
      const bad = await server.get(`${path}?since=${until}&until=${since}`);
      expect(bad.status, path).toBe(400);
      expect(bad.body.message, path).toMatch(/until/);
      const garbage = await server.get(`${path}?since=yesterday`);
      expect(garbage.status, path).toBe(400);
      expect(garbage.body.message, path).toMatch(/since/);
    }
  });

  it('chains 5-hour blocks from a project\'s usage only', async () => {
    const all = await server.get('/api/stats/blocks?limit=100');
    const alpha = await server.get('/api/stats/blocks?project=alpha&limit=100');
    expect(alpha.status).toBe(200);
    expect(alpha.body.filter).toEqual({ project: 'alpha' });
    const sum = (b: { blocks: Array<{ cost_usd: number; tokens: { input: number } }> }) => ({
      cost: Math.round(b.blocks.reduce((n, x) => n + x.cost_usd, 0) * 1e6) / 1e6,
      tokens: b.blocks.reduce((n, x) => n + x.tokens.input, 0),
    });
    const mine = EVENTS.filter((e) => e.project === 'alpha' && e.event_type === 'api_request');
    expect(sum(alpha.body).tokens).toBe(mine.reduce((n, e) => n + (e.tokens_in ?? 0), 0));
    expect(sum(alpha.body).cost).toBeCloseTo(mine.reduce((n, e) => n + (e.cost_usd ?? 0), 0), 5);
    expect(sum(all.body).tokens).toBeGreaterThan(sum(alpha.body).tokens);
    // The same answer as the cost API for the project over the blocks' span.
    const cost = await server.get('/api/stats/cost?project=alpha');
    expect(cost.body.totals.tokens_in).toBe(sum(alpha.body).tokens);
    // Agent and project together; an unknown project has no blocks.
    const both = await server.get('/api/stats/blocks?project=alpha&agent_type=claude_code&limit=100');
    expect(sum(both.body)).toEqual(sum(alpha.body));
    expect((await server.get('/api/stats/blocks?project=nope')).body.blocks).toEqual([]);
    const bad = await server.get('/api/stats/blocks?projekt=alpha');
    expect(bad.status).toBe(400);
  });

  it('counts tool calls and failures per tool for a project and a range', async () => {
    const since = new Date(START + 3 * HOUR).toISOString();
    const { body } = await server.get(`/api/stats/tools?project=alpha&since=${since}`);
    const calls = EVENTS.filter((e) => e.project === 'alpha' && e.event_type === 'tool_use' && e.ms >= Date.parse(since));
    for (const tool of ['Bash', 'Read']) {
      const mine = calls.filter((e) => e.tool_name === tool);
      const row = body.tools.find((t: { tool_name: string }) => t.tool_name === tool);
      if (mine.length === 0) expect(row).toBeUndefined();
      else {
        expect(row.calls).toBe(mine.length);
        expect(row.errors).toBe(mine.filter((e) => e.status === 'error').length);
        expect(row.mean_ms).toBe(Math.round(mine.reduce((n, e) => n + (e.duration_ms ?? 0), 0) / mine.length));
      }
    }
    const none = await server.get('/api/stats/tools?project=');
    expect(none.body.tools.reduce((n: number, t: { calls: number }) => n + t.calls, 0)).toBe(EVENTS.filter((e) => !e.project && e.event_type === 'tool_use').length);
  });
});

describe('export', () => {
  it('sends a breakdown as RFC 4180 CSV whose rows and totals are the cost API\'s', async () => {
    const since = new Date(START + 2 * HOUR + 15 * 60_000).toISOString();
    const until = new Date(START + 30 * HOUR).toISOString();
    const csv = await text(`/api/export/by_project?since=${since}&until=${until}`);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.disposition).toMatch(/attachment; filename="agentstats-by_project-2026-10-05T101500Z_2026-10-06T140000Z\.csv"/);
    expect(csv.body.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv.body);
    const api = (await server.get(`/api/stats/cost?since=${since}&until=${until}`)).body;
    expect(rows[0]).toEqual(['project', 'events', 'errors', 'tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost_usd', 'unpriced_tokens', 'api_requests']);
    const body = rows.slice(1, -1);
    expect(body.map((r) => r[0])).toEqual(api.by_project.map((r: { project: string }) => r.project));
    expect(body.map((r) => r[0])).toContain(ODD); // quoted, with its comma, quotes and line break intact
    for (const r of body) {
      const a = api.by_project.find((x: { project: string }) => x.project === r[0]);
      expect(Number(r[9])).toBe(a.cost_usd);
      expect(r[3]).toBe(String(a.tokens_in));
    }
    const total = rows[rows.length - 1];
    expect(total[0]).toBe('Total');
    expect(Number(total[9])).toBe(api.totals.cost_usd);
    expect(Number(total[1])).toBe(api.totals.events);
    expect(Number(total[3])).toBe(api.totals.tokens_in);
  });

  it('sends the same table as JSON, a filtered timeline, and every session across pages', async () => {
    const json = await server.get('/api/export/by_model?format=json&project=beta');
    expect(json.body.filter).toEqual({ project: 'beta' });
    const api = (await server.get('/api/stats/cost?project=beta')).body;
    expect(json.body.totals.cost_usd).toBe(api.totals.cost_usd);
    expect(json.body.rows.map((r: { model: string }) => r.model)).toEqual(api.by_model.map((r: { model: string }) => r.model));

    const tl = parseCsv((await text('/api/export/timeline?bucket=hour&project=alpha')).body);
    const apiTl = (await server.get('/api/stats/cost?bucket=hour&project=alpha')).body;
    expect(tl.length).toBe(apiTl.timeline.length + 2);
    expect(Number(tl[tl.length - 1][tl[0].indexOf('cost_usd')])).toBe(apiTl.totals.cost_usd);

    // 1,100 more sessions: more than one page of the export's reads.
    const many = Array.from({ length: 1100 }, (_, i) => ({ session_id: `many-${i}`, agent_type: 'codex', event_type: 'api_request', project: 'many', tokens_in: 1, cost_usd: 0.001, model: 'test-model-d' }));
    for (let i = 0; i < many.length; i += 500) expect((await server.post('/api/events/batch', { events: many.slice(i, i + 500) })).status).toBe(200);
    const sessions = parseCsv((await text('/api/export/sessions?project=many')).body);
    expect(sessions.length).toBe(1100 + 2);
    const totals = sessions[sessions.length - 1];
    const col = (name: string) => sessions[0].indexOf(name);
    expect(totals[0]).toBe('Total');
    expect(Number(totals[col('cost_usd')])).toBeCloseTo(1.1, 9);
    expect(Number(totals[col('tokens_in')])).toBe(1100);
    expect(new Set(sessions.slice(1, -1).map((r) => r[0])).size).toBe(1100);

    // The Sessions view's text search and sort travel with its export: the file holds the list shown,
    // in its order, across the export's page boundary (ties broken by session id, as the API pages).
    const listed: string[] = [];
    let cursor = '';
    do {
      const page = (await server.get(`/api/sessions?project=many&sort=cost&order=asc&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)).body;
      listed.push(...page.sessions.map((r: { session_id: string }) => r.session_id));
      cursor = page.next_cursor ?? '';
    } while (cursor);
    const sorted = parseCsv((await text('/api/export/sessions?project=many&sort=cost&order=asc')).body);
    expect(sorted.slice(1, -1).map((r) => r[0])).toEqual(listed);
    const searched = parseCsv((await text('/api/export/sessions?project=many&q=many-10')).body);
    expect(searched.length).toBe(1 + 10 + 100 + 2);
    expect(searched.slice(1, -1).every((r) => r[0].startsWith('many-10'))).toBe(true);

    const tools = await server.get('/api/export/tools?format=json&project=alpha');
    const toolApi = (await server.get('/api/stats/tools?project=alpha')).body;
    expect(tools.body.totals.calls).toBe(toolApi.tools.reduce((n: number, t: { calls: number }) => n + t.calls, 0));
  });

  it('answers 400 naming the field for bad export input', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/export/by_nothing', /table/],
      ['/api/export/by_model?format=xlsx', /format/],
      ['/api/export/by_model?tz=Mars/Olympus', /tz/],
      ['/api/export/sessions?machine=box', /machine/],
      ['/api/export/sessions?project=', /project/],
      ['/api/export/by_model?status=active', /status/],
      ['/api/export/by_model?sort=cost', /sort/],
      ['/api/export/sessions?sort=price', /sort/],
      ['/api/stats/tools?model=' + 'x'.repeat(5000), /model/],
    ];
    for (const [path, field] of cases) {
      const res = await server.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.message, path).toMatch(field);
    }
  });
});
