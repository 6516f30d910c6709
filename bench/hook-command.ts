/**
 * npm run bench:hook — what one hook call costs the agent, measured as the agent pays it: from
 * spawning the hook command (node start-up included) with a real-shaped PostToolUse body on stdin
 * until it exits. Series, each run sequentially (an agent runs one event's hooks at a time):
 *   node-floor     `node -e ''`: the start-up cost no Node hook can go below
 *   command-up     hooks/bin/agentstats-hook.cjs against a running server (stored, then exit)
 *   http-up        Claude Code's native http hook: one JSON POST to /api/hooks/claude-code
 *   command-down   the hook command with the server stopped (connection refused → spool)
 * Options: --calls=N (AGENTSTATS_BENCH_HOOK_CALLS, default 200), --warmup=N (default 10), --json.
 * Results: docs/hooks.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTempDir, ROOT, startServer } from './lib/server.js';

const HOOK = path.join(ROOT, 'hooks', 'bin', 'agentstats-hook.cjs');

function option(name: string, envName: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = flag ? flag.slice(name.length + 3) : process.env[envName];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

function spawnOnce(args: string[], input: string | null, env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: [input === null ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    if (input !== null) child.stdin!.end(input);
  });
}

async function postOnce(url: string, body: string): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200 || text !== '') throw new Error(`hook post answered ${res.status} ${text}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function summary(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { series: name, calls: samples.length, median_ms: r(at(0.5)), p95_ms: r(at(0.95)), min_ms: r(sorted[0]), max_ms: r(sorted[sorted.length - 1]) };
}

async function series(name: string, calls: number, warmup: number, once: (i: number) => Promise<number>) {
  for (let i = 0; i < warmup; i++) await once(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) samples.push(await once(i));
  return summary(name, samples);
}

async function main(): Promise<void> {
  const calls = option('calls', 'AGENTSTATS_BENCH_HOOK_CALLS', 200);
  const warmup = option('warmup', 'AGENTSTATS_BENCH_HOOK_WARMUP', 10);
  const json = process.argv.includes('--json');
  const fixture = JSON.parse(readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', 'claude-code.json'), 'utf8')) as Array<Record<string, unknown>>;
  const post = fixture.find((b) => b.hook_event_name === 'PostToolUse');
  const body = (tag: string, i: number) => JSON.stringify({ ...post, tool_use_id: `toolu_bench_${tag}_${i}` });

  const dir = makeTempDir('agentstats-bench-hook-');
  const spoolPath = path.join(dir, 'hook-spool.jsonl');
  const server = await startServer(path.join(dir, 'agentstats.db'), { AGENTSTATS_SPOOL_PATH: spoolPath });
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AGENTSTATS_URL: server.url, AGENTSTATS_SPOOL_PATH: spoolPath };
  const results = [];
  try {
    results.push(await series('node-floor', calls, warmup, () => spawnOnce(['-e', ''], null, env)));
    results.push(await series('command-up', calls, warmup, (i) => spawnOnce([HOOK, 'claude-code'], body('up', i), env)));
    results.push(await series('http-up', calls, warmup, (i) => postOnce(`${server.url}/api/hooks/claude-code`, body('http', i))));
    const stats = (await (await fetch(`${server.url}/api/hooks/stats`)).json()) as { stored: number; spooled_by_server: number };
    if (stats.stored !== 2 * (calls + warmup)) throw new Error(`expected ${2 * (calls + warmup)} stored hook events, got ${stats.stored}`);
    await server.stop();
    results.push(await series('command-down', calls, warmup, (i) => spawnOnce([HOOK, 'claude-code'], body('down', i), env)));
    const spooled = readFileSync(spoolPath, 'utf8').trim().split('\n').length;
    if (spooled !== calls + warmup) throw new Error(`expected ${calls + warmup} spooled lines, got ${spooled}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, Node ${process.version}, ${os.platform()}`;
  if (json) {
    process.stdout.write(JSON.stringify({ machine, results }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`hook call cost (${machine}); ${calls} calls per series after ${warmup} warm-up\n\n`);
  process.stdout.write('| series | median ms | p95 ms | min ms | max ms |\n|---|---|---|---|---|\n');
  for (const r of results) process.stdout.write(`| ${r.series} | ${r.median_ms} | ${r.p95_ms} | ${r.min_ms} | ${r.max_ms} |\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:hook failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
