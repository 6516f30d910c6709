/**
 * The DEFAULT Claude Code install loses nothing while AgentStats is down, restarting, failing or
 * too slow to answer, and stores every event exactly once: the installed commands are run as Claude
 * Code runs them (`sh -c`, body on stdin), against a real server that is stopped, answers 503, or
 * answers after the hook gave up; then the real server starts and replays the spool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT, startTestServer, type TestServer } from './helpers/server.js';
// @ts-expect-error plain ESM helper without types
import { fire, handlersFor, runCommand } from '../hooks/lib/simulate.mjs';

const fixture: Array<Record<string, unknown>> = JSON.parse(
  readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', 'claude-code.json'), 'utf8'),
);
const SID = 'cc-6f0c2d1e-4b7a-4c1e-9a55-0f2d3c4b5a69';
/** Events the fixture gives its main session (the subagent's go to a child session). */
const PER_SESSION = 15;

let server: TestServer;
let home: string;
let settings: string;
let spoolDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  home = makeTempDir('agentstats-durable-home-');
  settings = path.join(home, '.claude', 'settings.json');
  spoolDir = server.env.AGENTSTATS_SPOOL_PATH.replace(/\.jsonl$/, '.d');
  env = { PATH: process.env.PATH ?? '', HOME: home, AGENTSTATS_URL: server.url, AGENTSTATS_SPOOL_PATH: server.env.AGENTSTATS_SPOOL_PATH };
  const installed = spawnSync('bash', [path.join(ROOT, 'hooks', 'claude-code', 'install.sh')], { env, encoding: 'utf8' });
  expect(installed.status, installed.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.cleanup();
});

const spooled = () => (existsSync(spoolDir) ? readdirSync(spoolDir) : []);

/** Claude's events are delivered in the background: wait until no delivery is under way. */
async function deliveriesDone() {
  for (let i = 0; i < 100 && spooled().some((n) => n.startsWith('.')); i++) await new Promise((r) => setTimeout(r, 50));
  expect(spooled().filter((n) => n.startsWith('.'))).toEqual([]);
}

/**
 * Fires every fixture body (as session `sid`) through the installed hooks and checks the agent's
 * side; `url` replaces the server address the installer wrote into the command.
 */
async function fireFixture(sid: string, url?: string) {
  for (const body of fixture) {
    const raw = JSON.stringify({ ...body, session_id: String(body.session_id).replace(SID, sid) });
    const event = String(body.hook_event_name);
    const handlers = handlersFor(settings, event).length > 0 ? handlersFor(settings, event) : handlersFor(settings, 'SessionStart');
    const results = url
      ? await Promise.all(handlers.map((h: any) => runCommand(h.command.replace(server.url, url), raw, env)))
      : await fire(settings, event, raw, env, 'SessionStart');
    expect(results).toHaveLength(1);
    const [r] = results;
    expect([body.hook_event_name, r.kind, r.code, r.stdout, r.stderr]).toEqual([body.hook_event_name, 'command', 0, '', '']);
    expect(r.ms).toBeLessThan(1000);
  }
}

const count = async (sid: string) => (await server.get(`/api/events?session_id=${encodeURIComponent(sid)}&limit=1000`)).body.events;

async function storedEventually(sid: string, want: number) {
  let events: any[] = [];
  for (let i = 0; i < 100; i++) {
    events = await count(sid);
    if (events.length >= want) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return events;
}

describe('default Claude Code install', () => {
  it('registers the spooling hook command for every event (no http handler)', () => {
    const doc = JSON.parse(readFileSync(settings, 'utf8'));
    const events = Object.keys(doc.hooks);
    expect(events).toHaveLength(13);
    for (const event of events) {
      const handlers = handlersFor(settings, event);
      expect(handlers.map((h: any) => h.type), event).toEqual(['command']);
    }
  });

  it('server up: every event is stored, nothing is left in the spool', async () => {
    await fireFixture('up');
    await deliveriesDone();
    expect((await storedEventually('up', PER_SESSION)).length).toBe(PER_SESSION);
    expect(spooled()).toEqual([]);
  });

  it('server up, events fired back to back: each keeps the time it was fired at, so their order holds', async () => {
    // Claude's hooks deliver in the background, so a post may overtake the one before; the event
    // time is the hook's own (X-AgentStats-Hook-Time), not the arrival time.
    await fireFixture('burst');
    await deliveriesDone();
    const events = await storedEventually('burst', PER_SESSION);
    const byTime = [...events].sort((a: any, b: any) => (a.client_timestamp < b.client_timestamp ? -1 : a.client_timestamp > b.client_timestamp ? 1 : 0));
    expect(byTime.map((e: any) => e.event_type)).toEqual([
      'session_start', 'user_prompt', 'tool_start', 'tool_use', 'tool_start', 'tool_use', 'permission_request',
      'notification', 'tool_start', 'tool_use', 'compact', 'post_compact', 'stop', 'stop', 'session_end',
    ]);
    expect(new Set(events.map((e: any) => e.client_timestamp)).size).toBe(PER_SESSION);
  });

  it('server stopped: hooks still exit 0 silently, and on start every event is stored exactly once', async () => {
    await server.stop();
    await fireFixture('down');
    // Parallel hooks with bodies far above PIPE_BUF, and one very large tool output.
    const big = (n: number, size: number) =>
      JSON.stringify({ ...fixture[3], session_id: 'down-par', tool_use_id: `toolu_par_${n}`, tool_response: { stdout: `${n}:`.padEnd(size, 'x') } });
    const parallel = await Promise.all(Array.from({ length: 24 }, (_, n) => fire(settings, 'PostToolUse', big(n, 10_000), env)));
    const huge = await fire(settings, 'PostToolUse', big(99, 300_000), env);
    for (const [r] of [...parallel, huge]) expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    await deliveriesDone();
    expect(spooled()).toHaveLength(fixture.length + 25);

    server = await server.restart();
    expect((await count('down')).length).toBe(PER_SESSION);
    const par = await count('down-par');
    expect(par.map((e: any) => e.tool_use_id).sort()).toEqual([...Array.from({ length: 24 }, (_, n) => `toolu_par_${n}`), 'toolu_par_99'].sort());
    expect(spooled()).toEqual([]);
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.replayed).toMatchObject({ lines: fixture.length + 25, bad_lines: 0, duplicates: 0 });
    expect(stats.rejected).toEqual({});
  }, 60_000);

  it('server answering 503, or answering after the hook gave up: spooled, then stored exactly once', async () => {
    // Overloaded: every post refused with 503 + Retry-After.
    const busy = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(503, { 'retry-after': '1' }).end());
    });
    // Slow: the post reaches the real server (and is stored), but the answer comes after curl's 0.7 s.
    const slow = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${server.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(Buffer.concat(chunks)) }).then(() =>
          setTimeout(() => res.writeHead(200).end(), 1500),
        );
      });
    });
    const listen = (s: http.Server) => new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
    try {
      await fireFixture('busy', await listen(busy));
      await fireFixture('slow', await listen(slow));
      await deliveriesDone();
      expect(spooled()).toHaveLength(2 * fixture.length);
      expect((await count('busy')).length).toBe(0);
      expect((await storedEventually('slow', PER_SESSION)).length).toBe(PER_SESSION);
    } finally {
      slow.closeAllConnections();
      await Promise.all([busy, slow].map((s) => new Promise((r) => s.close(r))));
    }
    server = await server.restart();
    expect((await count('busy')).length).toBe(PER_SESSION);
    expect((await count('slow')).length).toBe(PER_SESSION);
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.replayed.lines).toBe(2 * fixture.length);
    // The slow server's events were already stored: their spooled copies are duplicates.
    expect(stats.replayed).toMatchObject({ stored: fixture.length, duplicates: fixture.length });
  }, 60_000);
});
