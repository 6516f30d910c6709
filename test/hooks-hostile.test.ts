/**
 * Issue 10, points 5 and 8, against the real server.
 *  5. A hook's cwd is read from disk: FIFOs and /dev/zero behind it must neither freeze the server
 *     nor grow its memory; the event is still stored (without a branch), and a normal repo still
 *     gets its branch.
 *  8. Hook posts with an empty, missing, list or other agent-sendable Content-Type are stored;
 *     labels no hook sender uses are refused with 415 before the body is read; both are counted.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileRepos, plainRepo, rssOf } from './helpers/hostile-fs.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
/** Each point gets its own server: one frozen by 10.5 must not fail 10.8's tests. */
function ownServer() {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });
}

const stop = (sid: string, cwd = '/tmp/p') =>
  JSON.stringify({ session_id: sid, hook_event_name: 'Stop', cwd, stop_hook_active: false });

/** A raw POST: exact headers (fetch cannot send an empty Content-Type or omit one for a string). */
function rawPost(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
    req.end(body);
  });
}

async function health(): Promise<number> {
  const started = Date.now();
  const res = await fetch(server.url + '/api/health', { signal: AbortSignal.timeout(2000) });
  expect(res.status).toBe(200);
  return Date.now() - started;
}

async function eventsOf(sid: string): Promise<any[]> {
  for (let i = 0; i < 100; i++) {
    const events = (await server.get(`/api/events?session_id=${encodeURIComponent(sid)}`)).body.events;
    if (events.length > 0) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

describe('hook cwd on hostile file systems (10.5)', () => {
  ownServer();
  it('keeps answering, keeps memory flat, stores the event without a branch', async () => {
    const json = { 'content-type': 'application/json' };
    const rssBefore = rssOf(server.pid);
    for (const [name, cwd] of Object.entries(hostileRepos(server.dir))) {
      const res = await rawPost('/api/hooks/claude-code', stop(`hostile-${name}`, cwd), json);
      expect([name, res.status, res.text]).toEqual([name, 200, '']);
      expect(await health(), name).toBeLessThan(1000);
      const [event] = await eventsOf(`hostile-${name}`);
      expect(event, name).toMatchObject({ cwd, branch: null });
    }
    // The same hostile cwds again (cached now) and many at once: still no stall.
    const again = Object.entries(hostileRepos(server.dir)).map(([name, cwd]) =>
      rawPost('/api/hooks/codex', stop(`again-${name}`, cwd), json),
    );
    expect((await Promise.all(again)).map((r) => r.status)).toEqual(Array(again.length).fill(200));
    expect(await health()).toBeLessThan(1000);
    // /dev/zero read to the end grew the server by GiBs; a 512 MB HEAD would show too.
    expect(rssOf(server.pid) - rssBefore).toBeLessThan(100 * 1024 * 1024);

    const repo = plainRepo('feature/safe', server.dir);
    await rawPost('/api/hooks/claude-code', stop('plain-repo', repo), json);
    expect((await eventsOf('plain-repo'))[0]).toMatchObject({ branch: 'feature/safe' });
  });
});

describe('hook Content-Type (10.8)', () => {
  ownServer();
  it('stores posts with every label a hook sender can use', async () => {
    const labels: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['empty', { 'content-type': '' }],
      ['list', { 'content-type': 'application/json, text/plain' }],
      ['params-only', { 'content-type': ';;' }],
      ['charset', { 'content-type': 'application/json; charset=utf-8' }],
      ['fetch-string', { 'content-type': 'text/plain;charset=UTF-8' }],
      ['curl-default', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['octet', { 'content-type': 'application/octet-stream' }],
      ['suffix', { 'content-type': 'application/vnd.hook+json' }],
      ['identity', { 'content-type': 'application/json', 'content-encoding': 'identity' }],
    ];
    for (const [name, headers] of labels) {
      const res = await rawPost('/api/hooks/gemini-cli', stop(`ct-${name}`), headers);
      expect([name, res.status, res.text]).toEqual([name, 200, '']);
      expect(await eventsOf(`ct-${name}`), name).toHaveLength(1);
    }
  });

  it('refuses labels no hook sender uses with 415 and a JSON error, storing nothing', async () => {
    const refused: Array<[string, Record<string, string>, string]> = [
      ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, 'unsupported_content_type'],
      ['protobuf', { 'content-type': 'application/x-protobuf' }, 'unsupported_content_type'],
      ['image-in-list', { 'content-type': 'application/json, image/png' }, 'unsupported_content_type'],
      ['no-slash', { 'content-type': 'json' }, 'unsupported_content_type'],
      ['gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'unsupported_content_encoding'],
    ];
    for (const [name, headers, reason] of refused) {
      const res = await rawPost('/api/hooks/claude-code', stop(`refused-${name}`), headers);
      expect([name, res.status, JSON.parse(res.text).error]).toEqual([name, 415, reason]);
    }
    for (const [name] of refused) {
      expect((await server.get(`/api/events?session_id=refused-${name}`)).body.events, name).toEqual([]);
    }
  });

  it('counts both, by kind and by reason', async () => {
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.content_types).toMatchObject({
      missing: 1,
      empty: 2,
      list: 1,
      text_plain: 1,
      form_urlencoded: 1,
      octet_stream: 1,
    });
    expect(stats.content_types.json).toBeGreaterThanOrEqual(3);
    expect(stats.rejected).toMatchObject({ unsupported_content_type: 4, unsupported_content_encoding: 1 });
    expect(stats.answered['415']).toBe(5);
    expect(stats.answered['200']).toBe(stats.received - 5);
  });
});
