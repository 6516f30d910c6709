/**
 * npm run bench:cli — the `agentstats` CLI against N stored events (default 5,000,000, the history
 * bench:query uses): each report and the statusline as a spawned process, end to end (Node start-up
 * included), through the running server's API and, with the server stopped, from the database
 * file; and, with --corpus, the importer re-parsing a generated history, to compare a report with
 * re-reading the history it summarises.
 *
 *   --events=N  --days=N --sessions-per-day=N   the stored history (as bench:query)
 *   --preload-cache=DIR    keep / reuse the filled database (same parameters)
 *   --runs=N               spawned runs per report (default 10), --statusline-runs=N (default 100)
 *   --corpus=DIR           a bench:gen-corpus history to time `npm run import` on (re-parse rate)
 *   --keep --json
 */
import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, ROOT, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { preload } from './lib/store.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const CLI = path.join(ROOT, 'dist', 'collector', 'cli', 'main.js');
const IMPORT = path.join(ROOT, 'dist', 'collector', 'import-main.js');

const flags = parseFlags(process.argv.slice(2), ['events', 'days', 'sessions-per-day', 'preload-cache', 'runs', 'statusline-runs', 'corpus', 'keep', 'json', 'seed']);
const o = new OptionReader(flags);
const opts = {
  events: o.int('events', undefined, 5_000_000, 0),
  days: o.int('days', undefined, 365, 1),
  sessionsPerDay: o.int('sessions-per-day', undefined, 50, 1),
  preloadCache: o.str('preload-cache'),
  runs: o.int('runs', undefined, 10, 1),
  statuslineRuns: o.int('statusline-runs', undefined, 100, 1),
  corpus: o.str('corpus'),
  seed: o.int('seed', undefined, 42, 0),
  keep: o.bool('keep'),
  json: o.bool('json'),
};

function log(line: string): void {
  (opts.json ? process.stderr : process.stdout).write(line + '\n');
}

/** One spawned CLI run: wall time from spawn to exit, and what it printed. */
function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ ms: number; stdout: string; code: number | null }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`agentstats ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, stdout, code });
    });
  });
}

async function series(args: string[], env: Record<string, string>, n: number, stdin = ''): Promise<{ summary: ReturnType<Samples['summary']>; sample: string }> {
  const s = new Samples();
  let sample = '';
  await runCli(args, env, stdin); // warm the page cache
  for (let i = 0; i < n; i++) {
    const r = await runCli(args, env, stdin);
    s.add(r.ms);
    sample = r.stdout;
  }
  return { summary: s.summary(), sample };
}

function reports(): Array<{ name: string; args: string[] }> {
  return [
    { name: 'daily, whole year, Asia/Kolkata', args: ['daily', '-z', 'Asia/Kolkata', '--json'] },
    { name: 'daily, last 30 days, table', args: ['daily', '-z', 'Europe/Berlin', '--since', new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)] },
    { name: 'daily --breakdown (per model), whole year', args: ['daily', '--breakdown', '-z', 'UTC'] },
    { name: 'weekly, whole year', args: ['weekly', '-z', 'UTC', '--json'] },
    { name: 'monthly, whole year', args: ['monthly', '-z', 'UTC', '--json'] },
    { name: 'monthly --project (one project)', args: ['monthly', '-z', 'UTC', '--project', '__PROJECT__'] },
    { name: 'session, last 7 days', args: ['session', '--since', new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10), '--json'] },
    { name: 'blocks (last 50)', args: ['blocks', '--json'] },
  ];
}

async function importRate(corpus: string, dir: string): Promise<{ seconds: number; events: number; eventsPerSecond: number }> {
  const home = makeTempDir('agentstats-bench-home-');
  const started = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)(process.execPath, [IMPORT, '--source', 'all', '--json'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(corpus, 'claude'),
      CODEX_HOME: path.join(corpus, 'codex'),
      AGENTSTATS_DB_PATH: path.join(dir, 'import.db'),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(home, { recursive: true, force: true });
  const events = (JSON.parse(stdout.trim().split('\n').pop()!) as { events: number }).events;
  return { seconds, events, eventsPerSecond: events / seconds };
}

async function main(): Promise<void> {
  const dir = makeTempDir();
  const dbPath = path.join(dir, 'agentstats.db');
  let server: BenchServer | null = null;
  const results: Array<{ name: string; path: 'api' | 'database'; latency_ms: ReturnType<Samples['summary']> }> = [];
  let stored: number;
  let reparse: Awaited<ReturnType<typeof importRate>> | null = null;
  try {
    if (opts.corpus) {
      log(`importing ${opts.corpus} (re-parse rate)`);
      reparse = await importRate(opts.corpus, dir);
      log(`import: ${fmtInt(reparse.events)} events in ${round(reparse.seconds, 2)} s = ${fmtInt(reparse.eventsPerSecond)} events/s`);
    }
    log(`preloading ${fmtInt(opts.events)} events`);
    preload(dbPath, { events: opts.events, days: opts.days, sessionsPerDay: opts.sessionsPerDay, ids: 'v7', seed: opts.seed, cacheDir: opts.preloadCache, log });
    server = await startServer(dbPath);
    const client = new BenchClient(server.url, 1, 600_000, null);
    const health = await waitHealthy(client);
    stored = Number(health.events);
    const projects = JSON.parse((await client.request('GET', '/api/filter-options')).body) as { projects: string[] };
    const sessions = JSON.parse((await client.request('GET', '/api/sessions?limit=1')).body) as { sessions: Array<{ session_id: string }> };
    client.close();
    const project = projects.projects[0] ?? 'none';
    const env = { HOME: dir, TZ: 'UTC', COLUMNS: '160' };
    const where = ['--url', server.url, '--db', dbPath];
    const stdin = JSON.stringify({ session_id: sessions.sessions[0]?.session_id ?? 'x', model: { display_name: 'Opus' } });

    for (const phase of ['api', 'database'] as const) {
      if (phase === 'database') {
        await server?.stop();
        server = null;
      }
      for (const r of reports()) {
        const args = [...r.args.map((a) => (a === '__PROJECT__' ? project : a)), ...where, '--source', phase === 'api' ? 'api' : 'db'];
        const m = await series(args, env, opts.runs);
        results.push({ name: r.name, path: phase, latency_ms: m.summary });
        log(`  ${phase} ${r.name}: p50 ${m.summary.p50} ms`);
      }
      const sl = phase === 'api' ? [['statusline (--source api)', 'api'], ['statusline (auto: the server first)', 'auto'], ['statusline (--source db: the database file)', 'db']] : [['statusline (server stopped: the database file)', 'auto']];
      for (const [name, source] of sl) {
        const m = await series(['statusline', ...where, '--source', source], env, opts.statuslineRuns, stdin);
        results.push({ name, path: phase, latency_ms: m.summary });
        log(`  ${name}: p50 ${m.summary.p50} ms, p95 ${m.summary.p95} ms — ${m.sample.trim()}`);
      }
    }
    const node = new Samples();
    for (let i = 0; i < opts.statuslineRuns; i++) {
      const started = process.hrtime.bigint();
      await promisify(execFile)(process.execPath, ['-e', '0']);
      node.add(Number(process.hrtime.bigint() - started) / 1e6);
    }
    results.push({ name: 'node -e 0 (Node start-up alone, for scale)', path: 'database', latency_ms: node.summary() });
  } finally {
    await server?.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }

  const machine = { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg().map((l) => round(l, 2)) };
  const reparseSeconds = reparse ? stored / reparse.eventsPerSecond : null;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ benchmark: 'cli-report', machine, options: opts, stored_events: stored, reparse: reparse && { ...reparse, seconds_for_stored: reparseSeconds }, results }) + '\n');
    return;
  }
  const lines = [
    `\nagentstats CLI — ${fmtInt(stored)} events stored; each run a spawned process, end to end (${opts.runs} runs per report, ${opts.statuslineRuns} per statusline)`,
    `machine: ${machine.cpus} cores (${machine.cpu_model}), node ${machine.node}, load ${machine.loadavg.join(' ')}`,
    reparse ? `importer re-parse: ${fmtInt(reparse.eventsPerSecond)} events/s → ${round(reparseSeconds!, 1)} s for ${fmtInt(stored)} events` : '(no --corpus: no re-parse comparison)',
    `${'command'.padEnd(48)} ${'path'.padEnd(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}${reparse ? '   × faster than re-parse (p50)' : ''}`,
  ];
  for (const r of results) {
    const ratio = reparseSeconds ? `   ${fmtInt((reparseSeconds * 1000) / r.latency_ms.p50)}×` : '';
    lines.push(`${r.name.padEnd(48)} ${r.path.padEnd(9)} ${String(r.latency_ms.p50).padStart(8)} ${String(r.latency_ms.p95).padStart(8)} ${String(r.latency_ms.max).padStart(8)}${ratio}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench:cli: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
