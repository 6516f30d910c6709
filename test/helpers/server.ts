/**
 * Starts the real built server (node dist/collector/main.js) on an ephemeral loopback port with a
 * SQLite file in a temp dir, and talks HTTP to it. Run `npm run build` first (npm test does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'collector', 'main.js');

export interface TestServer {
  url: string;
  port: number;
  /** The server process (for reading its memory from /proc). */
  pid: number;
  dir: string;
  dbPath: string;
  env: Record<string, string>;
  output(): string;
  get<T = any>(pathname: string, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  post<T = any>(pathname: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
  /** Stops and starts again on the same database (and port). */
  restart(): Promise<TestServer>;
  cleanup(): Promise<void>;
}

export function makeTempDir(prefix = 'agentstats-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface StartOptions {
  /** AGENTSTATS_* and other variables; an empty string unsets a default below (e.g. to let a config file's value stand). */
  env?: Record<string, string>;
  dir?: string;
  port?: number;
  /** Command-line arguments, e.g. ['--config', file]. */
  args?: string[];
}

/** The environment a test server runs with: its own temp dir for every file, loopback, quiet logs. */
function serverEnv(opts: StartOptions, dir: string): Record<string, string> {
  return {
    AGENTSTATS_DB_PATH: path.join(dir, 'agentstats.db'),
    AGENTSTATS_PORT: String(opts.port ?? 0),
    AGENTSTATS_HOST: '127.0.0.1',
    AGENTSTATS_GRPC_PORT: 'off',
    AGENTSTATS_LOG_LEVEL: 'warn',
    AGENTSTATS_SPOOL_PATH: path.join(dir, 'hook-spool.jsonl'),
    HOME: dir,
    ...opts.env,
  };
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? makeTempDir();
  const env = serverEnv(opts, dir);
  const dbPath = env.AGENTSTATS_DB_PATH || path.join(dir, 'agentstats.db');
  const args = opts.args ?? [];
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /AgentStats listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return handle(child, { dir, dbPath, env, args, port, output: () => output });
}

/**
 * Runs the server expecting it to stop by itself (a start-up that must fail, --validate,
 * --print-config): resolves with its exit code and everything it printed.
 */
export async function runToExit(opts: StartOptions = {}, timeoutMs = 15000): Promise<{ code: number | null; output: string }> {
  const dir = opts.dir ?? makeTempDir();
  const child = spawn(process.execPath, [MAIN, ...(opts.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...serverEnv(opts, dir) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    // 'close', not 'exit': by then everything the process printed has been read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function handle(
  child: ChildProcess,
  s: { dir: string; dbPath: string; env: Record<string, string>; args: string[]; port: number; output: () => string },
): TestServer {
  const url = `http://127.0.0.1:${s.port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url,
    port: s.port,
    pid: child.pid!,
    dir: s.dir,
    dbPath: s.dbPath,
    env: s.env,
    output: s.output,
    async get(pathname, headers = {}) {
      const res = await fetch(url + pathname, { headers });
      return { status: res.status, body: await parseBody(res) };
    },
    async post(pathname, body, headers = {}) {
      const res = await fetch(url + pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: await parseBody(res) };
    },
    stop,
    async restart() {
      await stop();
      // s.env holds AGENTSTATS_PORT=0 from the first start: pin the port that was bound.
      return startTestServer({ env: { ...s.env, AGENTSTATS_PORT: String(s.port) }, dir: s.dir, port: s.port, args: s.args });
    },
    async cleanup() {
      await stop();
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
}

async function parseBody(res: Response): Promise<any> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
