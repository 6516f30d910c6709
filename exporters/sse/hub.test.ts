/**
 * The SSE hub over real loopback sockets (a plain node:http server hands each response to the hub)
 * with an in-memory event store: replay from a cursor, filters, a slow client cut while a healthy
 * one keeps up, heartbeats, and the self-telemetry it records. The exporter's route (client cap,
 * cursor check) is driven with fastify.inject() where a socket is not the point.
 */
import { openSqliteStorage } from '../sqlite/open.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvent } from '../../collector/core/event.js';
import type { CommittedBatch, EventQuery, SessionRow, StoredEvent } from '../../collector/core/storage.js';
import type { ExporterHost } from '../../collector/core/component.js';
import { componentTelemetry } from '../../collector/core/telemetry.js';
import { SelfTelemetry } from '../../collector/service/self-telemetry.js';
import { openStream, type SseStream } from '../../test/helpers/sse.js';
import { SseHub, type HubOptions, type HubStore } from './hub.js';
import sseFactory from './index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The stored events the hub replays from: seq order, the same filters the real reader applies. */
class MemoryEvents implements HubStore {
  readonly events: StoredEvent[] = [];
  add(n: number, fields: Record<string, unknown> = {}): StoredEvent[] {
    const added: StoredEvent[] = [];
    for (let i = 0; i < n; i++) {
      const seq = this.events.length + added.length + 1;
      const r = validateEvent(
        { event_id: `e${seq}`, session_id: 's1', agent_type: 'claude_code', event_type: 'tool_use', ...fields },
        { now: () => new Date('2025-01-01T00:00:00Z'), newId: () => `id${seq}` },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      added.push({ ...r.event, seq });
    }
    this.events.push(...added);
    return added;
  }
  listEvents(q: EventQuery): StoredEvent[] {
    return this.events
      .filter((e) => (q.after_seq === undefined || e.seq > q.after_seq) && (!q.session_id || e.session_id === q.session_id) && (!q.agent_type || e.agent_type === q.agent_type))
      .slice(0, q.limit);
  }
  eventCount() {
    return this.events.length;
  }
  maxSeq() {
    return this.events.at(-1)?.seq ?? 0;
  }
  getSession(id: string): SessionRow | null {
    const e = this.events.find((x) => x.session_id === id);
    return e ? ({ session_id: id, agent_type: e.agent_type, status: 'active' } as SessionRow) : null;
  }
  stats() {
    return { events: this.events.length };
  }
}

interface Rig {
  hub: SseHub;
  store: MemoryEvents;
  url: string;
  counts(): Promise<{ accepted: number; refused: number; failed: number; duplicate: number }>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A hub behind a real HTTP server: /?last_event_id=&agent_type=&session_id= like the route. */
async function rig(options: Partial<HubOptions> = {}): Promise<Rig> {
  const store = new MemoryEvents();
  const telemetry = new SelfTelemetry();
  telemetry.register('sse', 'exporter');
  const hub = new SseHub({
    store: () => store,
    logger: silent,
    now: () => Date.now(),
    heartbeatMs: 60_000,
    statsIntervalMs: 60_000,
    maxBufferBytes: 64 * 1024,
    slowClientTimeoutMs: 60_000,
    maxReplayEvents: 10_000,
    replayPageSize: 3,
    hello: () => ({ max_feed: 10 }),
    telemetry: componentTelemetry(telemetry.meter, 'sse', 'exporter'),
    ...options,
  });
  const server = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const filter = q.get('agent_type') || q.get('session_id') ? { ...(q.get('agent_type') ? { agent_type: q.get('agent_type')! } : {}), ...(q.get('session_id') ? { session_id: q.get('session_id')! } : {}) } : null;
    hub.accept(res, filter, q.has('last_event_id') ? Number(q.get('last_event_id')) : null);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.start();
  cleanups.push(() => new Promise<void>((resolve) => {
    hub.stop();
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    store,
    url: `http://127.0.0.1:${port}/`,
    async counts() {
      const { accepted, refused, failed, duplicate } = (await telemetry.snapshot()).components[0];
      return { accepted, refused, failed, duplicate };
    },
  };
}

const seqs = (s: SseStream) => s.messages.filter((m) => m.event === 'event').map((m) => Number(m.id));
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};


/** What the pipeline hands the hub after a commit. */
const committed = (events: StoredEvent[], sessions: SessionRow[]): CommittedBatch => ({ events, sessions, eventsStored: events.length });
describe('SseHub', () => {
  it('replays from a cursor page by page, then goes on live without a gap or a repeat', async () => {
    const r = await rig();
    r.store.add(8);
    const s = await openStream(`${r.url}?last_event_id=2`);
    cleanups.push(() => s.close());
    await until(() => seqs(s).length === 6);
    expect(s.messages[0].event).toBe('hello');
    expect(JSON.parse(s.messages[0].data)).toMatchObject({ max_feed: 10, seq: 8 });
    expect(seqs(s)).toEqual([3, 4, 5, 6, 7, 8]);

    r.hub.consume(committed(r.store.add(2), []));
    await until(() => seqs(s).length === 8);
    expect(seqs(s)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    // A fresh client (no cursor) starts from now: nothing old is replayed.
    const fresh = await openStream(r.url);
    cleanups.push(() => fresh.close());
    await fresh.waitFor((m) => m.event === 'stats');
    r.hub.consume(committed(r.store.add(1), []));
    await until(() => seqs(fresh).length === 1 && seqs(s).length === 9);
    expect(seqs(fresh)).toEqual([11]);
    // Delivered: 6 replayed + 2 live to the first client, then 1 live to each of two.
    expect(await r.counts()).toEqual({ accepted: 10, refused: 0, failed: 0, duplicate: 0 });
  });

  it('answers a cursor it cannot honour with reset', async () => {
    const r = await rig({ maxReplayEvents: 5 });
    r.store.add(10);
    const future = await openStream(`${r.url}?last_event_id=99`);
    const behind = await openStream(`${r.url}?last_event_id=1`);
    cleanups.push(() => future.close(), () => behind.close());
    expect(JSON.parse((await future.waitFor((m) => m.event === 'reset')).data)).toEqual({ reason: 'unknown_cursor', seq: 10 });
    expect(JSON.parse((await behind.waitFor((m) => m.event === 'reset')).data)).toEqual({ reason: 'too_far_behind', seq: 10 });
    expect(seqs(behind)).toEqual([]);
  });

  it('applies filters to replay, live events and session updates', async () => {
    const r = await rig();
    r.store.add(2, { agent_type: 'codex', session_id: 'c1' });
    r.store.add(2, { agent_type: 'claude_code', session_id: 'k1' });
    const codex = await openStream(`${r.url}?last_event_id=0&agent_type=codex`);
    const session = await openStream(`${r.url}?last_event_id=0&session_id=k1`);
    cleanups.push(() => codex.close(), () => session.close());
    await until(() => seqs(codex).length === 2 && seqs(session).length === 2);
    expect(seqs(codex)).toEqual([1, 2]);
    expect(seqs(session)).toEqual([3, 4]);

    const live = [...r.store.add(1, { agent_type: 'claude_code', session_id: 'k1' }), ...r.store.add(1, { agent_type: 'codex', session_id: 'c1' })];
    const sessions = [{ session_id: 'k1', agent_type: 'claude_code' }, { session_id: 'c1', agent_type: 'codex' }] as SessionRow[];
    r.hub.consume(committed(live, sessions));
    await until(() => seqs(codex).length === 3 && seqs(session).length === 3);
    await codex.waitFor((m) => m.event === 'session_update');
    expect(seqs(codex)).toEqual([1, 2, 6]);
    expect(seqs(session)).toEqual([3, 4, 5]);
    const updates = (s: SseStream) => s.json<SessionRow>('session_update').map((u) => u.session_id);
    // Replay sends each replayed session once; live sends only matching ones.
    expect(updates(codex)).toEqual(['c1', 'c1']);
    await until(() => updates(session).length === 2);
    expect(updates(session)).toEqual(['k1', 'k1']);
  });

  it('cuts a client that stops reading, while a healthy client gets everything', async () => {
    const r = await rig({ maxBufferBytes: 16 * 1024, slowClientTimeoutMs: 200, replayPageSize: 500 });
    const healthy = await openStream(r.url);
    cleanups.push(() => healthy.close());
    // The slow client: a real connection whose reader is paused, so the kernel buffers fill up.
    // (A paused reader does not notice the cut until it reads: the hub's side is what is checked.)
    const slowReq = http.get(r.url, (res) => res.pause());
    slowReq.on('error', () => undefined);
    cleanups.push(() => void slowReq.destroy());
    await until(() => r.hub.size === 2);

    const padding = 'x'.repeat(2000);
    let sent = 0;
    // Send until the slow client's socket buffer passes the cap (the kernel takes a few MB first).
    for (let round = 0; round < 200; round++) {
      r.hub.consume(committed(r.store.add(500, { metadata: { padding } }), []));
      sent += 500;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (r.hub.size < 2) break;
    }
    await until(() => r.hub.size === 1, 10_000);
    await until(() => seqs(healthy).length === sent, 10_000);
    expect(seqs(healthy)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect((await r.counts()).failed).toBe(1);
  });

  it('sends heartbeats to idle clients', async () => {
    const r = await rig({ heartbeatMs: 50 });
    const s = await openStream(r.url);
    cleanups.push(() => s.close());
    await s.waitFor((m) => m.event === 'comment' && m.data === 'heartbeat');
    const first = s.messages.findIndex((m) => m.event === 'comment');
    await s.waitFor((m) => m.event === 'comment', 5000, first + 1);
    expect(seqs(s)).toEqual([]);
  });
});

describe('GET /api/stream (the exporter route)', () => {
  async function app(maxClients: number): Promise<{ server: FastifyInstance; url: string; counts: () => Promise<Record<string, number>> }> {
    const store = new MemoryEvents();
    const telemetry = new SelfTelemetry();
    telemetry.register('sse', 'exporter');
    const emptyUsage = openSqliteStorage(':memory:', { now: () => new Date(), idleAfterMs: 60_000 });
    cleanups.push(async () => emptyUsage.close());
    const server = Fastify();
    let exporter!: Awaited<ReturnType<typeof sseFactory.create>>;
    await server.register(async (scope) => {
      const host = {
        id: 'sse',
        logger: silent,
        announce() {},
        clock: { now: () => new Date() },
        newId: () => 'x',
        settings: { bindHost: '127.0.0.1', token: null, maxBodyBytes: 1 << 20, storePrompts: false },
        telemetry: componentTelemetry(telemetry.meter, 'sse', 'exporter'),
        resolvePath: (p: string) => p,
        extension: () => {
          throw new Error('none');
        },
        runMode: 'serve',
        http: scope,
        // The stream's `stats` messages read a real (empty) usage reader; events come from the stand-in.
        storage: () => ({ events: store, sessions: store, stats: emptyUsage.ports.stats }) as unknown as ReturnType<ExporterHost['storage']>,
        publish() {},
      } satisfies ExporterHost;
      exporter = await sseFactory.create({ ...sseFactory.defaultConfig(), max_clients: maxClients }, host);
    });
    await exporter.start?.();
    await server.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(async () => {
      await exporter.shutdown?.();
      await server.close();
    });
    const { port } = server.server.address() as AddressInfo;
    return {
      server,
      url: `http://127.0.0.1:${port}/api/stream`,
      counts: async () => {
        const { id: _id, kind: _kind, state: _state, ...c } = (await telemetry.snapshot()).components[0];
        return c;
      },
    };
  }

  it('turns a client away at max_clients with 503 and counts it refused', async () => {
    const { server, url, counts } = await app(1);
    const first = await openStream(url);
    cleanups.push(() => first.close());
    await first.waitFor((m) => m.event === 'hello');
    const res = await server.inject({ method: 'GET', url: '/api/stream' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: 'too_many_clients', message: 'at most 1 stream clients (exporters.sse.max_clients)' });
    expect(await counts()).toEqual({ accepted: 0, refused: 1, failed: 0, duplicate: 0 });
  });

  it('rejects a Last-Event-ID that is not an event seq', async () => {
    const { server } = await app(5);
    const res = await server.inject({ method: 'GET', url: '/api/stream', headers: { 'last-event-id': 'abc' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
  });
});
