/**
 * Starts the real built server (node dist/collector/main.js) on an ephemeral loopback port with a
 * given SQLite file, and stops it by its PID. Run `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killOnInterrupt, removeOnInterrupt } from './interrupt.js';

/** The repository root (bench/lib/ compiles to dist/bench/lib/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** A built entry script of a checkout (its root): this one's, or another's that a benchmark compares with. */
export function builtScript(root: string, script: 'main.js' | 'import-main.js'): string {
  return path.join(path.resolve(root), 'dist', 'collector', script);
}
export const MAIN = builtScript(ROOT, 'main.js');

/** Stops with what to do if a checkout's script is not built. */
export function assertBuilt(script: string): void {
  if (existsSync(script)) return;
  throw new Error(script.startsWith(ROOT + path.sep) ? `${script} is missing: run npm run build first` : `${script} is missing: build that checkout first (npx tsc -p tsconfig.json there)`);
}

/** A new directory in the temp folder, removed if the benchmark is interrupted (interrupt.ts). */
export function makeTempDir(prefix = 'agentstats-bench-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  removeOnInterrupt(dir);
  return dir;
}

export interface BenchServer {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** @param main the server to start: this build's by default, or another checkout's (builtScript). */
export async function startServer(dbPath: string, extraEnv: Record<string, string> = {}, main = MAIN): Promise<BenchServer> {
  assertBuilt(main);
  const dir = path.dirname(dbPath);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AGENTSTATS_DB_PATH: dbPath,
    AGENTSTATS_PORT: '0',
    AGENTSTATS_HOST: '127.0.0.1',
    AGENTSTATS_GRPC_PORT: 'off',
    AGENTSTATS_LOG_LEVEL: 'warn',
    AGENTSTATS_SPOOL_PATH: path.join(dir, 'hook-spool.jsonl'),
    // Receivers that look for agent history under $HOME find an empty home.
    HOME: dir,
    ...extraEnv,
  };
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AGENTSTATS_') && !name.startsWith('AGENTSTATS_BENCH_') && !(name in env)) {
      env[name] = process.env[name]!;
    }
  }
  const nodeArgs = (process.env.AGENTSTATS_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnInterrupt(child);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running (the caller removes its directory next)
      reject(new Error(`server did not start within 120 s:\n${output}`));
    }, 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /AgentStats listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const pid = child.pid!;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(pid, 'SIGTERM');
        // A large WAL is checkpointed on shutdown; give it time before forcing.
        const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
