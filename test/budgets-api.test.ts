/**
 * Budgets and alerts over HTTP against the real server: CRUD and validation of /api/budgets,
 * config budgets read-only, /api/budgets/status against seeded events (overall, per project, per
 * agent, dollars and tokens, unpriced usage), alerts raised once per period and threshold (also
 * across a restart), the stream's `alert` message, and the webhook (one POST per crossing, retried
 * after a 503, its secret header never logged).
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { openStream } from './helpers/sse.js';

const call = async (server: TestServer, method: string, pathname: string, body?: unknown) => {
  const res = await fetch(server.url + pathname, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

const ev = (fields: Record<string, unknown>) => ({
  session_id: 'budget-s1',
  agent_type: 'claude_code',
  event_type: 'api_request',
  model: 'claude-sonnet-4-5',
  project: 'alpha',
  tokens_in: 0,
  tokens_out: 0,
  ...fields,
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() - start > timeoutMs) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function configFile(dir: string, alerts: Record<string, unknown>): string {
  const file = path.join(dir, 'agentstats.jsonc');
  writeFileSync(file, JSON.stringify({ exporters: { alerts: { timezone: 'UTC', min_interval_ms: 50, ...alerts } } }));
  return file;
}

describe('budgets API', () => {
  let server: TestServer;

  beforeAll(async () => {
    const dir = makeTempDir();
    const file = configFile(dir, { budgets: [{ name: 'team month', period: 'month', unit: 'usd', limit: 100 }] });
    server = await startTestServer({ dir, args: ['--config', file] });
  });
  afterAll(() => server?.cleanup());

  it('creates, lists, changes and deletes a dashboard budget; config budgets are read-only', async () => {
    const made = await call(server, 'POST', '/api/budgets', { name: 'daily', period: 'day', unit: 'usd', limit: 5, project: 'alpha', thresholds: [90, 25] });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'daily', period: 'day', unit: 'usd', limit: 5, project: 'alpha', agent: null, thresholds: [25, 90], source: 'dashboard', editable: true });
    const id = made.body.id as string;

    const list = await call(server, 'GET', '/api/budgets');
    expect(list.body.budgets.map((b: { name: string }) => b.name)).toEqual(['team month', 'daily']);
    const cfg = list.body.budgets[0];
    expect(cfg).toMatchObject({ id: 'config:team month', source: 'config', editable: false, thresholds: [50, 80, 100], created_at: null });

    const changed = await call(server, 'PUT', `/api/budgets/${id}`, { name: 'daily alpha', period: 'week', unit: 'tokens', limit: 1000, project: 'alpha' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, name: 'daily alpha', period: 'week', unit: 'tokens', limit: 1000, thresholds: [50, 80, 100] });

    expect((await call(server, 'PUT', `/api/budgets/${encodeURIComponent(cfg.id)}`, { name: 'x', period: 'day', unit: 'usd', limit: 1 })).status).toBe(409);
    const delCfg = await call(server, 'DELETE', `/api/budgets/${encodeURIComponent(cfg.id)}`);
    expect(delCfg.status).toBe(409);
    expect(delCfg.body.error).toBe('read_only');
    expect((await call(server, 'PUT', '/api/budgets/nope', { name: 'x', period: 'day', unit: 'usd', limit: 1 })).status).toBe(404);

    expect((await call(server, 'DELETE', `/api/budgets/${id}`)).status).toBe(204);
    expect((await call(server, 'DELETE', `/api/budgets/${id}`)).status).toBe(404);
    expect((await call(server, 'GET', '/api/budgets')).body.budgets).toHaveLength(1);
  });

  it.each([
    [{ name: 'a', period: 'year', unit: 'usd', limit: 1 }, 'period'],
    [{ name: 'a', period: 'day', unit: 'eur', limit: 1 }, 'unit'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 0 }, 'limit'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 'ten' }, 'limit'],
    [{ name: '', period: 'day', unit: 'usd', limit: 1 }, 'name'],
    [{ name: '   ', period: 'day', unit: 'usd', limit: 1 }, 'name'],
    [{ period: 'day', unit: 'usd', limit: 1 }, 'name'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 1, thresholds: [] }, 'thresholds'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 1, thresholds: [50, 50] }, 'thresholds'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 1, colour: 'red' }, 'colour'],
    [{ name: 'a', period: 'day', unit: 'usd', limit: 1, project: 'p', agent: 'codex' }, 'agent'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await call(server, 'POST', '/api/budgets', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toContain(field);
  });

  it('refuses a cross-site write', async () => {
    const res = await fetch(`${server.url}/api/budgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'x', period: 'day', unit: 'usd', limit: 1 }),
    });
    expect(res.status).toBe(403);
  });

  it('reports spent, percent and period for each scope and unit from the stored events', async () => {
    const now = new Date();
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const yesterday = new Date(dayStart - 6 * 3_600_000).toISOString();
    const inMonth = yesterday.slice(0, 7) === now.toISOString().slice(0, 7);
    const events = [
      ev({ cost_usd: 1.25, tokens_in: 1000, tokens_out: 200, cache_read_tokens: 50 }),
      ev({ cost_usd: 0.5, tokens_in: 100, project: 'beta', agent_type: 'codex', session_id: 'budget-s2', model: 'gpt-5' }),
      ev({ cost_usd: 2, tokens_in: 10, client_timestamp: yesterday }),
      // A model with no price: its tokens count in token budgets, never as dollars.
      ev({ model: 'mystery-model-x', tokens_in: 300, tokens_out: 30, session_id: 'budget-s3' }),
    ];
    expect((await server.post('/api/events/batch', { events })).status).toBe(200);
    const specs = [
      { name: 'all day usd', period: 'day', unit: 'usd', limit: 10 },
      { name: 'alpha day usd', period: 'day', unit: 'usd', limit: 2.5, project: 'alpha' },
      { name: 'codex day tokens', period: 'day', unit: 'tokens', limit: 1000, agent: 'codex' },
      { name: 'all day tokens', period: 'day', unit: 'tokens', limit: 10000 },
    ];
    for (const s of specs) expect((await call(server, 'POST', '/api/budgets', s)).status).toBe(201);

    const { status, body } = await call(server, 'GET', '/api/budgets/status');
    expect(status).toBe(200);
    expect(body.timezone).toBe('UTC');
    const by = (name: string) => body.statuses.find((s: { budget: { name: string } }) => s.budget.name === name);
    expect(by('all day usd')).toMatchObject({
      period_start: new Date(dayStart).toISOString(),
      period_end: new Date(dayStart + 86_400_000).toISOString(),
      spent: 1.75,
      limit: 10,
      percent: 17.5,
      unpriced_tokens: 330,
    });
    expect(by('alpha day usd')).toMatchObject({ spent: 1.25, percent: 50, unpriced_tokens: 330 });
    expect(by('codex day tokens')).toMatchObject({ spent: 100, percent: 10, unpriced_tokens: 0 });
    expect(by('all day tokens')).toMatchObject({ spent: 1250 + 100 + 330, tokens: 1680 });
    expect(by('team month')).toMatchObject({ spent: inMonth ? 3.75 : 1.75 });
    // The day has run long enough for a projection (3 h) only after 03:00 UTC.
    const hours = (now.getTime() - dayStart) / 3_600_000;
    const projection = by('all day usd').projection;
    if (hours < 3) expect(projection).toBeNull();
    else expect(projection.value).toBeCloseTo(1.75 * (24 / hours), 1);
    expect(by('all day usd').projection_min_hours).toBe(3);
  });
});

describe('alerts: once per period and threshold, stream and webhook', () => {
  let server: TestServer;
  let hook: http.Server;
  const posts: Array<{ status: number; body: any; auth: string | undefined }> = [];
  const SECRET = 'Bearer hook-secret-4711';

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        // The first delivery fails: the sender must retry it.
        const status = posts.length === 0 ? 503 : 200;
        posts.push({ status, body: JSON.parse(raw), auth: req.headers.authorization });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    const dir = makeTempDir();
    const file = configFile(dir, {
      budgets: [{ name: 'daily ten', period: 'day', unit: 'usd', limit: 10, thresholds: [50, 80] }],
      webhook: { url: `http://127.0.0.1:${port}/hooks/budget?key=abc`, headers: { authorization: SECRET }, backoff_ms: 100 },
    });
    server = await startTestServer({ dir, args: ['--config', file], env: { AGENTSTATS_LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await server?.cleanup();
    await new Promise((r) => hook?.close(r));
  });

  const alerts = async () => (await server.get('/api/alerts')).body.alerts as Array<{ threshold: number; budget_id: string; spent: number }>;

  it('raises 50 and 80 once each, streams them, posts each once (after a 503 retry), and never again after a restart', async () => {
    const stream = await openStream(`${server.url}/api/stream`);
    await server.post('/api/events/batch', { events: [ev({ cost_usd: 5.5 })] });
    await until(alerts, (a) => a.length === 1);
    await server.post('/api/events/batch', { events: [ev({ cost_usd: 3 })] });
    const two = await until(alerts, (a) => a.length === 2);
    expect(two.map((a) => a.threshold)).toEqual([80, 50]);
    expect(two[1]).toMatchObject({ budget_id: 'config:daily ten', spent: 5.5 });

    const streamed = await stream.waitFor((m) => m.event === 'alert' && JSON.parse(m.data).threshold === 80);
    expect(JSON.parse(streamed.data)).toMatchObject({ budget_name: 'daily ten', limit: 10, spent: 8.5 });
    expect(stream.json('alert').map((a) => a.threshold)).toEqual([50, 80]);
    stream.close();

    // Delivered: the 50 % alert twice (503, then 200), the 80 % alert once.
    await until(async () => posts.length, (n) => n >= 3);
    expect(posts.map((p) => [p.body.threshold, p.status])).toEqual([[50, 503], [50, 200], [80, 200]]);
    expect(posts[2].body).toMatchObject({
      type: 'budget_alert',
      budget: { id: 'config:daily ten', name: 'daily ten', period: 'day', unit: 'usd' },
      threshold: 80,
      spent: 8.5,
      limit: 10,
      percent: 85,
      period: { kind: 'day' },
    });
    expect(posts.every((p) => p.auth === SECRET)).toBe(true);

    // More usage in the same period: nothing new.
    await server.post('/api/events/batch', { events: [ev({ cost_usd: 0.5 })] });
    await new Promise((r) => setTimeout(r, 600));
    expect(await alerts()).toHaveLength(2);

    const health = (await server.get('/api/health')).body as { components: Array<{ id: string; accepted: number; failed: number }> };
    expect(health.components.find((c) => c.id === 'alerts')).toMatchObject({ accepted: 2, failed: 0 });
    const status = (await server.get('/api/budgets/status')).body.statuses[0];
    expect(status).toMatchObject({ spent: 9, percent: 90, raised: [50, 80] });

    // A restart evaluates at once: it finds both raised already.
    const before = server.output();
    expect(before).toContain('retrying'); // the 503, logged at debug
    server = await server.restart();
    await server.post('/api/events/batch', { events: [ev({ cost_usd: 0.1 })] });
    await new Promise((r) => setTimeout(r, 800));
    expect(await alerts()).toHaveLength(2);
    expect(posts).toHaveLength(3);
    // The secret header and the URL's query are never logged, even at debug.
    for (const log of [before, server.output()]) {
      expect(log).not.toContain('hook-secret-4711');
      expect(log).not.toContain('key=abc');
    }
  });
});
