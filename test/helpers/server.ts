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
  dir: string;
  dbPath: string;
  env: Record<string, string>;
  output(): string;
  get<T = any>(pathname: string): Promise<{ status: number; body: T }>;
  post<T = any>(pathname: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
  /** Stops and starts again on the same database (and port). */
  restart(): Promise<TestServer>;
  cleanup(): Promise<void>;
}

export function makeTempDir(prefix = 'agentstats-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function startTestServer(
  opts: { env?: Record<string, string>; dir?: string; port?: number } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? makeTempDir();
  const dbPath = path.join(dir, 'agentstats.db');
  const env: Record<string, string> = {
    AGENTSTATS_DB_PATH: dbPath,
    AGENTSTATS_PORT: String(opts.port ?? 0),
    AGENTSTATS_HOST: '127.0.0.1',
    AGENTSTATS_GRPC_PORT: 'off',
    AGENTSTATS_LOG_LEVEL: 'warn',
    AGENTSTATS_SPOOL_PATH: path.join(dir, 'hook-spool.jsonl'),
    HOME: dir,
    ...opts.env,
  };
  const child = spawn(process.execPath, [MAIN], {
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
  return handle(child, { dir, dbPath, env, port, output: () => output });
}

function handle(
  child: ChildProcess,
  s: { dir: string; dbPath: string; env: Record<string, string>; port: number; output: () => string },
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
    dir: s.dir,
    dbPath: s.dbPath,
    env: s.env,
    output: s.output,
    async get(pathname) {
      const res = await fetch(url + pathname);
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
      return startTestServer({ env: { ...s.env, AGENTSTATS_PORT: String(s.port) }, dir: s.dir, port: s.port });
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
