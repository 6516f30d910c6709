/**
 * A stopped server never disturbs the agent: installed hook commands exit 0 at once, print
 * nothing and spool; on the next start the spooled events appear exactly once, and replaying the
 * same spool again (a second start) adds nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  for (const [agent, args] of [['claude-code', ['--transport', 'command']], ['codex', []], ['gemini-cli', []]] as const) {
    const result = spawnSync('bash', [path.join(ROOT, 'hooks', agent, 'install.sh'), ...args], { env, encoding: 'utf8' });
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
    const spooled = readFileSync(spoolPath, 'utf8');
    expect(spooled.trim().split('\n')).toHaveLength(bodies);
    expect(JSON.parse(spooled.split('\n')[0])).toMatchObject({ agent: 'claude-code', spooled_at: expect.any(String) });

    server = await first.restart();
    for (const [sid, n] of Object.entries(EXPECTED)) expect(await countIn(server, sid), sid).toBe(n);
    expect(existsSync(spoolPath)).toBe(false);
    expect(readdirSync(path.dirname(spoolPath)).filter((f) => f.includes('spool'))).toEqual([]);
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.replayed).toMatchObject({ files: 1, lines: bodies, bad_lines: 0, duplicates: 0 });
    // Sessions replayed from the spool end like live ones; Codex durations come from spooled_at.
    expect((await server.get('/api/sessions/cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d')).body.session.status).toBe('ended');

    // The same spool once more (as if a replay had crashed before deleting it): nothing new.
    writeFileSync(spoolPath, spooled);
    server = await server.restart();
    for (const [sid, n] of Object.entries(EXPECTED)) expect(await countIn(server, sid), sid).toBe(n);
    const again = (await server.get('/api/hooks/stats')).body;
    expect(again.replayed.lines).toBe(bodies);
    expect(again.replayed.stored).toBe(0);
    expect(again.replayed.duplicates).toBeGreaterThan(0);
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
      expect(JSON.parse(readFileSync(spoolPath, 'utf8'))).toMatchObject({ agent: 'codex', body });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});
