/**
 * The SSE contract of GET /api/stream, against the real server: message types, heartbeats, the
 * client cap, Last-Event-ID resume, filters, and a stalled client that must lose nothing.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { openStream, parseSse, type SseMessage, type SseStream } from './helpers/sse.js';

const ev = (fields: Record<string, unknown> = {}) => ({
  session_id: 'sse-s1',
  agent_type: 'claude_code',
  event_type: 'tool_use',
  tool_name: 'Bash',
  status: 'success',
  duration_ms: 12,
  ...fields,
});

async function post(server: TestServer, events: unknown[]): Promise<string[]> {
  const res = await server.post('/api/events/batch', { events });
  expect(res.status).toBe(200);
  expect(res.body.rejected).toEqual([]);
  return res.body.ids;
}

describe('GET /api/stream', () => {
  let server: TestServer;
  const open: SseStream[] = [];
  const stream = async (path = '/api/stream', headers: Record<string, string> = {}) => {
    const s = await openStream(server.url + path, headers);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer({
      env: { AGENTSTATS_SSE_HEARTBEAT_MS: '100', AGENTSTATS_STATS_INTERVAL: '200', AGENTSTATS_MAX_SSE_CLIENTS: '2', AGENTSTATS_MAX_FEED: '321' },
    });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await server?.cleanup();
  });
  const closeAll = async () => {
    const closing = open.splice(0).map((s) => (s.close(), s.closed));
    await Promise.all(closing);
    // The server sees the sockets close on its next turn.
    await new Promise((r) => setTimeout(r, 100));
  };

  it('sends hello and stats on connect, then event and session_update for each committed batch', async () => {
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    const hello = await s.waitFor((m) => m.event === 'hello');
    expect(JSON.parse(hello.data)).toMatchObject({ max_feed: 321, store_prompts: false, heartbeat_ms: 100, stats_interval_ms: 200, seq: 0 });
    await s.waitFor((m) => m.event === 'stats');

    const ids = await post(server, [ev({ tool_name: 'Read' }), ev({ event_type: 'api_request', tool_name: null, model: 'claude-sonnet-4-5', tokens_in: 100, tokens_out: 20, cost_usd: 0.01 })]);
    await s.waitFor((m) => m.event === 'session_update');
    const events = s.json('event');
    expect(events.map((e) => e.event_id)).toEqual(ids);
    const withIds = s.messages.filter((m) => m.event === 'event');
    expect(withIds.map((m) => Number(m.id))).toEqual(events.map((e) => e.seq));
    expect(events[0]).toMatchObject({ session_id: 'sse-s1', tool_name: 'Read', seq: expect.any(Number) });

    const session = s.json('session_update').at(-1);
    expect(session).toMatchObject({ session_id: 'sse-s1', status: 'active', event_count: 2, tool_count: 1, api_request_count: 1, tokens_in: 100, cost_usd: 0.01 });
    // A second sighting of a counted occurrence arrives marked, as /api/events shows it.
    const key = 'tool:sse-s1:toolu_sse_1';
    await post(server, [ev({ tool_name: 'Grep', correlation_key: key, source: 'hook' })]);
    await post(server, [ev({ tool_name: 'Grep', correlation_key: key, source: 'otlp' })]);
    await s.waitFor(() => s.json('event').filter((e) => e.correlation_key === key).length === 2);
    const sightings = s.json('event').filter((e) => e.correlation_key === key);
    expect(sightings.map((e) => [e.source, e.metadata.counted_elsewhere ?? false])).toEqual([
      ['hook', false],
      ['otlp', true],
    ]);
    // Only event messages carry an id: the browser's Last-Event-ID stays an event seq.
    expect(s.messages.filter((m) => m.event !== 'event' && m.id !== null)).toEqual([]);
    await closeAll();
  });

  it('sends stats every AGENTSTATS_STATS_INTERVAL and heartbeat comments every AGENTSTATS_SSE_HEARTBEAT_MS', async () => {
    const s = await stream();
    await s.waitFor((m) => m.event === 'hello');
    const start = s.messages.length;
    await s.waitFor((m) => m.event === 'comment' && m.data === 'heartbeat', 3000, start);
    const firstStats = await s.waitFor((m) => m.event === 'stats', 3000, start);
    const after = s.messages.indexOf(firstStats) + 1;
    const next = await s.waitFor((m) => m.event === 'stats', 3000, after);
    const stats = JSON.parse(next.data);
    expect(stats).toMatchObject({ total_events: expect.any(Number), active_sessions: expect.any(Number), tools: expect.any(Array) });
    expect(typeof stats.generated_at).toBe('string');
    await closeAll();
  });

  it('answers 503 JSON once AGENTSTATS_MAX_SSE_CLIENTS are connected, and accepts again after one leaves', async () => {
    const a = await stream();
    const b = await stream();
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await stream();
    expect(c.status).toBe(503);
    expect(c.headers['content-type']).toMatch(/application\/json/);
    expect(c.headers['retry-after']).toBeDefined();
    expect(JSON.parse(c.body)).toMatchObject({ error: 'too_many_clients' });

    a.close();
    await a.closed;
    let d: SseStream | null = null;
    for (let i = 0; i < 20 && d?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      d = await stream();
    }
    expect(d?.status).toBe(200);
    await closeAll();
  });

  it('resumes after Last-Event-ID (header, or ?last_event_id= on a first connect) with nothing missed or repeated', async () => {
    const ids = await post(server, [1, 2, 3, 4, 5].map((i) => ev({ session_id: 'sse-resume', tool_name: `T${i}` })));
    const { body } = await server.get('/api/events?session_id=sse-resume&limit=10');
    const seqs: number[] = body.events.map((e: { seq: number }) => e.seq).reverse();
    expect(seqs).toHaveLength(5);

    const byHeader = await stream('/api/stream?session_id=sse-resume', { 'last-event-id': String(seqs[1]) });
    await byHeader.waitFor((m) => m.event === 'event' && Number(m.id) === seqs[4]);
    expect(byHeader.json('event').map((e) => e.event_id)).toEqual(ids.slice(2));
    // The replay also brings the session's current row.
    expect(byHeader.json('session_update').at(-1)).toMatchObject({ session_id: 'sse-resume', event_count: 5 });

    // The header wins over the query parameter (the browser sends the newer cursor in the header).
    const both = await stream(`/api/stream?session_id=sse-resume&last_event_id=${seqs[0]}`, { 'last-event-id': String(seqs[3]) });
    await both.waitFor((m) => m.event === 'event' && Number(m.id) === seqs[4]);
    expect(both.json('event').map((e) => e.seq)).toEqual([seqs[4]]);
    await closeAll();

    const byQuery = await stream(`/api/stream?session_id=sse-resume&last_event_id=${seqs[2]}`);
    await byQuery.waitFor((m) => m.event === 'event' && Number(m.id) === seqs[4]);
    expect(byQuery.json('event').map((e) => e.seq)).toEqual([seqs[3], seqs[4]]);

    // Live events continue after the replay, in order.
    const [later] = await post(server, [ev({ session_id: 'sse-resume', tool_name: 'T6' })]);
    await byQuery.waitFor((m) => m.event === 'event' && JSON.parse(m.data).event_id === later);
    expect(byQuery.json('event').map((e) => e.tool_name)).toEqual(['T4', 'T5', 'T6']);
    await closeAll();
  });

  it('tells a client whose cursor it cannot honour to reset', async () => {
    const s = await stream('/api/stream', { 'last-event-id': '999999999' });
    const reset = await s.waitFor((m) => m.event === 'reset');
    expect(JSON.parse(reset.data)).toMatchObject({ reason: 'unknown_cursor', seq: expect.any(Number) });
    await closeAll();
  });

  it('rejects a malformed cursor or filter with a 400 JSON error', async () => {
    const bad = await stream('/api/stream', { 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'bad_request' });
    const badQuery = await stream('/api/stream?last_event_id=-1');
    expect(badQuery.status).toBe(400);
    await closeAll();
  });

  it('filters by session_id and agent_type', async () => {
    const bySession = await stream('/api/stream?session_id=sse-f1');
    const byAgent = await stream('/api/stream?agent_type=codex');
    await Promise.all([bySession.waitFor((m) => m.event === 'hello'), byAgent.waitFor((m) => m.event === 'hello')]);
    await post(server, [
      ev({ session_id: 'sse-f1' }),
      ev({ session_id: 'sse-f2', agent_type: 'codex', tool_name: 'exec_command' }),
      ev({ session_id: 'sse-f1', tool_name: 'Edit' }),
    ]);
    await bySession.waitFor((m) => m.event === 'event' && JSON.parse(m.data).tool_name === 'Edit');
    await byAgent.waitFor((m) => m.event === 'session_update');
    expect(bySession.json('event').map((e) => e.session_id)).toEqual(['sse-f1', 'sse-f1']);
    expect(bySession.json('session_update').every((s) => s.session_id === 'sse-f1')).toBe(true);
    expect(byAgent.json('event').map((e) => e.tool_name)).toEqual(['exec_command']);
    expect(byAgent.json('session_update').map((s) => s.agent_type)).toEqual(['codex']);
    await closeAll();
  });

  it('keeps serving others while one client stops reading, and that client later gets every event in order', async () => {
    // A client that stops reading: its paused response stops the socket, so the buffers fill up.
    const seen: number[] = [];
    let stalledRes!: http.IncomingMessage;
    const stalledReq = http.get(`${server.url}/api/stream?session_id=sse-bulk`);
    await new Promise<void>((resolve) =>
      stalledReq.once('response', (res) => {
        stalledRes = res;
        res.pause();
        resolve();
      }),
    );
    const healthy = await stream('/api/stream?session_id=sse-bulk');
    await healthy.waitFor((m) => m.event === 'hello');

    // ~24 MB of events: far more than the socket buffers and the server's per-client cap.
    const filler = 'x'.repeat(3000);
    const total = 8000;
    for (let i = 0; i < total; i += 500) {
      await post(server, Array.from({ length: 500 }, (_, j) => ev({ session_id: 'sse-bulk', metadata: { n: i + j, filler } })));
    }
    await healthy.waitFor((m) => m.event === 'event' && JSON.parse(m.data).metadata.n === total - 1, 20000);
    expect(healthy.json('event').map((e) => e.metadata.n)).toEqual(Array.from({ length: total }, (_, i) => i));

    // Now the stalled client reads: it must see every event exactly once, in order.
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stalled client got ${seen.length} of ${total}`)), 20000);
      stalledRes.setEncoding('utf8');
      stalledRes.on('data', (chunk: string) => {
        buffer = parseSse(buffer + chunk, (m: SseMessage) => {
          if (m.event === 'event') seen.push(JSON.parse(m.data).metadata.n);
        });
        if (seen.length >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
      stalledRes.resume();
    });
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
    stalledReq.destroy();
    await closeAll();
  }, 60000);
});
