/**
 * The three installers, run as a user runs them (bash hooks/<agent>/install.sh) against a
 * temporary HOME that already holds settings with unrelated hooks and settings: both present after
 * install, a second install changes no byte, uninstall gives back the original.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from './helpers/server.js';

const AGENT_FILES = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  'gemini-cli': '.gemini/settings.json',
} as const;
type Agent = keyof typeof AGENT_FILES;

function install(agent: Agent, home: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [path.join(ROOT, 'hooks', agent, 'install.sh'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    encoding: 'utf8',
    cwd: home,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function userSettings(agent: Agent): Record<string, unknown> {
  const userHook = { type: 'command', command: '~/bin/my-guard.sh', timeout: 3 };
  const base = {
    hooks: {
      PreToolUse: [{ matcher: 'Bash', hooks: [userHook] }],
      [agent === 'gemini-cli' ? 'AfterAgent' : 'Stop']: [{ hooks: [{ type: 'command', command: 'say done' }] }],
      Notification: [],
    },
  };
  if (agent === 'codex') return base; // Codex's hooks.json holds only "hooks".
  return { model: 'opus', theme: 'dark', permissions: { allow: ['Bash(ls:*)'] }, env: { MY_VAR: 'x' }, ...base };
}

function setup(agent: Agent, original: Record<string, unknown> | null = userSettings(agent)) {
  const home = makeTempDir('agentstats-install-');
  const file = path.join(home, AGENT_FILES[agent]);
  mkdirSync(path.dirname(file), { recursive: true });
  if (original) writeFileSync(file, JSON.stringify(original, null, 4) + '\n');
  return { home, file };
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const ourHandlers = (groups: Array<{ hooks: Array<Record<string, unknown>> }>) =>
  groups.flatMap((g) => g.hooks).filter((h) => String(h.command ?? h.url).match(/agentstats-hook\.(sh|cjs)|\/api\/hooks\//));

describe.each(Object.keys(AGENT_FILES) as Agent[])('%s installer', (agent) => {
  it('adds its hooks beside the user\'s, changes nothing the second time, and uninstalls to the original', () => {
    const original = userSettings(agent);
    const { home, file } = setup(agent, original);

    const first = install(agent, home);
    expect(first.status, first.stderr).toBe(0);
    const installed = read(file);
    // Every unrelated setting and hook is still there, untouched.
    for (const [key, value] of Object.entries(original)) if (key !== 'hooks') expect(installed[key]).toEqual(value);
    expect(installed.hooks.PreToolUse[0]).toEqual((original.hooks as any).PreToolUse[0]);
    const events = Object.keys(installed.hooks).filter((e) => ourHandlers(installed.hooks[e]).length === 1);
    expect(events).toContain('SessionStart');
    expect(events).toContain('SessionEnd');
    expect(events.length).toBeGreaterThanOrEqual(7);
    expect(readdirSync(path.dirname(file)).some((n) => n.includes('agentstats-backup'))).toBe(true);

    const bytes = readFileSync(file, 'utf8');
    const backups = readdirSync(path.dirname(file)).length;
    const second = install(agent, home);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already up to date');
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    expect(readdirSync(path.dirname(file)).length).toBe(backups);

    const removed = install(agent, home, ['--uninstall']);
    expect(removed.status, removed.stderr).toBe(0);
    // Edited in place, not re-serialised: the original bytes come back.
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(original, null, 4) + '\n');
  });

  it('honours AGENTSTATS_URL and never registers behaviour-changing events', () => {
    const { home, file } = setup(agent);
    expect(install(agent, home, [], { AGENTSTATS_URL: 'http://127.0.0.1:4999/' }).status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('127.0.0.1:4999');
    expect(text).not.toContain('127.0.0.1:3141');
    const hooks = read(file).hooks;
    for (const forbidden of ['WorktreeCreate', 'MessageDisplay', 'AfterModel', 'BeforeModel', 'BeforeToolSelection']) {
      expect(hooks[forbidden]).toBeUndefined();
    }
  });

  it('creates the file when there is none, and removes it again on uninstall', () => {
    const { home, file } = setup(agent, null);
    expect(install(agent, home).status).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(install(agent, home, ['--uninstall']).status).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a settings file that is not valid JSON and leaves it as it was', () => {
    const { home, file } = setup(agent, null);
    writeFileSync(file, '{ "hooks": { oops');
    const result = install(agent, home);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{ "hooks": { oops');
  });
});

describe('Claude Code installer options', () => {
  it('runs the hook command for every event by default, or native http hooks (not SessionStart) with --transport http', () => {
    const { home, file } = setup('claude-code');
    const first = install('claude-code', home);
    const command = read(file).hooks;
    for (const event of Object.keys(command)) {
      for (const handler of ourHandlers(command[event])) expect(handler.type).toBe('command');
    }
    expect(ourHandlers(command.PostToolUse)[0].command).toMatch(/^\/bin\/sh \S+\/\.agentstats\/bin\/[^/]+\/agentstats-hook\.sh claude-code$/);
    expect(first.stdout).not.toContain('NOTE: --transport http');

    const http = install('claude-code', home, ['--transport', 'http']);
    expect(http.stdout).toContain('NOTE: --transport http: events fired while AgentStats is down, restarting or overloaded are lost');
    const hooks = read(file).hooks;
    expect(ourHandlers(hooks.SessionStart)[0]).toMatchObject({ type: 'command' });
    expect(ourHandlers(hooks.PostToolUse)[0]).toEqual({ type: 'http', url: 'http://127.0.0.1:3141/api/hooks/claude-code', timeout: 2 });
    expect(http.stdout).toMatch(/~ earlier AgentStats hook replaced on 12 events \(.*\): now http POST http:\/\/127\.0\.0\.1:3141\/api\/hooks\/claude-code/);
  });

  it('replaces an earlier AgentStats handler (other URL, older script name) instead of adding a second', () => {
    const original = userSettings('claude-code');
    const old = { type: 'command', command: '/usr/bin/node /opt/agentstats/hooks/bin/agentstats-hook.mjs claude-code --url http://127.0.0.1:9999' };
    const withOld = { ...original, hooks: { ...(original.hooks as object), Stop: [{ hooks: [{ type: 'command', command: 'say done' }, old] }] } };
    const { home, file } = setup('claude-code', withOld);
    expect(install('claude-code', home).status).toBe(0);
    const stop = read(file).hooks.Stop;
    expect(stop[0]).toEqual({ hooks: [{ type: 'command', command: 'say done' }] });
    expect(ourHandlers(stop)).toEqual([{ type: 'command', command: expect.stringMatching(/agentstats-hook\.sh claude-code$/), timeout: 5 }]);
    expect(JSON.stringify(read(file))).not.toContain('9999');
  });

  it('writes the env block with --with-otel and restores a value the user had on uninstall', () => {
    const original = { ...userSettings('claude-code'), env: { MY_VAR: 'x', OTEL_METRIC_EXPORT_INTERVAL: '30000' } };
    const { home, file } = setup('claude-code', original);
    expect(install('claude-code', home, ['--with-otel']).status).toBe(0);
    expect(read(file).env).toEqual({
      MY_VAR: 'x',
      OTEL_METRIC_EXPORT_INTERVAL: '10000',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:3141',
      OTEL_LOGS_EXPORT_INTERVAL: '2000',
    });
    const bytes = readFileSync(file, 'utf8');
    install('claude-code', home, ['--with-otel']);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    install('claude-code', home, ['--uninstall']);
    expect(read(file)).toEqual(original);
  });

  it('installs into a project\'s .claude/settings.json with --project', () => {
    const { home } = setup('claude-code');
    const project = path.join(home, 'work', 'acme');
    mkdirSync(project, { recursive: true });
    expect(install('claude-code', home, ['--project', project]).status).toBe(0);
    const projectFile = path.join(project, '.claude', 'settings.json');
    expect(Object.keys(read(projectFile).hooks)).toContain('PreToolUse');
    expect(read(path.join(home, '.claude', 'settings.json'))).toEqual(userSettings('claude-code'));
    install('claude-code', home, ['--project', project, '--uninstall']);
    expect(existsSync(projectFile)).toBe(false);
  });
});

describe('Codex installer --with-otel', () => {
  const userToml = '# my codex config\nmodel = "gpt-5.1-codex"\n\n[projects."/home/dev/api"]\ntrust_level = "trusted"\n';

  it('adds a marked [otel] block with verbatim /v1 endpoints and removes it byte-exactly', () => {
    const { home } = setup('codex');
    const toml = path.join(home, '.codex', 'config.toml');
    writeFileSync(toml, userToml);
    expect(install('codex', home, ['--with-otel'], { AGENTSTATS_URL: 'http://127.0.0.1:3141' }).status).toBe(0);
    const text = readFileSync(toml, 'utf8');
    expect(text.startsWith(userToml)).toBe(true);
    expect(text).toContain('[otel]');
    expect(text).toContain('exporter = { otlp-http = { endpoint = "http://127.0.0.1:3141/v1/logs", protocol = "binary" } }');
    expect(text).toContain('metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:3141/v1/metrics", protocol = "binary" } }');
    install('codex', home, ['--with-otel'], { AGENTSTATS_URL: 'http://127.0.0.1:3141' });
    expect(readFileSync(toml, 'utf8')).toBe(text);
    // hooks/codex/README.md shows exactly what is written.
    const block = text.slice(text.indexOf('[otel]'), text.indexOf('# <<< agentstats otel'));
    expect(readFileSync(path.join(ROOT, 'hooks', 'codex', 'README.md'), 'utf8')).toContain(block);
    expect(install('codex', home, ['--uninstall']).status).toBe(0);
    expect(readFileSync(toml, 'utf8')).toBe(userToml);
  });

  const codexHomeWith = (text: string) => {
    const { home } = setup('codex');
    const toml = path.join(home, '.codex', 'config.toml');
    writeFileSync(toml, text);
    return { home, toml };
  };
  const ours = {
    exporter: { 'otlp-http': { endpoint: 'http://127.0.0.1:3141/v1/logs', protocol: 'binary' } },
    metrics_exporter: { 'otlp-http': { endpoint: 'http://127.0.0.1:3141/v1/metrics', protocol: 'binary' } },
  };

  it('adds the missing exporters inside the user\'s own [otel] table, reversibly', () => {
    const own = userToml.replace('\n\n[projects', '\n\n[otel]\nenvironment = "prod"\n\n[projects');
    const { home, toml } = codexHomeWith(own);
    const first = install('codex', home, ['--with-otel']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('exporter and metrics_exporter under your [otel] header');
    const text = readFileSync(toml, 'utf8');
    // Valid TOML in which the user's table now also holds our two exporters, and nothing else changed.
    expect(JSON.parse(JSON.stringify(parseToml(text)))).toEqual({
      model: 'gpt-5.1-codex',
      otel: { environment: 'prod', ...ours },
      projects: { '/home/dev/api': { trust_level: 'trusted' } },
    });
    expect(install('codex', home, ['--with-otel']).status).toBe(0);
    expect(readFileSync(toml, 'utf8')).toBe(text);
    expect(install('codex', home, ['--uninstall']).status).toBe(0);
    expect(readFileSync(toml, 'utf8')).toBe(own);
  });

  it('exits 3 with the exact lines to use when the user\'s [otel] sends elsewhere, keeping their value', () => {
    const own = userToml + '\n[otel]\nexporter = "none"\n';
    const { home, toml } = codexHomeWith(own);
    const result = install('codex', home, ['--with-otel']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('WARNING');
    expect(result.stderr).toContain('[otel] exporter does not send Codex\'s logs to http://127.0.0.1:3141/v1/logs');
    expect(result.stderr).toContain('    exporter = { otlp-http = { endpoint = "http://127.0.0.1:3141/v1/logs", protocol = "binary" } }');
    const otel = JSON.parse(JSON.stringify(parseToml(readFileSync(toml, 'utf8')))).otel;
    expect(otel).toEqual({ exporter: 'none', metrics_exporter: ours.metrics_exporter });
    // The hooks themselves were installed.
    expect(Object.keys(read(path.join(home, '.codex', 'hooks.json')).hooks)).toContain('SessionStart');
    expect(install('codex', home, ['--uninstall']).status).toBe(0);
    expect(readFileSync(toml, 'utf8')).toBe(own);
  });

  it('exits 3 and changes nothing when [otel] is written with dotted keys it cannot extend', () => {
    const own = userToml.replace('model =', 'otel.environment = "prod"\nmodel =');
    const { home, toml } = codexHomeWith(own);
    const result = install('codex', home, ['--with-otel']);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('lack exporter and metrics_exporter');
    expect(result.stderr).toContain(`    metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:3141/v1/metrics", protocol = "binary" } }`);
    expect(readFileSync(toml, 'utf8')).toBe(own);
  });

  it('leaves a user\'s [otel] that already reaches AgentStats alone, and refuses invalid TOML', () => {
    const own = `${userToml}\n[otel]\n${Object.entries(ours).map(([k, v]) => `${k} = { otlp-http = { endpoint = "${v['otlp-http'].endpoint}", protocol = "json" } }`).join('\n')}\n`;
    const { home, toml } = codexHomeWith(own);
    const result = install('codex', home, ['--with-otel']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(readFileSync(toml, 'utf8')).toBe(own);

    // The /api/otel mount, localhost and a trailing slash reach AgentStats just as well.
    const viaApi = own.replace(/http:\/\/127\.0\.0\.1:(\d+)\/v1\//g, 'http://localhost:$1/api/otel/v1/').replace(/\/logs"/, '/logs/"');
    expect(viaApi).not.toBe(own);
    writeFileSync(toml, viaApi);
    const api = install('codex', home, ['--with-otel']);
    expect(api.status, api.stderr).toBe(0);
    expect(api.stderr).toBe('');
    expect(readFileSync(toml, 'utf8')).toBe(viaApi);

    writeFileSync(toml, 'model = = "x"\n');
    const bad = install('codex', home, ['--with-otel']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('is not valid TOML');
    expect(readFileSync(toml, 'utf8')).toBe('model = = "x"\n');
  });

  it('honours CODEX_HOME', () => {
    const { home } = setup('codex', null);
    const codexHome = path.join(home, 'elsewhere');
    expect(install('codex', home, [], { CODEX_HOME: codexHome }).status).toBe(0);
    expect(Object.keys(read(path.join(codexHome, 'hooks.json')))).toEqual(['hooks']);
  });
});

describe('Gemini CLI installer --with-otel', () => {
  it('writes and removes the telemetry block, keeping the user\'s other telemetry keys', () => {
    const original = { ...userSettings('gemini-cli'), telemetry: { logPrompts: false } };
    const { home, file } = setup('gemini-cli', original);
    expect(install('gemini-cli', home, ['--with-otel']).status).toBe(0);
    expect(read(file).telemetry).toEqual({
      logPrompts: false,
      enabled: true,
      target: 'local',
      otlpEndpoint: 'http://127.0.0.1:3141',
      otlpProtocol: 'http',
    });
    const handler = ourHandlers(read(file).hooks.BeforeTool)[0];
    expect(handler).toMatchObject({ name: 'agentstats', type: 'command', timeout: 5000 });
    install('gemini-cli', home, ['--uninstall']);
    expect(read(file)).toEqual(original);
  });
});

describe('settings files with comments', () => {
  const commented = [
    '{',
    '  // my theme',
    '  "theme": "dark",',
    '  /* my own guard, keep it */',
    '  "hooks": {',
    '    "BeforeTool": [ { "hooks": [ { "type": "command", "command": "~/bin/guard.sh" } ] } ],',
    '    "Notification": []',
    '  },',
    '  "telemetry": { "logPrompts": false } // no prompts, ever',
    '}',
    '',
  ].join('\n');

  it('Gemini CLI (reads JSONC): keeps every comment and setting, is idempotent, and uninstalls to the same bytes', () => {
    const { home, file } = setup('gemini-cli', null);
    writeFileSync(file, commented);
    const first = install('gemini-cli', home, ['--with-otel']);
    expect(first.status, first.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    for (const comment of ['// my theme', '/* my own guard, keep it */', '// no prompts, ever']) expect(text).toContain(comment);
    // The user's one-line array keeps its line; our group follows it.
    expect(text).toContain('"BeforeTool": [ { "hooks": [ { "type": "command", "command": "~/bin/guard.sh" } ] },');
    const data = parseJsonc(text);
    expect(data.theme).toBe('dark');
    expect(data.telemetry).toEqual({ logPrompts: false, enabled: true, target: 'local', otlpEndpoint: 'http://127.0.0.1:3141', otlpProtocol: 'http' });
    expect(data.hooks.BeforeTool[0]).toEqual({ hooks: [{ type: 'command', command: '~/bin/guard.sh' }] });
    expect(ourHandlers(data.hooks.BeforeTool)).toHaveLength(1);
    expect(ourHandlers(data.hooks.Notification)).toHaveLength(1);

    const again = install('gemini-cli', home, ['--with-otel']);
    expect(again.stdout).toContain('already up to date');
    expect(readFileSync(file, 'utf8')).toBe(text);

    expect(install('gemini-cli', home, ['--uninstall']).status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(commented);
  });

  it.each(['claude-code', 'codex'] as const)('%s (reads strict JSON): refuses with a message naming the comments, changes nothing', (agent) => {
    const { home, file } = setup(agent, null);
    writeFileSync(file, commented);
    const result = install(agent, home);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has comments (first at line 2)');
    expect(result.stderr).toContain('Remove the comments');
    expect(readFileSync(file, 'utf8')).toBe(commented);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });
});
