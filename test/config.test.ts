/**
 * The collector assembled from config, seen from the command line a user types: every component's
 * testdata configs (good ones validate, bad ones stop start-up with the exact message), env
 * overrides with their source in --print-config, --help, a typo'd variable, a port in use, and the
 * importer running through the same service builder (its config's storage and processors).
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { CLI, layoutCodex } from './import-fixtures.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built server with these arguments and a clean environment; resolves when it exits. */
function run(args: string[], env: Record<string, string> = {}, cwd = makeTempDir()): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Starts the server, returns what it printed up to "listening on", and stops it. */
function firstLines(args: string[], env: Record<string, string> = {}): Promise<string> {
  const dir = makeTempDir();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, AGENTSTATS_GRPC_PORT: 'off', AGENTSTATS_DB_PATH: path.join(dir, 'x.db'), ...env },
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start-up line:\n${out}`));
    }, 15_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening on http') && out.endsWith('\n')) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        child.once('exit', () => resolve(out));
      }
    });
  });
}

const COMPONENT_DIRS = ['receivers', 'processors', 'exporters'].flatMap((kind) =>
  readdirSync(path.join(ROOT, kind), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(ROOT, kind, d.name, 'testdata')),
);

function testdataConfigs(kind: 'good' | 'bad'): string[] {
  return COMPONENT_DIRS.flatMap((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => n.startsWith(`config-${kind}`) && n.endsWith('.jsonc')).map((n) => path.join(dir, n));
  });
}

describe('component testdata configs', () => {
  it('every built-in component has a good config and at least one bad one', () => {
    for (const dir of COMPONENT_DIRS) {
      const names = readdirSync(dir);
      expect(names.some((n) => n.startsWith('config-good')), dir).toBe(true);
      expect(names.some((n) => n.startsWith('config-bad')), dir).toBe(true);
    }
  });

  it.each(testdataConfigs('good'))('%s validates', async (file) => {
    const result = await run(['--config', file, '--validate']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^config OK \(config file /);
  });

  it.each(testdataConfigs('bad'))('%s stops start-up with its message', async (file) => {
    const expected = /^\/\/ expect: (.*)$/m.exec(readFileSync(file, 'utf8'))![1];
    const result = await run(['--config', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file}: ${expected}`);
    expect(result.stdout).not.toContain('listening on');
  });
});

describe('the command line a newcomer tries', () => {
  it('--help lists the options', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--config', '--port', '--host', '--print-config', '--validate', '--log-format']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('--print-config shows each value with where it came from', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'agentstats.jsonc');
    writeFileSync(file, '{ // mine\n "processors": { "truncate": { "max_kb": 64 } },\n}\n');
    const result = await run(['--print-config', '--host', 'localhost'], { AGENTSTATS_PORT: '4000', AGENTSTATS_GRPC_PORT: 'off', AGENTSTATS_TOKEN: 'a-secret-token-of-32-characters!' }, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`config file ${file}`);
    expect(result.stdout).toMatch(/"port": 4000,\s+\/\/ env AGENTSTATS_PORT/);
    expect(result.stdout).toMatch(/"host": "localhost",\s+\/\/ flag --host/);
    expect(result.stdout).toMatch(/"max_kb": 64\s+\/\/ file /);
    expect(result.stdout).toMatch(/"grpc_port": "off",?\s+\/\/ env AGENTSTATS_GRPC_PORT/);
    expect(result.stdout).toMatch(/"session_timeout_minutes": 30,\s+\/\/ default/);
    // The token is set, and never printed.
    expect(result.stdout).toMatch(/"token": "<set>",\s+\/\/ env AGENTSTATS_TOKEN/);
    expect(result.stdout).not.toContain('a-secret-token');
  });

  it('warns about an AGENTSTATS_ variable that is not a setting, with the nearest name', async () => {
    const server = await startTestServer({ env: { AGENTSTATS_PROT: '4000' } });
    try {
      expect(server.output()).toContain('AGENTSTATS_PROT is not an AgentStats setting; did you mean AGENTSTATS_PORT?');
      expect((await server.get('/api/health')).status).toBe(200);
    } finally {
      await server.cleanup();
    }
  });

  it('a bad variable names itself and the key', async () => {
    const result = await run([], { AGENTSTATS_PORT: '70000' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('AGENTSTATS_PORT (service.http.port): must be <= 65535');
  });

  describe('a port in use', () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      port = (blocker.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('names the setting to change', async () => {
      const result = await run(['--port', String(port)], { AGENTSTATS_DB_PATH: path.join(makeTempDir(), 'x.db'), AGENTSTATS_GRPC_PORT: 'off' });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`--port (service.http.port): port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('AGENTSTATS_PORT');
    });
  });

  it('prints readable lines when asked (auto on a terminal) and JSON lines otherwise', async () => {
    const pretty = await firstLines(['--log-format', 'pretty']);
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: AgentStats listening on http:\/\/127\.0\.0\.1:\d+/m);
    expect(pretty).not.toMatch(/^\{/m);
    const json = await firstLines([], { AGENTSTATS_LOG_FORMAT: 'json' });
    const line = json.split('\n').find((l) => l.includes('AgentStats listening on'))!;
    expect(JSON.parse(line).msg).toMatch(/^AgentStats listening on http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('one service builder for npm start and npm run import', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.cleanup());

  it("imports through the config's pipeline: its storage path, its processors", async () => {
    // The config leaves the cost processor out: imported Codex calls then carry no cost, which
    // shows the import ran the config's chain, not a built-in one.
    const dir = makeTempDir();
    layoutCodex(path.join(dir, 'codex'));
    const config = path.join(dir, 'agentstats.jsonc');
    // No --db: the storage path comes from the config file, relative to it.
    writeFileSync(
      config,
      JSON.stringify({
        exporters: { sqlite: { path: path.relative(dir, server.dbPath) } },
        receivers: { files: { codex_dir: './codex' } },
        service: { pipelines: { events: { receivers: ['native'], processors: ['dedupe', 'truncate'], exporters: ['sqlite'] } } },
      }),
    );
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--config', config, '--source', 'codex', '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      timeout: 60_000,
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.stored).toBeGreaterThan(0);
    const events = (await server.get('/api/events?source=import&limit=1000')).body.events as Array<{ tokens_in: number | null; cost_usd: number | null }>;
    expect(events.length).toBe(summary.stored);
    const calls = events.filter((e) => e.tokens_in !== null);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((e) => e.cost_usd === null)).toBe(true);
  });
});
