/**
 * The installed hooks do not depend on the clone they were installed from: the installer copies
 * the hook command to ~/.agentstats/bin/<version>/, the settings refer to that copy, and hooks
 * still deliver after the clone is deleted. Uninstall removes the copy once no agent uses it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT, startTestServer, type TestServer } from './helpers/server.js';
// @ts-expect-error plain ESM helper without types
import { fire } from '../hooks/lib/simulate.mjs';

/** A throw-away clone: the hooks folder and package.json, node_modules linked. */
function makeClone(): string {
  const clone = makeTempDir('agentstats-clone-');
  cpSync(path.join(ROOT, 'hooks'), path.join(clone, 'hooks'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(clone, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  return clone;
}

/** A PATH with node and the basics but no curl: the installer must fall back to the Node hook. */
function pathWithoutCurl(): string {
  const bin = makeTempDir('agentstats-nocurl-');
  for (const tool of ['bash', 'sh', 'dirname', 'cat', 'rm', 'mv', 'mkdir', 'du']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, path.join(bin, tool));
  }
  symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.cleanup();
});

const body = (sessionId: string, n: number) =>
  JSON.stringify({ session_id: sessionId, hook_event_name: 'Notification', message: `ping ${n}`, cwd: '/tmp', transcript_path: '/tmp/t.jsonl' });

async function storedCount(sessionId: string, want: number): Promise<number> {
  let count = 0;
  for (let i = 0; i < 100; i++) {
    count = (await server.get(`/api/events?session_id=${sessionId}&limit=100`)).body.events.length;
    if (count >= want) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return count;
}

describe('hooks installed from a clone that is then deleted', () => {
  it.each([
    ['sh + curl', 'sh'],
    ['node (no curl on PATH)', 'node'],
  ])('keep delivering (%s), and uninstall removes the copy when no agent uses it', async (_label, runtime) => {
    const clone = makeClone();
    const home = makeTempDir('agentstats-stable-home-');
    const PATH = runtime === 'node' ? pathWithoutCurl() : (process.env.PATH ?? '');
    const env = { PATH, HOME: home, AGENTSTATS_URL: server.url, AGENTSTATS_SPOOL_PATH: path.join(home, 'spool.jsonl') };
    const install = (agent: string, args: string[] = []) => {
      const result = spawnSync('bash', [path.join(clone, 'hooks', agent, 'install.sh'), ...args], { env, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    };
    install('claude-code');
    install('gemini-cli');
    const claudeSettings = path.join(home, '.claude', 'settings.json');
    const text = readFileSync(claudeSettings, 'utf8');
    expect(text).not.toContain(clone);
    const versions = readdirSync(path.join(home, '.agentstats', 'bin'));
    expect(versions).toHaveLength(1);
    const command = JSON.parse(text).hooks.Stop[0].hooks[0].command as string;
    expect(command).toContain(path.join(home, '.agentstats', 'bin', versions[0], runtime === 'sh' ? 'agentstats-hook.sh' : 'agentstats-hook.cjs'));

    rmSync(clone, { recursive: true, force: true });
    const sessionId = `stable-${runtime}`;
    for (let n = 0; n < 3; n++) {
      const [result] = await fire(claudeSettings, 'Notification', body(sessionId, n), env);
      expect([result.kind, result.code, result.stdout, result.stderr]).toEqual(['command', 0, '', '']);
    }
    expect(await storedCount(sessionId, 3)).toBe(3);

    // Another clone uninstalls one agent: the copy stays while Gemini still uses it, then goes.
    const second = makeClone();
    const uninstall = (agent: string) =>
      spawnSync('bash', [path.join(second, 'hooks', agent, 'install.sh'), '--uninstall'], { env, encoding: 'utf8' }).stdout;
    expect(uninstall('claude-code')).not.toContain('removed the hook command');
    expect(readdirSync(path.join(home, '.agentstats', 'bin'))).toEqual(versions);
    expect(uninstall('gemini-cli')).toContain(`removed the hook command ${path.join(home, '.agentstats', 'bin', versions[0])}`);
    expect(existsSync(path.join(home, '.agentstats', 'bin'))).toBe(false);
  });

  it('keeps an older version a settings file still refers to', () => {
    const home = makeTempDir('agentstats-stable-old-');
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const old = path.join(home, '.agentstats', 'bin', '0.0.9-0123456789');
    mkdirSync(old, { recursive: true });
    const project = path.join(home, 'proj');
    mkdirSync(path.join(project, '.claude'), { recursive: true });
    const run = (args: string[]) => spawnSync('bash', [path.join(ROOT, 'hooks', 'claude-code', 'install.sh'), ...args], { env, encoding: 'utf8' });
    expect(run(['--project', project]).status).toBe(0);
    // Pretend the project was installed by an older release.
    const file = path.join(project, '.claude', 'settings.json');
    const current = readdirSync(path.join(home, '.agentstats', 'bin')).find((n) => n !== '0.0.9-0123456789')!;
    const text = readFileSync(file, 'utf8').replaceAll(current, '0.0.9-0123456789');
    writeFileSync(file, text);
    expect(run([]).status).toBe(0);
    const out = run(['--uninstall']).stdout;
    expect(out).toContain(`removed the hook command ${path.join(home, '.agentstats', 'bin', current)}`);
    expect(readdirSync(path.join(home, '.agentstats', 'bin'))).toEqual(['0.0.9-0123456789']);
  });
});
