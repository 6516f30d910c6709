/**
 * Installers never silently redirect a user's telemetry, say every change they make, and never
 * leave half an install behind: run as a user runs them (bash hooks/<agent>/install.sh) against a
 * temporary HOME.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from './helpers/server.js';

type Agent = 'claude-code' | 'codex' | 'gemini-cli';
const FILES: Record<Agent, string> = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  'gemini-cli': '.gemini/settings.json',
};

function install(agent: Agent, home: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [path.join(ROOT, 'hooks', agent, 'install.sh'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    encoding: 'utf8',
    cwd: home,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function homeWith(agent: Agent, settings: Record<string, unknown> | null) {
  const home = makeTempDir('agentstats-safety-');
  const file = path.join(home, FILES[agent]);
  mkdirSync(path.dirname(file), { recursive: true });
  if (settings) writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  return { home, file };
}

/** Nothing written anywhere: the settings bytes, no backup, no hook command copy, no state. */
function expectUntouched(home: string, file: string, bytes: string | null) {
  if (bytes === null) expect(existsSync(file)).toBe(false);
  else expect(readFileSync(file, 'utf8')).toBe(bytes);
  expect(readdirSync(path.dirname(file)).filter((n) => n.includes('agentstats'))).toEqual([]);
  expect(existsSync(path.join(home, '.agentstats', 'bin'))).toBe(false);
  expect(existsSync(path.join(home, '.agentstats', 'installer-state.json'))).toBe(false);
}

describe('--with-otel refuses to take telemetry away from where the user sends it', () => {
  const corp = 'https://otel.corp.example:4318';

  it('Claude Code: an OTEL_EXPORTER_OTLP_ENDPOINT of the user\'s is refused, named, and kept; --force replaces it, uninstall restores it', () => {
    const original = { model: 'opus', env: { OTEL_EXPORTER_OTLP_ENDPOINT: corp, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=ai' } };
    const { home, file } = homeWith('claude-code', original);
    const bytes = readFileSync(file, 'utf8');

    const refused = install('claude-code', home, ['--with-otel']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`env.OTEL_EXPORTER_OTLP_ENDPOINT in ${file} = "${corp}"`);
    expect(refused.stderr).toContain('Nothing was changed');
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).toContain('without --with-otel');
    expectUntouched(home, file, bytes);

    // Keeping theirs: the hooks alone install, and their telemetry settings stay as they were.
    const hooksOnly = install('claude-code', home);
    expect(hooksOnly.status, hooksOnly.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).env).toEqual(original.env);
    expect(install('claude-code', home, ['--uninstall']).status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(bytes);

    const forced = install('claude-code', home, ['--with-otel', '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`~ env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:3141" (was "${corp}")`);
    expect(JSON.parse(readFileSync(file, 'utf8')).env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:3141');
    const removed = install('claude-code', home, ['--uninstall']);
    expect(removed.stdout).toContain(`~ env.OTEL_EXPORTER_OTLP_ENDPOINT = "${corp}" (was "http://127.0.0.1:3141")`);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
  });

  it('Claude Code: a per-signal endpoint, a non-OTLP exporter and an endpoint in the environment are refused too', () => {
    const perSignal = homeWith('claude-code', { env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${corp}/v1/logs` } });
    const a = install('claude-code', perSignal.home, ['--with-otel']);
    expect(a.status).toBe(1);
    expect(a.stderr).toContain(`env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT in ${perSignal.file} = "${corp}/v1/logs"`);
    // --force points that signal at AgentStats too (it would otherwise win over the general endpoint).
    expect(install('claude-code', perSignal.home, ['--with-otel', '--force']).status).toBe(0);
    expect(JSON.parse(readFileSync(perSignal.file, 'utf8')).env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).toBe('http://127.0.0.1:3141/v1/logs');

    const consoleExporter = homeWith('claude-code', { env: { OTEL_METRICS_EXPORTER: 'console' } });
    const b = install('claude-code', consoleExporter.home, ['--with-otel']);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('env.OTEL_METRICS_EXPORTER');

    const inEnv = homeWith('claude-code', null);
    const c = install('claude-code', inEnv.home, ['--with-otel'], { OTEL_EXPORTER_OTLP_ENDPOINT: corp });
    expect(c.status).toBe(1);
    expect(c.stderr).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT in your environment = "${corp}"`);
    expectUntouched(inEnv.home, inEnv.file, null);

    // A value that already reaches AgentStats (other mount, localhost, trailing slash) is no conflict.
    const ours = homeWith('claude-code', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:3141/api/otel/' } });
    expect(install('claude-code', ours.home, ['--with-otel']).status).toBe(0);
  });

  it('Gemini CLI: telemetry.target "gcp" or another otlpEndpoint is refused and kept; --force replaces, uninstall restores', () => {
    for (const telemetry of [{ enabled: true, target: 'gcp' }, { enabled: true, target: 'local', otlpEndpoint: 'http://collector.lan:4317' }]) {
      const original = { theme: 'dark', telemetry };
      const { home, file } = homeWith('gemini-cli', original);
      const bytes = readFileSync(file, 'utf8');
      const refused = install('gemini-cli', home, ['--with-otel']);
      expect(refused.status).toBe(1);
      const [key, value] = 'otlpEndpoint' in telemetry ? ['otlpEndpoint', telemetry.otlpEndpoint] : ['target', 'gcp'];
      expect(refused.stderr).toContain(`telemetry.${key} in ${file} = "${value}"`);
      expect(refused.stderr).toContain('--force');
      expectUntouched(home, file, bytes);

      const forced = install('gemini-cli', home, ['--with-otel', '--force']);
      expect(forced.status, forced.stderr).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).telemetry).toMatchObject({ target: 'local', otlpEndpoint: 'http://127.0.0.1:3141' });
      expect(install('gemini-cli', home, ['--uninstall']).status).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(bytes);
    }
  });
});

describe('every change is printed', () => {
  it('install and uninstall list each event and each telemetry value they touch', () => {
    const { home, file } = homeWith('claude-code', { env: { OTEL_METRIC_EXPORT_INTERVAL: '30000' } });
    const result = install('claude-code', home, ['--with-otel']);
    expect(result.status, result.stderr).toBe(0);
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    const events = Object.keys(settings.hooks);
    expect(events.length).toBe(13);
    const hookLine = result.stdout.split('\n').find((l) => l.startsWith('  + hook on 13 events'))!;
    for (const event of events) expect(hookLine).toContain(event);
    expect(hookLine).toContain(settings.hooks.Stop[0].hooks[0].command);
    for (const [key, value] of Object.entries(settings.env)) {
      expect(result.stdout).toContain(key === 'OTEL_METRIC_EXPORT_INTERVAL' ? `~ env.${key} = "10000" (was "30000")` : `+ env.${key} = ${JSON.stringify(value)}`);
    }
    expect(result.stdout).toMatch(/\+ hook command copied to \S+\/\.agentstats\/bin\//);

    const removed = install('claude-code', home, ['--uninstall']);
    expect(removed.stdout).toContain('- AgentStats hook removed from 13 events');
    expect(removed.stdout).toContain('- env.CLAUDE_CODE_ENABLE_TELEMETRY removed (was "1")');
    expect(removed.stdout).toContain('~ env.OTEL_METRIC_EXPORT_INTERVAL = "30000" (was "10000")');
  });
});

describe('Codex installer', () => {
  it('an invalid config.toml with --with-otel changes nothing at all (not even hooks.json)', () => {
    const { home, file } = homeWith('codex', null);
    const toml = path.join(home, '.codex', 'config.toml');
    writeFileSync(toml, 'model = = "x"\n');
    const result = install('codex', home, ['--with-otel']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not valid TOML');
    expect(readFileSync(toml, 'utf8')).toBe('model = = "x"\n');
    expect(readdirSync(path.join(home, '.codex'))).toEqual(['config.toml']);
    expectUntouched(home, file, null);
  });

  it('tells the user to trust the hooks in Codex', () => {
    const { home } = homeWith('codex', null);
    const result = install('codex', home);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('/hooks');
    expect(result.stdout).toMatch(/trust/i);
  });
});
