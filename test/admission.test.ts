/**
 * Admission control (issue 10, point 7): large bodies beyond the configured number in flight are
 * refused with 503 + Retry-After before their body is read, while small ones (hook posts) and
 * reads (health) still go through.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

/** Starts a POST that declares `size` bytes, sends half, and holds the rest until release(). */
function holdLargeBody(port: number, size: number): { release(): Promise<number> } {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/logs',
    headers: { 'content-type': 'application/json', 'content-length': String(size) },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  const body = Buffer.alloc(size, ' ');
  body.write('{"resourceLogs":[]}', 0);
  req.write(body.subarray(0, size / 2));
  return {
    release() {
      req.end(body.subarray(size / 2));
      return status;
    },
  };
}

describe('admission control', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: {} });
  });
  afterAll(() => server.cleanup());

  it('refuses a large body past the limit at once, and admits small ones and reads meanwhile', async () => {
    const dir = server.dir;
    await server.stop();
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const config = path.join(dir, 'agentstats.jsonc');
    writeFileSync(config, JSON.stringify({ service: { http: { admission: { small_body_kb: 64, max_large_bodies: 1, max_inflight_mb: 64 } } } }));
    server = await startTestServer({ dir, env: { ...server.env, AGENTSTATS_CONFIG: config } });

    const held = holdLargeBody(server.port, 512 * 1024);
    await new Promise((r) => setTimeout(r, 100));

    const big = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(503);
    expect(big.headers.get('retry-after')).toBe('1');
    expect(await big.json()).toMatchObject({ error: 'overloaded' });

    const small = await server.post('/api/events', { session_id: 's', agent_type: 'x', event_type: 'tool_use', tool_name: 't' });
    expect(small.status).toBe(201);
    const health = await server.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.admission).toMatchObject({ large_in_flight: 1, refused: 1 });

    expect(await held.release()).toBe(200);
    const after = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(300 * 1024) }),
    });
    expect(after.status).toBe(200);
    expect((await server.get('/api/health')).body.admission).toMatchObject({ large_in_flight: 0, bytes_in_flight: 0 });
  });
});
