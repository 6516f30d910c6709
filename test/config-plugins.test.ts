/**
 * Issue 9, plugins: a broken plugin (throws on import, wrong shape, bad config, throws in create()
 * or start(), a processor that cannot be created in the workers) stops start-up with a message
 * naming it and the exit code of its kind, and never half-runs: the HTTP server never listens and
 * what was already started is shut down (the database closed cleanly).
 * The configs are test/fixtures/plugins/*.jsonc; their modules are named relative to them.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ROOT, makeTempDir, runToExit } from './helpers/server.js';
import { CLI, layoutCodex } from './import-fixtures.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'plugins');
const config = (name: string) => path.join(FIXTURES, `${name}.jsonc`);

const CONFIG_ERROR = 78;
const START_FAILURE = 1;

/** Runs the real server with a fixture config until it exits by itself. */
async function startFailing(name: string, env: Record<string, string> = {}) {
  const dir = makeTempDir();
  const run = await runToExit({ dir, args: ['--config', config(name)], env: { AGENTSTATS_GRPC_PORT: '', ...env } });
  return { ...run, dir, dbPath: path.join(dir, 'agentstats.db') };
}

/** Neither the HTTP server nor anything else said it was listening for clients. */
function expectNeverListened(output: string) {
  expect(output).not.toMatch(/AgentStats listening on|Server listening at/);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('a plugin that cannot be loaded stops start-up before anything is created (exit 78)', () => {
  it('throws while it is imported: the message names the key, the module and the line that threw', async () => {
    const run = await startFailing('import-throws');
    expect(run.code).toBe(CONFIG_ERROR);
    expect(run.output).toContain(
      `agentstats: configuration error:\n  ${config('import-throws')}: receivers.boom.module: plugin ./import-throws.js could not be loaded: ` +
        `kaboom at import (${path.join(FIXTURES, 'import-throws.js')}:2:7)\n`,
    );
    expectNeverListened(run.output);
    expect(existsSync(run.dbPath)).toBe(false); // not even the database was opened
  });

  it('has the wrong shape: every missing or wrong part of the factory interface is listed', async () => {
    const run = await startFailing('wrong-shape');
    expect(run.code).toBe(CONFIG_ERROR);
    expect(run.output).toContain(
      `  ${config('wrong-shape')}: receivers.wrong.module: plugin ./wrong-shape.js is not a receiver factory: ` +
        'type must be a lower-case name; configSchema must be a JSON Schema object; needsHttp must be true or false\n',
    );
    expectNeverListened(run.output);
    expect(existsSync(run.dbPath)).toBe(false);
  });

  it('is given a bad config: checked against the plugin\'s own schema like a built-in, each key named', async () => {
    const run = await startFailing('bad-config');
    expect(run.code).toBe(CONFIG_ERROR);
    expect(run.output).toContain(
      `agentstats: configuration error:\n` +
        `  ${config('bad-config')}: receivers.probe.fial_at: unknown key; did you mean fail_at?\n` +
        `  ${config('bad-config')}: receivers.probe.fail_at: must be one of "none", "create", "start"\n`,
    );
    expectNeverListened(run.output);
    expect(existsSync(run.dbPath)).toBe(false);
  });

  it('is not there: a path with no file and a package that is not installed', async () => {
    const run = await startFailing('missing');
    expect(run.code).toBe(CONFIG_ERROR);
    expect(run.output).toContain(
      `  ${config('missing')}: receivers.gone.module: plugin ./no-such-plugin.js: no file at ${path.join(FIXTURES, 'no-such-plugin.js')} ` +
        "(a module path is relative to the config file's folder)\n",
    );
    expect(run.output).toContain(
      `  ${config('missing')}: receivers.pkg.module: plugin agentstats-receiver-not-installed: no package "agentstats-receiver-not-installed" ` +
        "is installed (looked in node_modules at and above the config file's folder, and in AgentStats' own): npm install it, or give a path such as ./plugins/x.js\n",
    );
  });

  it('--validate loads every plugin and reports the same problems without starting anything', async () => {
    const dir = makeTempDir();
    const run = await runToExit({ dir, args: ['--config', config('wrong-shape'), '--validate'], env: { AGENTSTATS_GRPC_PORT: '' } });
    expect(run.code).toBe(CONFIG_ERROR);
    expect(run.output).toContain('receivers.wrong.module: plugin ./wrong-shape.js is not a receiver factory: type must be a lower-case name;');
    const good = await runToExit({ dir, args: ['--config', config('start-throws'), '--validate'], env: { AGENTSTATS_GRPC_PORT: '' } });
    expect(good.code).toBe(0);
    expect(good.output).toContain('config OK');
    expect(good.output).toContain('receiver probe/first, receiver probe/second');
  });
});

describe('a plugin that fails once created stops start-up and what was started is shut down (exit 1)', () => {
  it('throws in create(): the id is named and the database, already open, is closed cleanly', async () => {
    const run = await startFailing('create-throws');
    expect(run.code).toBe(START_FAILURE);
    expect(run.output).toContain('agentstats: failed to start: receiver probe/broken: could not be created: kaboom at create\n');
    expectNeverListened(run.output);
    // The SQLite exporter was created first (downstream-first); closing checkpoints and removes the WAL.
    expect(existsSync(run.dbPath)).toBe(true);
    expect(existsSync(`${run.dbPath}-wal`)).toBe(false);
  });

  it('throws in start(): the OTLP/gRPC server and the first probe, already started, are shut down; HTTP never listens', async () => {
    const run = await startFailing('start-throws', { AGENTSTATS_GRPC_PORT: '0' });
    expect(run.code).toBe(START_FAILURE);
    expect(run.output).toContain('agentstats: failed to start: receiver probe/second: failed to start: kaboom at start\n');
    const grpc = /AgentStats OTLP\/gRPC listening on 127\.0\.0\.1:(\d+)/.exec(run.output);
    expect(grpc).not.toBeNull();
    const lines = run.output.split('\n');
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    // Started downstream-first in pipeline order, then shut down in reverse once probe/second failed.
    expect(at('probe probe/first started')).toBeGreaterThan(at('OTLP/gRPC listening'));
    expect(at('probe probe/first shut down')).toBeGreaterThan(at('probe probe/first started'));
    expect(at('probe probe/first shut down')).toBeLessThan(at('failed to start: receiver probe/second'));
    expectNeverListened(run.output);
    expect(existsSync(run.dbPath)).toBe(true);
    expect(existsSync(`${run.dbPath}-wal`)).toBe(false);
    expect(await refused(Number(grpc![1]))).toBe(true);
  });

  it('a processor plugin whose create() fails in the worker threads stops start-up instead of failing every batch', async () => {
    const run = await startFailing('failing-processor');
    expect(run.code).toBe(START_FAILURE);
    expect(run.output).toContain('agentstats: failed to start: processor failing: could not be created: kaboom in the worker\n');
    expectNeverListened(run.output);
    expect(existsSync(`${run.dbPath}-wal`)).toBe(false);
  });

  it('npm run import with that processor stops before it reads a file: exit 1, the processor named, nothing stored', async () => {
    // The import runs the chain in its parsing threads and starts no processor pool thread, so the
    // check that stops it is the parsing threads' own (receivers/files/chain.ts checkChain).
    const dir = makeTempDir();
    layoutCodex(path.join(dir, 'codex'));
    const configPath = path.join(dir, 'agentstats.jsonc');
    writeFileSync(
      configPath,
      JSON.stringify({
        processors: { failing: { module: path.join(FIXTURES, 'failing-processor.js') } },
        receivers: { files: { codex_dir: './codex' } },
        service: { pipelines: { events: { receivers: ['native'], processors: ['dedupe', 'failing'] } } },
      }),
    );
    const dbPath = path.join(dir, 'imported.db');
    const run = await runImport(['--config', configPath, '--db', dbPath, '--source', 'codex', '--json'], dir);
    expect(run.code).toBe(START_FAILURE);
    expect(run.stderr).toBe('import: receiver files: failed to start: processor failing: could not be created: kaboom in the worker\n');
    expect(run.stdout).toBe('');
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});

function runImport(args: string[], home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}
