/**
 * Issue 2 acceptance: the real server on an ephemeral port with a temp SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, MAIN, makeTempDir, type TestServer } from './helpers/server.js';

/** fetch() may not set Host, so these requests go through node:http. */
function statusWithHost(port: number, host: string, path = '/api/health', headers: Record<string, string> = {}): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

function ev(overrides: Record<string, unknown> = {}) {
  return { session_id: 'sess-1', agent_type: 'claude_code', event_type: 'tool_use', ...overrides };
}

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('native ingest and query API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AGENTSTATS_MAX_PAYLOAD_KB: '2', AGENTSTATS_MAX_BODY_KB: '64' } });
  });
  afterAll(async () => server.cleanup());

  it('answers a batch with a duplicate and two invalid events, storing exactly the valid ones', async () => {
    const res = await server.post('/api/events/batch', {
      events: [
        ev({ event_id: 'b-1', tool_name: 'Bash', status: 'success', duration_ms: 40 }),
        ev({ event_id: 'b-1', tool_name: 'Bash' }), // repeated in the batch
        { session_id: 'sess-1', event_type: 'tool_use', tokens_in: 'many' }, // no agent_type, bad tokens
        ev({ event_id: 'b-2', event_type: 'user_prompt' }),
        ev({ event_id: 'b-3', session_id: '', duration_ms: -5 }), // empty session, negative duration
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.received).toBe(5);
    expect(res.body.ids).toEqual(['b-1', 'b-2']);
    expect(res.body.duplicates).toBe(1);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 4]);
    const fields2 = res.body.rejected[0].errors.map((e: { field: string }) => e.field).sort();
    expect(fields2).toEqual(['agent_type', 'tokens_in']);
    const fields4 = res.body.rejected[1].errors.map((e: { field: string }) => e.field).sort();
    expect(fields4).toEqual(['duration_ms', 'session_id']);

    // Sent again: every event already stored.
    const again = await server.post('/api/events/batch', { events: [ev({ event_id: 'b-1' }), ev({ event_id: 'b-2' })] });
    expect(again.body).toMatchObject({ received: 2, ids: [], duplicates: 2, rejected: [] });

    const stored = await server.get('/api/events?session_id=sess-1');
    expect(stored.body.events.map((e: { event_id: string }) => e.event_id).sort()).toEqual(['b-1', 'b-2']);
  });

  it('refuses metadata nested too deep and event times outside 2000 … now + 1 day', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 2000; i++) deep = [deep];
    const res = await server.post('/api/events/batch', {
      events: [
        ev({ event_id: 'deep-1', metadata: { deep } }),
        ev({ event_id: 'past-1', client_timestamp: '1969-07-20T20:17:00Z' }),
        ev({ event_id: 'future-1', client_timestamp: new Date(Date.now() + 3 * 86_400_000).toISOString() }),
        ev({ event_id: 'fine-1', session_id: 'limits' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.ids).toEqual(['fine-1']);
    expect(res.body.rejected.map((r: any) => [r.index, r.errors[0].field])).toEqual([
      [0, 'metadata'],
      [1, 'client_timestamp'],
      [2, 'client_timestamp'],
    ]);
  });

  it('prices from the metadata as sent, before truncation cuts it', async () => {
    // 1-hour cache writes cost more than 5-minute ones; the split travels in metadata. With 3,000
    // small keys ahead of it, truncation would drop it: the cost must not change.
    const tokens = { event_type: 'api_request', model: 'claude-haiku-4-5', tokens_in: 1000, tokens_out: 100, cache_write_tokens: 100_000 };
    const split = { cache_creation_1h_tokens: 100_000, cache_creation_5m_tokens: 0 };
    const filler = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    const res = await server.post('/api/events/batch', {
      events: [
        ev({ ...tokens, event_id: 'price-small', session_id: 'pricing', metadata: split }),
        ev({ ...tokens, event_id: 'price-big', session_id: 'pricing', metadata: { ...filler, ...split } }),
      ],
    });
    expect(res.body.ids).toEqual(['price-small', 'price-big']);
    const events = (await server.get('/api/events?session_id=pricing')).body.events;
    const cost = (id: string) => events.find((e: { event_id: string }) => e.event_id === id);
    expect(cost('price-big').payload_truncated).toBe(1);
    expect(cost('price-big').metadata.cache_creation_1h_tokens).toBeUndefined(); // cut by truncation…
    expect(cost('price-big').cost_usd).toBe(cost('price-small').cost_usd); // …after pricing read it
    expect(cost('price-small').cost_source).toBe('computed');
  });

  it('stores a single event and generates an id when none is given', async () => {
    const res = await server.post('/api/events', ev({ session_id: 'single', event_type: 'notification' }));
    expect(res.status).toBe(201);
    expect(res.body.duplicate).toBe(false);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const dup = await server.post('/api/events', ev({ event_id: res.body.id, session_id: 'single' }));
    expect(dup.status).toBe(200);
    expect(dup.body.duplicate).toBe(true);
    const bad = await server.post('/api/events', { session_id: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['agent_type', 'event_type']);
  });

  it('truncates oversized metadata to valid JSON and flags it', async () => {
    const big = 'x'.repeat(20_000);
    // (`payload`, not a content key such as `output`: those keep only their length, docs/event-contract.md)
    const res = await server.post('/api/events', ev({ event_id: 'big-1', session_id: 'big', metadata: { payload: big, keep: 'me' } }));
    expect(res.status).toBe(201);
    const got = await server.get('/api/events?session_id=big');
    const event = got.body.events[0];
    expect(event.payload_truncated).toBe(1);
    expect(JSON.stringify(event.metadata).length).toBeLessThanOrEqual(2 * 1024);
    expect(event.metadata.keep).toBe('me');
    expect(typeof event.metadata.payload).toBe('string');
    expect(event.metadata.payload.length).toBeLessThan(big.length);

    const small = await server.post('/api/events', ev({ event_id: 'small-1', session_id: 'big', metadata: { a: 1 } }));
    expect(small.status).toBe(201);
    const got2 = await server.get('/api/events?session_id=big&limit=1');
    expect(got2.body.events[0]).toMatchObject({ event_id: 'small-1', payload_truncated: 0, metadata: { a: 1 } });
  });

  it('narrows /api/events with every filter, and pages with the cursor', async () => {
    const base = { session_id: 'filt', agent_type: 'codex', event_type: 'api_request', source: 'native' };
    const events = [
      { ...base, event_id: 'f-1', model: 'gpt-5', branch: 'main', client_timestamp: '2026-01-01T10:00:00Z' },
      { ...base, event_id: 'f-2', model: 'gpt-5-mini', branch: 'dev', client_timestamp: '2026-01-02T10:00:00Z' },
      { ...base, event_id: 'f-3', event_type: 'tool_use', tool_name: 'exec_command', client_timestamp: '2026-01-03T10:00:00Z' },
      { ...base, event_id: 'f-4', agent_type: 'gemini_cli', source: 'otlp', client_timestamp: '2026-01-04T10:00:00Z' },
      { ...base, event_id: 'f-5', session_id: 'filt-2', client_timestamp: '2026-01-05T10:00:00Z' },
    ];
    await server.post('/api/events/batch', { events });
    const ids = async (query: string) =>
      (await server.get(`/api/events?${query}`)).body.events.map((e: { event_id: string }) => e.event_id).filter((id: string) => id.startsWith('f-')).sort();
    expect(await ids('agent_type=gemini_cli')).toEqual(['f-4']);
    expect(await ids('event_type=tool_use&session_id=filt')).toEqual(['f-3']);
    expect(await ids('tool_name=exec_command')).toEqual(['f-3']);
    expect(await ids('session_id=filt-2')).toEqual(['f-5']);
    expect(await ids('branch=dev')).toEqual(['f-2']);
    expect(await ids('model=gpt-5')).toEqual(['f-1']);
    expect(await ids('source=otlp')).toEqual(['f-4']);
    expect(await ids('since=2026-01-03T00:00:00Z&until=2026-01-05T00:00:00Z')).toEqual(['f-3', 'f-4']);
    expect(await ids('since=2026-01-03&until=2026-01-05')).toEqual(['f-3', 'f-4']); // a date alone: UTC midnight

    const page1 = await server.get('/api/events?session_id=filt&limit=2');
    expect(page1.body.events.map((e: { event_id: string }) => e.event_id)).toEqual(['f-4', 'f-3']);
    const page2 = await server.get(`/api/events?session_id=filt&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.events.map((e: { event_id: string }) => e.event_id)).toEqual(['f-2', 'f-1']);

    const bad = await server.get('/api/events?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_request');
    const unknown = await server.get('/api/events?colour=blue');
    expect(unknown.status).toBe(400);
  });

  it('keeps stats, cost and filter options from the rollups', async () => {
    await server.post('/api/events/batch', {
      events: [
        ev({ event_id: 's-1', session_id: 'stats', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 100, tokens_out: 50, cache_read_tokens: 1000, cache_write_tokens: 10, cost_usd: 0.25, project: 'alpha', client_timestamp: '2026-03-01T23:30:00Z' }),
        ev({ event_id: 's-2', session_id: 'stats', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1, tokens_out: 2, cost_usd: 0.75, project: 'alpha', client_timestamp: '2026-03-02T00:30:00Z' }),
        ev({ event_id: 's-3', session_id: 'stats', event_type: 'api_error', model: 'claude-sonnet-4-5', client_timestamp: '2026-03-02T00:40:00Z' }),
      ],
    });
    const stats = (await server.get('/api/stats')).body;
    const sonnet = stats.model_breakdown.find((m: { model: string }) => m.model === 'claude-sonnet-4-5');
    expect(sonnet).toMatchObject({ tokens_in: 101, tokens_out: 52, cache_read_tokens: 1000, cache_write_tokens: 10, cost_usd: 1, api_requests: 2 });
    expect(stats.total_cost_usd).toBeGreaterThanOrEqual(1);
    expect(stats.events_by_type.api_error).toBeGreaterThanOrEqual(1);

    const cost = (await server.get('/api/stats/cost?since=2026-03-01T00:00:00Z&until=2026-03-03T00:00:00Z&bucket=day&tz=UTC')).body;
    expect(cost.totals.cost_usd).toBe(1);
    expect(cost.timeline.map((b: { bucket: string; cost_usd: number }) => [b.bucket, b.cost_usd])).toEqual([
      ['2026-03-01', 0.25],
      ['2026-03-02', 0.75],
    ]);
    // In Tokyo (UTC+9) both requests fall on 2 March.
    const tokyo = (await server.get('/api/stats/cost?since=2026-03-01T00:00:00Z&until=2026-03-03T00:00:00Z&bucket=day&tz=Asia/Tokyo')).body;
    expect(tokyo.timeline.map((b: { bucket: string; cost_usd: number }) => [b.bucket, b.cost_usd])).toEqual([['2026-03-02', 1]]);
    expect((await server.get('/api/stats/cost?tz=Mars/Olympus')).status).toBe(400);

    const options = (await server.get('/api/filter-options')).body;
    expect(options.models).toContain('claude-sonnet-4-5');
    expect(options.projects).toContain('alpha');
    expect(options.branches).not.toContain('');

    // Every breakdown adds up to the total: events without a project or branch sit under ''.
    const all = (await server.get('/api/stats/cost')).body;
    for (const breakdown of [all.by_project, all.by_branch, all.by_model, all.by_agent]) {
      const events = breakdown.reduce((n: number, row: { events: number }) => n + row.events, 0);
      const cost = breakdown.reduce((n: number, row: { cost_usd: number }) => n + row.cost_usd, 0);
      expect(events).toBe(all.totals.events);
      expect(cost).toBeCloseTo(all.totals.cost_usd, 6);
    }
  });

  it('refuses bad bodies with JSON errors and keeps serving', async () => {
    const badJson = await server.post('/api/events/batch', '{"events": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toBeTruthy();
    const wrongType = await server.post('/api/events', 'hello', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toBeTruthy();
    const notArray = await server.post('/api/events/batch', { events: 'nope' });
    expect(notArray.status).toBe(400);
    const tooBig = await server.post('/api/events/batch', { events: [ev({ metadata: { blob: 'y'.repeat(100_000) } })] });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toBeTruthy();
    expect((await server.get('/api/health')).body.status).toBe('ok');
  });

  it('refuses foreign Host headers and cross-site writes', async () => {
    expect(await statusWithHost(server.port, 'evil.example')).toBe(403);
    const rebinding = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify(ev()),
    });
    expect(rebinding.status).toBe(403);
    const sameOrigin = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify(ev({ session_id: 'same-origin' })),
    });
    expect(sameOrigin.status).toBe(201);
    expect(await statusWithHost(server.port, `localhost:${server.port}`)).toBe(200);
    expect(await statusWithHost(server.port, `127.0.0.2:${server.port}`)).toBe(200);
    expect(await statusWithHost(server.port, `localhost.evil.example:${server.port}`)).toBe(403);
  });

  it('returns 404 for an unknown session and detail for a known one', async () => {
    expect((await server.get('/api/sessions/nope')).status).toBe(404);
    const detail = (await server.get('/api/sessions/sess-1')).body;
    expect(detail.session.session_id).toBe('sess-1');
    expect(detail.events.length).toBeGreaterThan(0);
    expect(Array.isArray(detail.children)).toBe(true);
  });
});

describe('session lifecycle and durability', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { AGENTSTATS_SESSION_TIMEOUT: '0.005', AGENTSTATS_SWEEP_INTERVAL_MS: '50' },
    });
  });
  afterAll(async () => server.cleanup());

  it('moves sessions active → idle → active → ended', async () => {
    await server.post('/api/events', ev({ session_id: 'life', event_type: 'session_start', cwd: '/home/u/myproj' }));
    let session = (await server.get('/api/sessions/life')).body.session;
    expect(session.status).toBe('active');
    expect(session.project).toBe('myproj');

    session = await waitFor(async () => (await server.get('/api/sessions/life')).body.session, (s) => s.status === 'idle');
    expect(session.status).toBe('idle');
    const idleList = (await server.get('/api/sessions?status=idle')).body.sessions.map((s: { session_id: string }) => s.session_id);
    expect(idleList).toContain('life');

    await server.post('/api/events', ev({ session_id: 'life', event_type: 'user_prompt' }));
    session = (await server.get('/api/sessions/life')).body.session;
    expect(session.status).toBe('active');

    await server.post('/api/events', ev({ session_id: 'life', event_type: 'session_end', metadata: { reason: 'exit' } }));
    session = (await server.get('/api/sessions/life')).body.session;
    expect(session.status).toBe('ended');
    expect(session.end_reason).toBe('exit');
    expect(session.event_count).toBe(3);
    const notEnded = (await server.get('/api/sessions?exclude_status=ended')).body.sessions.map((s: { session_id: string }) => s.session_id);
    expect(notEnded).not.toContain('life');
  });

  it('keeps every event, session and total across a restart', async () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      ev({ event_id: `r-${i}`, session_id: `restart-${i % 5}`, event_type: 'api_request', model: 'gpt-5', tokens_in: 10, tokens_out: 1, cost_usd: 0.01 }),
    );
    const res = await server.post('/api/events/batch', { events });
    expect(res.body.ids).toHaveLength(50);
    const before = (await server.get('/api/stats')).body;
    server = await server.restart();
    const after = (await server.get('/api/stats')).body;
    expect(after.total_events).toBe(before.total_events);
    expect(after.total_cost_usd).toBe(before.total_cost_usd);
    expect(after.total_sessions).toBe(before.total_sessions);
    const again = await server.post('/api/events/batch', { events });
    expect(again.body.duplicates).toBe(50);
  });
});

describe('configuration and security at start-up', () => {
  it('stops on a bad value, naming the variable', () => {
    const dir = makeTempDir();
    const run = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, AGENTSTATS_DB_PATH: `${dir}/a.db`, AGENTSTATS_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 10000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('AGENTSTATS_PORT');
  });

  it('refuses a non-loopback bind without a token', () => {
    const dir = makeTempDir();
    const run = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, AGENTSTATS_DB_PATH: `${dir}/a.db`, AGENTSTATS_HOST: '0.0.0.0', AGENTSTATS_PORT: '0' },
      encoding: 'utf8',
      timeout: 10000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('AGENTSTATS_TOKEN');
  });

  it('requires the bearer token on every API call when one is set', async () => {
    const token = 'test-token-0123456789abcdef';
    const server = await startTestServer({ env: { AGENTSTATS_TOKEN: token, AGENTSTATS_ALLOWED_HOSTS: 'stats.internal' } });
    try {
      expect((await server.get('/api/health')).status).toBe(401);
      const ok = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      const wrong = await fetch(`${server.url}/api/health`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const post = await server.post('/api/events', ev(), { authorization: `Bearer ${token}` });
      expect(post.status).toBe(201);
      // Percent-encoded paths reach the same routes: they must not slip past the token.
      expect((await server.get('/%61pi/stats')).status).toBe(401);
      expect((await server.post('/%61pi/events', ev())).status).toBe(401);
      expect((await server.get('/api/stats?access_token=' + token)).status).toBe(401); // stream only
      expect((await server.get('/api/nope')).status).toBe(404); // no route: nothing to protect, nothing served
      // A name listed in AGENTSTATS_ALLOWED_HOSTS is accepted as Host, others are not.
      const auth = { authorization: `Bearer ${token}` };
      expect(await statusWithHost(server.port, 'stats.internal', '/api/health', auth)).toBe(200);
      expect(await statusWithHost(server.port, 'other.internal', '/api/health', auth)).toBe(403);
    } finally {
      await server.cleanup();
    }
  });
});

describe('the dashboard files', () => {
  it('serves an asset a rebuild wrote after start, and nothing outside the web folder', async () => {
    const root = makeTempDir();
    const web = path.join(root, 'web');
    mkdirSync(path.join(web, 'assets'), { recursive: true });
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><script src="/assets/index-old.js"></script>');
    writeFileSync(path.join(web, 'assets', 'index-old.js'), 'old()');
    const server = await startTestServer({ env: { AGENTSTATS_WEB_DIR: web } });
    try {
      expect((await fetch(`${server.url}/assets/index-old.js`)).status).toBe(200);
      // `npm run build` while the server runs: a new hashed bundle, named by the new index.html.
      writeFileSync(path.join(web, 'assets', 'index-new.js'), 'fresh()');
      writeFileSync(path.join(web, 'index.html'), '<!doctype html><script src="/assets/index-new.js"></script>');
      expect(await (await fetch(`${server.url}/sessions/x`)).text()).toContain('index-new.js');
      const res = await fetch(`${server.url}/assets/index-new.js`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('fresh()');
      expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
      writeFileSync(path.join(root, 'secret.txt'), 'no');
      for (const p of ['/assets/..%2f..%2fsecret.txt', '/..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
        const r = await fetch(`${server.url}${p}`);
        expect(await r.text()).not.toBe('no');
      }
    } finally {
      await server.cleanup();
    }
  });
});
