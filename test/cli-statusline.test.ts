/**
 * `agentstats statusline` with the JSON Claude Code passes on stdin: the line shows the model, this
 * session's cost, today's cost and the running 5-hour block (time left, burn rate), with the
 * numbers the API has, read from the database file or from the server alike; it prints a line even
 * with nothing to read. And its installer step in Claude Code's settings.json: idempotent, refuses
 * to replace the user's own statusLine without --force, and --uninstall gives the bytes back.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { runCli } from './helpers/cli.js';

const SESSION = '7a7a7a7a-1111-4222-8333-444444444444';

function usd(v: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v);
}

describe('agentstats statusline', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const stdin = JSON.stringify({
    session_id: SESSION,
    transcript_path: '/tmp/x.jsonl',
    cwd: '/work/project',
    model: { id: 'claude-opus-4-1', display_name: 'Opus 4.1' },
    workspace: { current_dir: '/work/project', project_dir: '/work/project' },
    cost: { total_cost_usd: 0.42 },
  });

  beforeAll(async () => {
    server = await startTestServer();
    const now = Date.now();
    const call = (id: string, session: string, agoMin: number, tokens: number) => ({
      event_id: id,
      session_id: session,
      agent_type: 'claude_code',
      event_type: 'api_request',
      model: 'claude-opus-4-1',
      tokens_in: tokens,
      tokens_out: tokens / 10,
      client_timestamp: new Date(now - agoMin * 60_000).toISOString(),
    });
    const res = await server.post('/api/events/batch', {
      events: [call('a', SESSION, 20, 20000), call('b', SESSION, 5, 40000), call('c', 'other-session', 10, 10000), call('d', 'old', 60 * 24 * 3, 99999)],
    });
    expect(res.status).toBe(200);
    env = { HOME: server.dir, AGENTSTATS_PORT: String(server.port), AGENTSTATS_DB_PATH: server.dbPath, TZ: 'UTC' };
  });
  afterAll(async () => server?.cleanup());

  it('prints model, session, today and the running block as the API has them, from the database and from the server', async () => {
    const session = (await server.get(`/api/sessions/${SESSION}?events=0`)).body.session;
    const midnight = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').toISOString();
    const today = (await server.get(`/api/stats/cost?since=${midnight}`)).body.totals;
    const activeBlock = async () => (await server.get(`/api/stats/blocks?since=${new Date().toISOString()}&limit=1`)).body.active;
    const block = await activeBlock();
    expect(session.cost_usd).toBeGreaterThan(0);
    expect(block).not.toBeNull();
    // The burn rate falls as the block's time runs on: the CLI's, read a moment later, is the API's
    // before its run or after it (they differ when a cent boundary is crossed in between).
    const expected = (burns: string[]) => new RegExp(
      `^🤖 Opus 4\\.1 \\| 💰 ${esc(usd(session.cost_usd))} session / ${esc(usd(today.cost_usd))} today / ${esc(usd(block.cost_usd))} block \\(\\d+h \\d+m left\\) \\| 🔥 (?:${burns.map(esc).join('|')})/hr\\n$`,
    );
    for (const source of ['db', 'api', 'auto']) {
      const before = usd((await activeBlock()).burn_rate.cost_usd_per_hour);
      const r = await runCli(['statusline', '--source', source], { env, cwd: server.dir, stdin });
      const after = usd((await activeBlock()).burn_rate.cost_usd_per_hour);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout, source).toMatch(expected([before, after]));
    }
  });

  it('an unknown session and no stdin still give a line; nothing to read says so, exit 0', async () => {
    const unknown = await runCli(['statusline'], { env, cwd: server.dir, stdin: JSON.stringify({ session_id: 'nope', model: { display_name: 'Sonnet' } }) });
    expect(unknown.stdout).toMatch(/^🤖 Sonnet \| 💰 no cost yet this session \/ \$[\d.,]+ today \/ \$[\d.,]+ block/);
    const empty = await runCli(['statusline'], { env, cwd: server.dir, stdin: '' });
    expect(empty.stdout).toMatch(/^🤖 Claude \| 💰 no cost yet this session/);
    const nothing = await runCli(['statusline'], {
      env: { HOME: server.dir, AGENTSTATS_PORT: '1', AGENTSTATS_DB_PATH: path.join(server.dir, 'none.db') },
      cwd: server.dir,
      stdin,
    });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/^🤖 Opus 4\.1 \| AgentStats: no data \(/);
  });

  describe('--install / --uninstall in settings.json', () => {
    const home = makeTempDir('agentstats-statusline-');
    const claudeDir = path.join(home, '.claude');
    const settings = path.join(claudeDir, 'settings.json');
    const ienv = { HOME: home };
    const run = (args: string[]) => runCli(['statusline', ...args], { env: ienv, cwd: home });
    const ORIGINAL = '{\n    "model": "opus",\n    "permissions": { "allow": ["Bash(ls:*)"] },\n    "hooks": {}\n}\n';

    it('adds it, says so, is idempotent, and uninstall gives back the exact bytes', async () => {
      mkdirSync(claudeDir, { recursive: true });
      writeFileSync(settings, ORIGINAL);
      const first = await run(['--install']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/statusLine installed in .*settings\.json \(backup: /);
      expect(first.stdout).toMatch(/\+ statusLine = \{"type":"command","command":".*collector\/cli\/main\.js statusline","padding":0\}/);
      const installed = readFileSync(settings, 'utf8');
      expect(JSON.parse(installed).statusLine.command).toMatch(/main\.js statusline$/);
      expect(installed.startsWith('{\n    "model": "opus",\n    "permissions": { "allow": ["Bash(ls:*)"] },')).toBe(true);
      const again = await run(['--install']);
      expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('already in') });
      expect(readFileSync(settings, 'utf8')).toBe(installed);
      const removed = await run(['--uninstall']);
      expect(removed.code).toBe(0);
      expect(removed.stdout).toMatch(/- statusLine removed/);
      expect(readFileSync(settings, 'utf8')).toBe(ORIGINAL);
      expect((await run(['--uninstall'])).code).toBe(1);
    });

    it("refuses to replace the user's own statusLine; --force replaces it and --uninstall restores it exactly", async () => {
      const mine = '{\n  "statusLine": {\n    "type": "command",\n    "command": "~/.claude/my-line.sh"\n  }\n}\n';
      writeFileSync(settings, mine);
      const before = readdirSync(claudeDir).length;
      const refused = await run(['--install']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/already has a statusLine of yours: ~\/\.claude\/my-line\.sh[\s\S]*Nothing was changed[\s\S]*--force/);
      expect(readFileSync(settings, 'utf8')).toBe(mine);
      expect(readdirSync(claudeDir).length).toBe(before); // not even a backup
      const dry = await run(['--install', '--force', '--dry-run']);
      expect(dry.stdout).toMatch(/would install/);
      expect(readFileSync(settings, 'utf8')).toBe(mine);
      const forced = await run(['--install', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/~ statusLine = .* \(was \{"type":"command","command":"~\/\.claude\/my-line\.sh"\}\)/);
      expect(JSON.parse(readFileSync(settings, 'utf8')).statusLine.command).toMatch(/statusline$/);
      const undone = await run(['--uninstall']);
      expect(undone.code).toBe(0);
      expect(readFileSync(settings, 'utf8')).toBe(mine);
    });

    it('a settings file it created is removed again; one that does not parse is left alone', async () => {
      const other = path.join(home, 'cfg');
      const oenv = { HOME: home, CLAUDE_CONFIG_DIR: other };
      const file = path.join(other, 'settings.json');
      expect((await runCli(['statusline', '--install'], { env: oenv, cwd: home })).code).toBe(0);
      expect(existsSync(file)).toBe(true);
      expect((await runCli(['statusline', '--uninstall'], { env: oenv, cwd: home })).code).toBe(0);
      expect(existsSync(file)).toBe(false);
      writeFileSync(settings, '{ "model": "opus", }\n');
      const bad = await run(['--install']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/not valid JSON.*Nothing was changed/);
      expect(readFileSync(settings, 'utf8')).toBe('{ "model": "opus", }\n');
    });
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
