/**
 * npm run bench:hook — what one hook call costs the agent, measured as the agent pays it: from
 * spawning the installed command through `/bin/sh -c` (as the agents run command hooks) with a
 * real-shaped Claude Code PostToolUse body on stdin until it exits. Series:
 *   floor-node     `node -e ''`: the start-up no Node hook can go below
 *   floor-sh       `/bin/sh -c :` through the same outer shell: the start-up of any command hook
 *   sh-up          the default hook command (hooks/bin/agentstats-hook.sh: sh + curl), server up;
 *                  for Claude Code it returns once the event is on disk and delivers in the background
 *   sh-up-sync     the same, waiting for the delivery (AGENTSTATS_HOOK_SYNC=1; how Codex and Gemini run it)
 *   node-up        the Node hook command (agentstats-hook.cjs; the fallback without curl), server up
 *   http-up        Claude Code's native http hook (the old Claude default): one JSON POST
 *   sh-up-100k, node-up-100k   the same with a 100 KB tool output in the body
 *   sh-down, node-down         the server stopped: connection refused → spooled, then exit
 * The "up" series run interleaved (one call of each per round) and so do the "down" series, so a
 * change in machine load hits every series alike. Every stored and spooled event is counted.
 * Options: --calls=N (AGENTSTATS_BENCH_HOOK_CALLS, default 200), --warmup=N (default 10), --json.
 * Results: docs/hooks.md, docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTempDir, ROOT, startServer } from './lib/server.js';

const SH_HOOK = path.join(ROOT, 'hooks', 'bin', 'agentstats-hook.sh');
const NODE_HOOK = path.join(ROOT, 'hooks', 'bin', 'agentstats-hook.cjs');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const COMMANDS = {
  'floor-node': `${quote(process.execPath)} -e ''`,
  'floor-sh': '/bin/sh -c :',
  sh: `/bin/sh ${quote(SH_HOOK)} claude-code`,
  node: `${quote(process.execPath)} ${quote(NODE_HOOK)} claude-code`,
};

function option(name: string, envName: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = flag ? flag.slice(name.length + 3) : process.env[envName];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

/** Runs one command hook the way the agents do (`sh -c`), body on stdin; resolves its wall time in ms. */
function runHook(command: string, input: string, env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || output !== '') reject(new Error(`${command} exited with ${code}, printed ${JSON.stringify(output)}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
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

type Once = (i: number) => Promise<number>;

/** Runs the series interleaved: warm-up rounds, then `calls` rounds of one call each. */
async function interleaved(series: Record<string, Once>, calls: number, warmup: number) {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(series).map((name) => [name, []]));
  for (let i = -warmup; i < calls; i++) {
    for (const [name, once] of Object.entries(series)) {
      const ms = await once(i);
      if (i >= 0) samples[name].push(ms);
    }
  }
  return Object.entries(samples).map(([name, s]) => summary(name, s));
}

async function main(): Promise<void> {
  const calls = option('calls', 'AGENTSTATS_BENCH_HOOK_CALLS', 200);
  const warmup = option('warmup', 'AGENTSTATS_BENCH_HOOK_WARMUP', 10);
  const json = process.argv.includes('--json');
  const fixture = JSON.parse(readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', 'claude-code.json'), 'utf8')) as Array<Record<string, unknown>>;
  const post = fixture.find((b) => b.hook_event_name === 'PostToolUse');
  const big = 'x'.repeat(100 * 1024);
  const body = (tag: string, i: number, large = false) =>
    JSON.stringify({ ...post, tool_use_id: `toolu_bench_${tag}_${i}`, ...(large ? { tool_response: { stdout: big } } : {}) });

  const dir = makeTempDir('agentstats-bench-hook-');
  const spoolPath = path.join(dir, 'hook-spool.jsonl');
  const spoolDir = path.join(dir, 'hook-spool.d');
  const server = await startServer(path.join(dir, 'agentstats.db'), { AGENTSTATS_SPOOL_PATH: spoolPath });
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AGENTSTATS_URL: server.url, AGENTSTATS_SPOOL_PATH: spoolPath };
  const syncEnv = { ...env, AGENTSTATS_HOOK_SYNC: '1' };
  const results = [];
  try {
    const up = {
      'floor-node': () => runHook(COMMANDS['floor-node'], '', env),
      'floor-sh': () => runHook(COMMANDS['floor-sh'], '', env),
      'sh-up': (i: number) => runHook(COMMANDS.sh, body('sh', i), env),
      'sh-up-sync': (i: number) => runHook(COMMANDS.sh, body('sh-sync', i), syncEnv),
      'node-up': (i: number) => runHook(COMMANDS.node, body('node', i), env),
      'http-up': (i: number) => postOnce(`${server.url}/api/hooks/claude-code`, body('http', i)),
      'sh-up-100k': (i: number) => runHook(COMMANDS.sh, body('sh-big', i, true), env),
      'node-up-100k': (i: number) => runHook(COMMANDS.node, body('node-big', i, true), env),
    };
    results.push(...(await interleaved(up, calls, warmup)));
    // Background deliveries may still be under way: wait for them (a few seconds at most).
    const storing = 6 * (calls + warmup);
    let stored = 0;
    for (let i = 0; i < 100 && stored !== storing; i++) {
      const stats = (await (await fetch(`${server.url}/api/hooks/stats`)).json()) as { stored: number };
      stored = stats.stored;
      if (stored !== storing) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (stored !== storing) throw new Error(`expected ${storing} stored hook events, got ${stored}`);
    if (readdirSync(spoolDir).length > 0) throw new Error('events were left in the spool with the server up');
    await server.stop();
    const down = {
      'sh-down': (i: number) => runHook(COMMANDS.sh, body('sh-down', i), env),
      'node-down': (i: number) => runHook(COMMANDS.node, body('node-down', i), env),
    };
    results.push(...(await interleaved(down, calls, warmup)));
    for (let i = 0; i < 100 && readdirSync(spoolDir).some((n) => n.startsWith('.')); i++) await new Promise((r) => setTimeout(r, 100));
    const spooled = readdirSync(spoolDir).filter((n) => !n.startsWith('.')).length;
    if (spooled !== 2 * (calls + warmup)) throw new Error(`expected ${2 * (calls + warmup)} spooled events, got ${spooled}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const load = os.loadavg().map((v) => v.toFixed(1)).join(' ');
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, Node ${process.version}, ${os.platform()}, load ${load}`;
  if (json) {
    process.stdout.write(JSON.stringify({ machine, calls, warmup, results }, null, 2) + '\n');
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
