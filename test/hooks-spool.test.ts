/**
 * A stopped server never disturbs the agent: installed hook commands (the defaults of all three
 * installers) exit 0 at once, print nothing and spool, one file per event; on the next start the
 * spooled events appear exactly once, and replaying the same spool again (a second start) adds
 * nothing. Spool lines written by the server itself (JSON lines) replay the same way.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT, startTestServer, type TestServer } from './helpers/server.js';
// @ts-expect-error plain ESM helper without types
import { fire } from '../hooks/lib/simulate.mjs';

type Agent = 'claude-code' | 'codex' | 'gemini-cli';
const SETTINGS: Record<Agent, string> = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  'gemini-cli': '.gemini/settings.json',
};
const fixture = (agent: Agent): Array<Record<string, unknown>> =>
  JSON.parse(readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', `${agent}.json`), 'utf8'));

function installAll(env: Record<string, string>) {
  for (const agent of ['claude-code', 'codex', 'gemini-cli']) {
    const result = spawnSync('bash', [path.join(ROOT, 'hooks', agent, 'install.sh')], { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  }
}

async function fireAll(home: string, env: Record<string, string>) {
  const results: any[] = [];
  for (const agent of Object.keys(SETTINGS) as Agent[]) {
    for (const body of fixture(agent)) {
      const settings = path.join(home, SETTINGS[agent]);
      results.push(...(await fire(settings, String(body.hook_event_name), JSON.stringify(body), env, 'SessionStart')));
    }
  }
  return results;
}

const spoolDirOf = (spoolPath: string) => spoolPath.replace(/\.jsonl$/, '.d');
/** The spooled events (visible files), after Claude's background deliveries have finished. */
async function spooledFiles(spoolPath: string): Promise<string[]> {
  const dir = spoolDirOf(spoolPath);
  for (let i = 0; i < 100 && readdirSync(dir).some((n) => n.startsWith('.')); i++) await new Promise((r) => setTimeout(r, 50));
  return readdirSync(dir).sort();
}

const countIn = async (server: TestServer, sessionId: string) =>
  (await server.get(`/api/events?session_id=${encodeURIComponent(sessionId)}&limit=1000`)).body.events.length;

const EXPECTED = {
  'cc-6f0c2d1e-4b7a-4c1e-9a55-0f2d3c4b5a69': 15,
  'cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d': 9,
  'gm-3c1d9a40-2f7e-4d8b-a6c5-1e2f3a4b5c6d': 10,
};

let server: TestServer | null = null;
afterAll(async () => {
  await server?.cleanup();
});

describe('hooks while the server is down', () => {
  it('exit 0 within a second, print nothing, spool; start replays them exactly once, twice over', async () => {
    const first = await startTestServer();
    await first.stop();
    const home = makeTempDir('agentstats-spool-home-');
    const spoolPath = first.env.AGENTSTATS_SPOOL_PATH;
    const env = { PATH: process.env.PATH ?? '', HOME: home, AGENTSTATS_URL: first.url, AGENTSTATS_SPOOL_PATH: spoolPath };
    installAll(env);

    const results = await fireAll(home, env);
    const bodies = Object.keys(SETTINGS).reduce((n, a) => n + fixture(a as Agent).length, 0);
    expect(results).toHaveLength(bodies);
    for (const r of results) {
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      expect(r.ms).toBeLessThan(1000);
    }
    const files = await spooledFiles(spoolPath);
    expect(files).toHaveLength(bodies);
    const agents = files.map((f) => f.split('.')[0]);
    expect(new Set(agents)).toEqual(new Set(['claude-code', 'codex', 'gemini-cli']));
    // Each file holds one body, byte for byte as the agent sent it.
    const sent = new Set((Object.keys(SETTINGS) as Agent[]).flatMap((a) => fixture(a).map((b) => JSON.stringify(b))));
    const contents = files.map((f) => readFileSync(path.join(spoolDirOf(spoolPath), f), 'utf8'));
    for (const text of contents) expect(sent.has(text)).toBe(true);

    server = await first.restart();
    for (const [sid, n] of Object.entries(EXPECTED)) expect(await countIn(server, sid), sid).toBe(n);
    expect(existsSync(spoolPath)).toBe(false);
    expect(readdirSync(spoolDirOf(spoolPath))).toEqual([]);
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.replayed).toMatchObject({ files: bodies, lines: bodies, bad_lines: 0, duplicates: 0 });
    // Sessions replayed from the spool end like live ones; Codex durations come from spooled_at.
    expect((await server.get('/api/sessions/cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d')).body.session.status).toBe('ended');

    // The same spool once more (as if a replay had crashed before deleting it), half as per-event
    // files and half as the server's own JSON lines: nothing new.
    mkdirSync(spoolDirOf(spoolPath), { recursive: true });
    files.forEach((name, i) => {
      if (i % 2 === 0) writeFileSync(path.join(spoolDirOf(spoolPath), name), contents[i]);
      else appendFileSync(spoolPath, JSON.stringify({ agent: name.split('.')[0], body: contents[i], spooled_at: new Date().toISOString() }) + '\n');
    });
    server = await server.restart();
    for (const [sid, n] of Object.entries(EXPECTED)) expect(await countIn(server, sid), sid).toBe(n);
    const again = (await server.get('/api/hooks/stats')).body;
    expect(again.replayed.lines).toBe(bodies);
    expect(again.replayed.stored).toBe(0);
    expect(again.replayed.duplicates).toBe(stats.replayed.stored);
    expect(existsSync(spoolPath)).toBe(false);
    expect(readdirSync(spoolDirOf(spoolPath))).toEqual([]);
  }, 120_000);

  it('give up on a server that accepts but never answers, exit 0 within a second, and spool', async () => {
    const sockets: net.Socket[] = [];
    const blackhole = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as net.AddressInfo).port;
    const home = makeTempDir('agentstats-blackhole-');
    const spoolPath = path.join(home, 'spool.jsonl');
    const env = { PATH: process.env.PATH ?? '', HOME: home, AGENTSTATS_URL: `http://127.0.0.1:${port}`, AGENTSTATS_SPOOL_PATH: spoolPath };
    installAll(env);
    try {
      const body = JSON.stringify(fixture('codex')[0]);
      const [result] = await fire(path.join(home, SETTINGS.codex), 'SessionStart', body, env);
      expect([result.code, result.stdout]).toEqual([0, '']);
      expect(result.ms).toBeLessThan(1500); // 0.9 s hard stop plus process start-up
      expect(sockets.length).toBeGreaterThan(0);
      const [file] = await spooledFiles(spoolPath);
      expect(file).toMatch(/^codex\.\d+\.0\.json$/);
      expect(readFileSync(path.join(spoolDirOf(spoolPath), file), 'utf8')).toBe(body);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});

describe('the Node hook command (the fallback where curl is missing)', () => {
  it('spools one file per event while the server is down; the next start stores each once', async () => {
    const down = await startTestServer();
    await down.stop();
    const home = makeTempDir('agentstats-node-spool-');
    const spoolPath = down.env.AGENTSTATS_SPOOL_PATH;
    const env = { PATH: process.env.PATH ?? '', HOME: home, AGENTSTATS_URL: down.url, AGENTSTATS_SPOOL_PATH: spoolPath };
    const installed = spawnSync('bash', [path.join(ROOT, 'hooks', 'codex', 'install.sh'), '--runtime', 'node'], { env, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    const settings = path.join(home, SETTINGS.codex);
    expect(readFileSync(settings, 'utf8')).toContain('agentstats-hook.cjs codex');
    const bodies = fixture('codex');
    // All at once: parallel hooks must not clobber each other's spool files.
    const results = await Promise.all(bodies.map((b) => fire(settings, String(b.hook_event_name), JSON.stringify(b), env, 'SessionStart')));
    for (const [r] of results) expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const files = await spooledFiles(spoolPath);
    expect(files).toHaveLength(bodies.length);
    for (const f of files) expect(f).toMatch(/^codex\.\d+\.\d+\.json$/);

    const up = await down.restart();
    try {
      expect(await countIn(up, 'cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d')).toBe(EXPECTED['cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d']);
      expect(readdirSync(spoolDirOf(spoolPath))).toEqual([]);
    } finally {
      await up.cleanup();
    }
  }, 60_000);
});
