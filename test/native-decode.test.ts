/**
 * Native batch bodies from `decode_off_thread_kb` up are parsed, validated and run through the
 * processor chain on the receiver's worker thread (issue 14). What is stored, refused and counted
 * must be exactly what the main-thread path gives for the same events.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');

/** A mixed batch: priced API calls (the cost processor prices them), tool calls, one repeat. */
function events(prefix: string, n: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(T0 + i * 1000).toISOString();
    out.push(
      i % 2 === 0
        ? { event_id: `${prefix}-${i}`, session_id: `${prefix}-s`, agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1000 + i, tokens_out: 50, cache_read_tokens: 2000, client_timestamp: ts, metadata: { note: 'x'.repeat(200) } }
        : { event_id: `${prefix}-${i}`, session_id: `${prefix}-s`, agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Bash', status: 'success', duration_ms: 120, client_timestamp: ts, metadata: { prompt: 'secret words', output_bytes: 10 } },
    );
  }
  out.push({ ...out[0] }); // the same event_id again in the same batch: dedupe drops it
  return out;
}

async function stored(server: TestServer, session: string): Promise<Array<Record<string, unknown>>> {
  const r = await server.get<{ events: Array<Record<string, unknown>> }>(`/api/sessions/${session}?events=500`);
  expect(r.status).toBe(200);
  // What must match between the two paths: everything but the ids and the receive time.
  return r.body.events
    .map(({ event_id, session_id, created_at, seq, ...rest }) => ({ n: Number(String(event_id).split('-').pop()), ...rest }))
    .sort((a, b) => a.n - b.n);
}

describe('native batches decoded off the main thread', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.cleanup());

  it('stores, prices, redacts and refuses exactly as the main-thread path does', async () => {
    // 60 events of ~400 bytes: ~25 KB, past the 4 KB default. The small path: the same events 2 at a time.
    const big = events('big', 60);
    const bad = { session_id: 'big-s', agent_type: 'claude_code', event_type: 'api_request', tokens_in: -1 };
    const r = await server.post<{ received: number; ids: string[]; duplicates: number; rejected: Array<{ index: number; errors: Array<{ field: string }> }> }>(
      '/api/events/batch',
      { events: [...big.slice(0, 10), bad, ...big.slice(10)] },
    );
    expect(r.status).toBe(200);
    expect(r.body.received).toBe(62);
    expect(r.body.ids).toHaveLength(60);
    expect(r.body.duplicates).toBe(1);
    expect(r.body.rejected).toEqual([{ index: 10, errors: [expect.objectContaining({ field: 'tokens_in' })] }]);

    const small = events('small', 60);
    for (let i = 0; i < small.length; i += 2) {
      const part = await server.post('/api/events/batch', { events: small.slice(i, i + 2) });
      expect(part.status).toBe(200);
    }
    const a = await stored(server, 'big-s');
    const b = await stored(server, 'small-s');
    expect(a).toHaveLength(60);
    expect(a).toEqual(b);
    // The chain ran: the cost processor priced the API calls; the privacy rule kept only sizes.
    expect(a[0].cost_usd).toBeGreaterThan(0);
    expect(a[0].cost_source).toBe('computed');
    expect(a[1].metadata).toMatchObject({ prompt_length: 12 });
    expect(JSON.stringify(a)).not.toContain('secret words');

    // Every processor counted the off-thread batch as it counts the others: dedupe passed the big
    // batch's 60 and dropped its repeat; the small path's last post (the repeat alone) it passed.
    const health = await server.get<{ components: Array<{ id: string; kind: string; accepted: number; duplicate: number }> }>('/api/health');
    const dedupe = health.body.components.find((c) => c.kind === 'processor' && c.id === 'dedupe')!;
    expect(dedupe.accepted).toBe(60 + 61);
    expect(dedupe.duplicate).toBe(1);
  });

  it('answers a bad large body with a JSON 4xx and stores nothing of it', async () => {
    const pad = 'x'.repeat(8 * 1024);
    const before = (await server.get<{ events: number }>('/api/health')).body.events;
    const post = (body: string) =>
      fetch(`${server.url}/api/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const malformed = await post(`{"events": [{"pad": "${pad}"}`);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'bad_request' });

    const poisoned = await post(`{"events": [], "__proto__": {"polluted": true}, "pad": "${pad}"}`);
    expect(poisoned.status).toBe(400);

    const notBatch = await post(JSON.stringify({ event: [], pad }));
    expect(notBatch.status).toBe(400);
    expect(await notBatch.json()).toMatchObject({ error: 'bad_request', message: 'body must be {"events": [...]}' });

    const tooMany = await post(JSON.stringify({ events: Array.from({ length: 5001 }, () => ({})) }));
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: 'batch_too_large' });

    expect((await server.get<{ events: number }>('/api/health')).body.events).toBe(before);
  });

  it('gives the same answers with the worker switched off (decode_off_thread_kb: 0)', async () => {
    const dir = server.dir;
    await server.stop();
    const config = path.join(dir, 'agentstats.jsonc');
    writeFileSync(config, JSON.stringify({ receivers: { native: { decode_off_thread_kb: 0 } } }));
    server = await startTestServer({ dir, env: { ...server.env, AGENTSTATS_CONFIG: config } });
    const r = await server.post<{ ids: string[]; duplicates: number }>('/api/events/batch', { events: events('main', 60) });
    expect(r.body.ids).toHaveLength(60);
    expect(r.body.duplicates).toBe(1);
    expect(await stored(server, 'main-s')).toEqual(await stored(server, 'small-s'));
  });
});
