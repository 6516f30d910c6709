/**
 * Retention against the real server: `retention_days` (AGENTSTATS_RETENTION_DAYS) prunes old
 * events from /api/events while /api/stats, /api/stats/cost and the sessions stay exactly the
 * same, and a pruned event sent again or seen late by another source still counts once; a large prune goes in small transactions, with ingest and reads answered throughout (a
 * reader sees it part-done); `max_db_mb` (AGENTSTATS_MAX_DB_MB) prunes the oldest events first
 * until the pages in use are under the bound.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { usedBytes } from '../exporters/sqlite/space.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
/** Old enough for any window the tests set (0.0001 days ≈ 8.6 s; 1 day). */
const CUTOFF = iso(Date.UTC(2025, 11, 31));

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.cleanup();
});

async function start(env: Record<string, string> = {}, dir?: string, args: string[] = []): Promise<TestServer> {
  const server = await startTestServer({ env: { AGENTSTATS_SWEEP_INTERVAL_MS: '200', AGENTSTATS_LOG_LEVEL: 'info', ...env }, dir, args });
  servers.push(server);
  return server;
}

/** Stops the server but keeps its folder, for the next start on the same database. */
async function stopKeeping(server: TestServer): Promise<void> {
  await server.stop();
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(server: TestServer, events: unknown[]) {
  const res = await server.post('/api/events/batch', { events });
  expect(res.status).toBe(200);
  return res.body as { ids: string[]; duplicates: number };
}

/** Old history: 3 sessions with API calls (one folded sighting), tool calls, prompts and an end. */
function oldHistory(): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (let s = 0; s < 3; s++) {
    const session_id = `old-${s}`;
    const base = { session_id, agent_type: s === 2 ? 'codex' : 'claude_code', project: `p${s}`, branch: 'main' };
    for (let i = 0; i < 40; i++) {
      const at = T0 + (s * 100 + i) * MIN;
      events.push({
        ...base,
        event_id: `${session_id}-api-${i}`,
        event_type: 'api_request',
        model: s === 2 ? 'gpt-5' : 'claude-sonnet-4-5',
        tokens_in: 1000 + i,
        tokens_out: 50 + s,
        cost_usd: 0.0031 * (i + 1),
        correlation_key: `api:${session_id}-${i}`,
        client_timestamp: iso(at),
      });
      events.push({ ...base, event_id: `${session_id}-tool-${i}`, event_type: 'tool_use', tool_name: i % 2 ? 'Bash' : 'Read', duration_ms: 20 * i + 5, client_timestamp: iso(at + 1000) });
      if (i % 10 === 0) events.push({ ...base, event_id: `${session_id}-prompt-${i}`, event_type: 'user_prompt', client_timestamp: iso(at - 1000) });
    }
    events.push({ ...base, event_id: `${session_id}-end`, event_type: 'session_end', client_timestamp: iso(T0 + (s * 100 + 45) * MIN) });
  }
  // The same call as old-0's first, seen by another source: folded, not counted twice.
  events.push({ session_id: 'old-0', agent_type: 'claude_code', event_id: 'old-0-api-0-otel', event_type: 'api_request', source: 'otlp', model: 'claude-sonnet-4-5', tokens_in: 1000, tokens_out: 50, cost_usd: 0.0031, correlation_key: 'api:old-0-0', client_timestamp: iso(T0) });
  return events;
}

async function numbers(server: TestServer) {
  const get = async (p: string) => {
    const res = await server.get(p);
    expect(res.status, p).toBe(200);
    return res.body;
  };
  const sessions = (await get('/api/sessions?limit=100')).sessions;
  return {
    stats: await get('/api/stats'),
    cost: await get('/api/stats/cost'),
    costDays: await get('/api/stats/cost?bucket=day&since=2025-03-01&until=2025-03-03&tz=Asia/Kolkata'),
    sessions,
    details: await Promise.all(sessions.map(async (s: { session_id: string }) => (await get(`/api/sessions/${s.session_id}`)).session)),
  };
}

describe('retention_days', () => {
  it('prunes old events from /api/events; stats, cost, sessions stay exactly the same; a pruned event sent again is a repeat', async () => {
    const first = await start();
    const history = oldHistory();
    await post(first, history);
    await post(first, [{ session_id: 'live', agent_type: 'claude_code', event_type: 'user_prompt' }]);
    expect((await first.get(`/api/events?until=${CUTOFF}&limit=1`)).body.events).toHaveLength(1);
    const before = await numbers(first);
    expect(before.stats.total_events).toBe(history.length); // 1 folded sighting, 1 live event
    await stopKeeping(first);

    const server = await start({ AGENTSTATS_RETENTION_DAYS: '0.0001' }, first.dir);
    await until('old events pruned', async () => (await server.get(`/api/events?until=${CUTOFF}&limit=1`)).body.events.length === 0);

    expect((await server.get('/api/events?limit=1000')).body.events.map((e: { session_id: string }) => e.session_id)).toEqual(['live']);
    expect((await server.get('/api/sessions/old-1')).body.events).toEqual([]);
    expect(await numbers(server)).toEqual(before);
    expect(server.output()).toMatch(/retention: pruned \d+ events/);

    // A history file read again from its start, say: every event is a repeat, nothing counts twice.
    const again = await post(server, history);
    expect(again.duplicates).toBe(history.length);
    expect(await numbers(server)).toEqual(before);

    // Another source's sighting of a pruned call arrives late: it folds into it, as before pruning.
    const late = await post(server, [
      { session_id: 'old-1', agent_type: 'claude_code', event_id: 'old-1-api-0-otel', event_type: 'api_request', source: 'otlp', model: 'claude-sonnet-4-5', tokens_in: 1000, tokens_out: 51, cost_usd: 0.0031, correlation_key: 'api:old-1-0', client_timestamp: iso(T0 + 100 * MIN) },
    ]);
    expect(late.duplicates).toBe(0);
    const after = await numbers(server);
    expect(after.stats.folded_duplicates).toEqual({ otlp: 2 });
    expect(after.stats.total_events).toBe(before.stats.total_events);
    expect(after.stats.total_cost_usd).toBe(before.stats.total_cost_usd);
    expect(after.cost.totals).toEqual(before.cost.totals);
    expect(after.sessions).toEqual(before.sessions);
  }, 60_000);

  it('prunes a large backlog in small transactions while ingest and reads keep answering', async () => {
    const first = await start();
    const N = 20_000;
    for (let from = 0; from < N; from += 5000) {
      const chunk = Array.from({ length: 5000 }, (_, k) => ({
        session_id: `bulk-${(from + k) % 50}`,
        agent_type: 'claude_code',
        event_type: 'api_request',
        tokens_in: 10,
        cost_usd: 0.001,
        client_timestamp: iso(T0 + (from + k) * MIN),
      }));
      await post(first, chunk);
    }
    const before = (await first.get('/api/stats')).body;
    await stopKeeping(first);

    const config = path.join(first.dir, 'agentstats.jsonc');
    writeFileSync(config, JSON.stringify({ exporters: { sqlite: { prune_batch_rows: 100 } } }));
    const server = await start({ AGENTSTATS_RETENTION_DAYS: '1', AGENTSTATS_SWEEP_INTERVAL_MS: '500' }, first.dir, ['--config', config]);
    const oldestLeft = async () => (await server.get(`/api/events?until=${iso(T0 + 1)}&limit=1`)).body.events.length > 0;
    const newestLeft = async () =>
      (await server.get(`/api/events?since=${iso(T0 + (N - 1) * MIN)}&until=${CUTOFF}&limit=1`)).body.events.length > 0;

    let sawPartlyPruned = false;
    let live = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const res = await server.post('/api/events', { session_id: 'live', agent_type: 'claude_code', event_type: 'notification' });
      expect(res.status).toBe(201);
      live++;
      expect((await server.get('/api/health')).status).toBe(200);
      const [oldest, newest] = [await oldestLeft(), await newestLeft()];
      if (!oldest && newest) sawPartlyPruned = true;
      if (!newest) break;
    }

    // A reader saw the prune part-done: it was not one transaction.
    expect(sawPartlyPruned).toBe(true);
    expect(await newestLeft()).toBe(false);
    await until('the pass summary', async () => /retention: pruned 20000 events, 0 spans, 0 metric points in (\d+) transactions/.exec(server.output()));
    const transactions = Number(/in (\d+) transactions/.exec(server.output())![1]);
    expect(transactions).toBeGreaterThanOrEqual(N / 100);
    const events = (await server.get('/api/events?limit=1000')).body.events as Array<{ session_id: string }>;
    expect(events.filter((e) => e.session_id === 'live')).toHaveLength(live);
    const after = (await server.get('/api/stats')).body;
    expect(after.total_events).toBe(before.total_events + live);
    expect(after.total_cost_usd).toBe(before.total_cost_usd);
    expect(after.tokens).toEqual(before.tokens);
  }, 120_000);
});

describe('max_db_mb', () => {
  it('prunes the oldest events first until the pages in use are under the bound; numbers stay exact', async () => {
    const first = await start();
    const event = (i: number) => ({
      event_id: `big-${i}`,
      session_id: `big-${i % 9}`,
      agent_type: 'gemini_cli',
      event_type: 'api_request',
      model: 'gemini-2.5-pro',
      tokens_in: 100 + i,
      cost_usd: 0.0002,
      client_timestamp: iso(T0 + i * MIN),
      metadata: { filler: 'x'.repeat(2000) },
    });
    // Newer half first: arrival order is not time order, and time order must win.
    await post(first, Array.from({ length: 1500 }, (_, k) => event(1500 + k)));
    await post(first, Array.from({ length: 1500 }, (_, k) => event(k)));
    const before = await numbers(first);
    await stopKeeping(first);
    // Stopped cleanly, the file is all pages in use (the WAL is checkpointed into it).
    const boundMb = statSync(first.dbPath).size / 2 / (1024 * 1024);

    const server = await start({ AGENTSTATS_MAX_DB_MB: boundMb.toFixed(3) }, first.dir);
    await until('the pass summary', async () => /retention: pruned (\d+) events/.exec(server.output()));

    const db = new Database(server.dbPath, { readonly: true });
    try {
      expect(usedBytes(db)).toBeLessThanOrEqual(Number(boundMb.toFixed(3)) * 1024 * 1024);
    } finally {
      db.close();
    }
    const kept: string[] = [];
    for (let cursor = ''; ; ) {
      const page = (await server.get(`/api/events?limit=1000${cursor}`)).body as { events: Array<{ event_id: string }>; next_cursor: string | null };
      kept.push(...page.events.map((e) => e.event_id));
      if (!page.next_cursor) break;
      cursor = `&cursor=${page.next_cursor}`;
    }
    // big-1499 was written last (the highest seq, always kept); the rest are the newest by time.
    expect(kept).toContain('big-1499');
    const rest = kept.filter((id) => id !== 'big-1499').map((id) => Number(id.slice(4))).sort((a, b) => b - a);
    expect(rest.length).toBeGreaterThan(100);
    expect(rest.length).toBeLessThan(2999);
    expect(rest).toEqual(Array.from({ length: rest.length }, (_, k) => 2999 - k));
    expect(await numbers(server)).toEqual(before);
  }, 60_000);
});
