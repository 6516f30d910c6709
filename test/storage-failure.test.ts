/**
 * A disk that fills up under the database (issue 10, point 3): writes are
 * answered 503 + Retry-After (what OTLP exporters retry), reads go on, hook posts are spooled, the
 * cause is logged once, the server never crashes, and every acknowledged event is still there once
 * the disk has room again. Uses a small tmpfs mounted for the test (needs root, as CI runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';

const isRoot = process.getuid?.() === 0;

function mount(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}

function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir]);
}

const pad = 'x'.repeat(8000);
let serial = 0;
function batch(n: number, padded = true): { events: unknown[] } {
  return {
    events: Array.from({ length: n }, () => ({
      event_id: `disk-${++serial}`,
      session_id: 'disk',
      agent_type: 'test',
      event_type: 'tool_use',
      tool_name: 'Write',
      metadata: padded ? { pad } : {},
    })),
  };
}

describe.skipIf(!isRoot)('storage that cannot write', () => {
  let server: TestServer;
  let dir: string;
  let fsDir: string;
  const acknowledged = new Set<string>();

  beforeAll(async () => {
    dir = makeTempDir();
    fsDir = path.join(dir, 'small-disk');
    mkdirSync(fsDir);
    mount(fsDir, 'size=3m');
    server = await startTestServer({ dir, env: { AGENTSTATS_DB_PATH: path.join(fsDir, 'agentstats.db') } });
  });

  afterAll(async () => {
    await server?.cleanup().catch(() => undefined);
    try {
      execFileSync('umount', [fsDir]);
    } catch {
      /* already gone */
    }
  });

  it('answers 503 + Retry-After when the disk is full, keeps reading, spools hooks, and logs it once', async () => {
    let refused: { status: number; body: any } | null = null;
    let retryAfter: string | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await fetch(`${server.url}/api/events/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch(20)),
      });
      const body = await res.json();
      if (res.status === 200) for (const id of body.ids as string[]) acknowledged.add(id);
      else {
        refused = { status: res.status, body };
        retryAfter = res.headers.get('retry-after');
      }
    }
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(refused).toMatchObject({ status: 503, body: { error: 'storage_unavailable' } });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // A small write may still fit where a large batch did not: fill the rest with small ones, so the
    // hook below cannot be stored either.
    for (let i = 0, full = false; i < 500 && !full; i++) {
      const res = await server.post('/api/events/batch', batch(1, false));
      if (res.status === 200) for (const id of res.body.ids as string[]) acknowledged.add(id);
      else full = res.status === 503;
    }

    // Reads go on.
    expect((await server.get('/api/health')).status).toBe(200);
    expect((await server.get('/api/stats')).status).toBe(200);
    expect((await server.get('/api/events?limit=5')).status).toBe(200);

    // A hook post is answered as always and kept in the spool (on another disk) for replay.
    const hook = await server.post('/api/hooks/claude-code', { session_id: 'disk-hook', hook_event_name: 'Stop', cwd: '/tmp' });
    expect(hook.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await server.get('/api/hooks/stats')).body.spooled_by_server).toBeGreaterThanOrEqual(1);

    // More refused writes do not repeat the log line.
    for (let i = 0; i < 5; i++) await server.post('/api/events/batch', batch(20));
    const lines = server.output().split('\n').filter((l) => l.includes('storage cannot take writes'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it('takes writes again once the disk has room, without a restart', async () => {
    remount(fsDir, 'size=64m');
    let back = 0;
    for (let i = 0; i < 50 && back === 0; i++) {
      const res = await server.post('/api/events/batch', batch(5));
      if (res.status === 200) {
        back = res.body.ids.length;
        for (const id of res.body.ids as string[]) acknowledged.add(id);
      } else await new Promise((r) => setTimeout(r, 200));
    }
    expect(back).toBe(5);
    expect(server.output()).toContain('storage takes writes again');
  });

  it('has every acknowledged event after a restart', async () => {
    server = await server.restart();
    const events = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: any = (await server.get(`/api/events?session_id=disk&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)).body;
      for (const e of page.events) events.add(e.event_id);
      cursor = page.next_cursor;
    } while (cursor);
    const missing = [...acknowledged].filter((id) => !events.has(id));
    expect(missing).toEqual([]);
  });
});
