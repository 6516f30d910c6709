/**
 * Self-observability against the real server: GET /api/health shows each component's accepted /
 * refused / failed / duplicate counts after real ingest (native, hooks, the SSE stream), the
 * pipeline's queue depth, and a processor plugin that throws counted against that processor —
 * loaded purely through a config file, run in the real worker pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { writeBoomConfig } from './helpers/boom-plugin.js';
import { openStream, type SseStream } from './helpers/sse.js';

interface Health {
  queue_depth: number;
  pipelines: Array<{ name: string; queue_depth: number }>;
  components: Array<{ id: string; kind: string; accepted: number; refused: number; failed: number; duplicate: number }>;
}

const ev = (fields: Record<string, unknown> = {}) => ({ session_id: 'h1', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Bash', ...fields });

async function health(server: TestServer): Promise<Health> {
  const res = await server.get<Health>('/api/health');
  expect(res.status).toBe(200);
  return res.body;
}

function counts(h: Health, kind: string, id: string) {
  const c = h.components.find((x) => x.kind === kind && x.id === id);
  if (!c) throw new Error(`no ${kind} ${id} in ${JSON.stringify(h.components)}`);
  const { accepted, refused, failed, duplicate } = c;
  return { accepted, refused, failed, duplicate };
}

describe('GET /api/health components', () => {
  let server: TestServer;
  let stream: SseStream | null = null;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    stream?.close();
    await server?.cleanup();
  });

  it('lists every component of the default config with zeros before anything arrives', async () => {
    const h = await health(server);
    expect(h.components.map((c) => `${c.kind}:${c.id}`)).toEqual([
      'receiver:native', 'receiver:otlp', 'receiver:hooks',
      'processor:dedupe', 'processor:cost', 'processor:truncate',
      'exporter:sqlite', 'exporter:sse', 'exporter:alerts',
    ]);
    expect(h.components.every((c) => c.accepted + c.refused + c.failed + c.duplicate === 0)).toBe(true);
    expect(h.pipelines).toEqual([{ name: 'events', queue_depth: 0 }]);
    expect(h.queue_depth).toBe(0);
  });

  it('counts what each component accepted, refused and found duplicate after ingest', async () => {
    stream = await openStream(`${server.url}/api/stream`);
    await stream.waitFor((m) => m.event === 'hello');

    // Two new events, one repeated inside the batch, one invalid.
    const batch = await server.post('/api/events/batch', { events: [ev({ event_id: 'h-a' }), ev({ event_id: 'h-b' }), ev({ event_id: 'h-a' }), { session_id: 'h1' }] });
    expect(batch.body).toMatchObject({ ids: ['h-a', 'h-b'], duplicates: 1 });
    // One already stored.
    expect((await server.post('/api/events', ev({ event_id: 'h-b' }))).status).toBe(200);
    // Hooks: one good post, one unreadable.
    const hook = (body: string) => fetch(`${server.url}/api/hooks/claude-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await hook(JSON.stringify({ session_id: 'h-hook', hook_event_name: 'Stop', cwd: '/tmp/p', stop_hook_active: false }));
    await hook('{not json');
    await stream.waitFor((m) => m.event === 'event' && JSON.parse(m.data).session_id === 'h-hook');

    await expect.poll(async () => counts(await health(server), 'receiver', 'hooks'), { timeout: 5000 }).toEqual({ accepted: 1, refused: 1, failed: 0, duplicate: 0 });
    const h = await health(server);
    expect(counts(h, 'receiver', 'native')).toEqual({ accepted: 2, refused: 1, failed: 0, duplicate: 2 });
    expect(counts(h, 'receiver', 'otlp')).toEqual({ accepted: 0, refused: 0, failed: 0, duplicate: 0 });
    // dedupe drops the in-batch repeat; the store finds the re-sent one.
    expect(counts(h, 'processor', 'dedupe')).toEqual({ accepted: 4, refused: 0, failed: 0, duplicate: 1 });
    expect(counts(h, 'processor', 'truncate')).toEqual({ accepted: 4, refused: 0, failed: 0, duplicate: 0 });
    expect(counts(h, 'exporter', 'sqlite')).toEqual({ accepted: 3, refused: 0, failed: 0, duplicate: 1 });
    // The stream delivered the three stored events to its one client.
    expect(counts(h, 'exporter', 'sse')).toEqual({ accepted: 3, refused: 0, failed: 0, duplicate: 0 });
    expect(h.queue_depth).toBe(0);
  });
});

describe('a processor plugin that throws', () => {
  let server: TestServer;
  const dir = makeTempDir();
  beforeAll(async () => {
    const config = writeBoomConfig(dir);
    server = await startTestServer({ dir, env: { AGENTSTATS_CONFIG: config } });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('is counted failed under its own id; the storage and the next processors are not', async () => {
    expect((await server.post('/api/events', ev({ event_id: 'ok-1' }))).status).toBe(201);
    const bad = await server.post('/api/events', ev({ event_id: 'bad-1', tool_name: 'Boom' }));
    expect(bad.status).toBe(500);
    expect(bad.body.error).toBe('ingest_failed');
    const h = await health(server);
    expect(h.components.filter((c) => c.kind === 'processor').map((c) => c.id)).toEqual(['dedupe', 'boom', 'cost', 'truncate']);
    expect(counts(h, 'processor', 'boom')).toEqual({ accepted: 1, refused: 0, failed: 1, duplicate: 0 });
    expect(counts(h, 'processor', 'cost')).toEqual({ accepted: 1, refused: 0, failed: 0, duplicate: 0 });
    expect(counts(h, 'exporter', 'sqlite')).toEqual({ accepted: 1, refused: 0, failed: 0, duplicate: 0 });
    expect(counts(h, 'receiver', 'native')).toEqual({ accepted: 1, refused: 0, failed: 1, duplicate: 0 });
  });
});
