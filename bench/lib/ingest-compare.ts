/**
 * bench:ingest --against=DIR: this build's client drives this build's server and another built
 * checkout's in turn (compare.ts), a fresh database each run, and reports each round and the median.
 * Both builds must have stored the same events without errors, or the comparison says so and fails.
 */
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { alternate, ratioSummary, type RoundResult, type Side } from './compare.js';
import { httpRun, type HttpRunOptions } from './http-run.js';
import { builtScript, makeTempDir, MAIN, ROOT, startServer, type BenchServer } from './server.js';
import { fmtInt, round } from './stats.js';

export interface CompareOptions extends HttpRunOptions {
  batchSize: number;
  sessions: number;
  rounds: number;
  json: boolean;
  /** The load averages when the benchmark started. */
  loadAtStart: number[];
}

/** One server run of a comparison: its own temp dir and database, stopped and removed after. */
interface SideRun {
  events_per_s: number;
  server_cpu_per_1k: number | null;
  latency_p50_ms: number;
  stored: number;
  duplicates: number;
  rejected: number;
  errors: number;
  load_at_start: number;
}

async function sideRun(opts: CompareOptions, main: string, warm: string[], bodies: string[], log: (line: string) => void): Promise<SideRun> {
  const dir = makeTempDir();
  const loadAtStart = round(os.loadavg()[0], 2);
  let server: BenchServer | null = null;
  try {
    server = await startServer(path.join(dir, 'agentstats.db'), {}, main);
    const run = await httpRun(opts, server.url, server, warm, bodies, log);
    return {
      events_per_s: Math.round(opts.events / run.load.seconds),
      server_cpu_per_1k: run.serverCpuSeconds === null ? null : round((1000 * run.serverCpuSeconds) / opts.events, 3),
      latency_p50_ms: run.load.latency.summary().p50,
      stored: run.load.stored,
      duplicates: run.load.duplicates,
      rejected: run.load.rejected,
      errors: run.load.errors,
      load_at_start: loadAtStart,
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function compareBuilds(opts: CompareOptions, against: string, warm: string[], bodies: string[], log: (line: string) => void): Promise<void> {
  const mains: Record<Side, string> = { this: MAIN, against: builtScript(against, 'main.js') };
  log(`comparing ${ROOT} with ${path.resolve(against)}: ${opts.rounds} round(s), the same client and requests for both`);
  const line = (r: SideRun) =>
    `${fmtInt(r.events_per_s)} events/s, ${r.server_cpu_per_1k ?? '?'} CPU-s per 1k, load ${r.load_at_start}` +
    (r.errors || r.rejected ? ` (${r.errors} errors, ${r.rejected} rejected)` : '');
  const rounds = await alternate(
    opts.rounds,
    (side) => sideRun(opts, mains[side], warm, bodies, log),
    (r) => r.events_per_s,
    (r) => log(`round ${r.round}: this ${line(r.this)} | against ${line(r.against)} | ratio ${r.ratio}`),
  );
  reportComparison(opts, against, rounds);
}

/** Why the comparison does not compare like with like, if it does not: every run must store the same events. */
function comparisonProblem(rounds: Array<RoundResult<SideRun>>): string | null {
  const runs = rounds.flatMap((r) => [r.this, r.against]);
  const failed = runs.reduce((n, r) => n + r.errors + r.rejected, 0);
  if (failed > 0) return `${failed} requests failed or events were rejected: a build that refuses work is not faster`;
  const stored = new Set(runs.map((r) => r.stored));
  if (stored.size > 1) return `the builds stored different numbers of events (${[...stored].join(', ')})`;
  return null;
}

function reportComparison(opts: CompareOptions, against: string, rounds: Array<RoundResult<SideRun>>): void {
  const summary = ratioSummary(rounds);
  const errors = rounds.reduce((n, r) => n + r.this.errors + r.against.errors, 0);
  const problem = comparisonProblem(rounds);
  if (problem) process.exitCode = 1;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        benchmark: 'ingest-compare',
        machine: { cpus: os.availableParallelism(), node: process.version, loadavg_at_start: opts.loadAtStart },
        options: { events: opts.events, warmup: opts.warmup, concurrency: opts.concurrency, batch_size: opts.batchSize, sessions: opts.sessions, rounds: opts.rounds },
        this: ROOT,
        against: path.resolve(against),
        rounds,
        ratio: summary,
        errors,
        problem,
      }) + '\n',
    );
    return;
  }
  process.stdout.write(
    `\nthis build / ${path.resolve(against)}: median ${summary.median}× (rounds ${summary.min}–${summary.max}×), ` +
      `${opts.rounds} rounds of ${fmtInt(opts.events)} events (+${fmtInt(opts.warmup)} warm-up), batch ${opts.batchSize}, ` +
      `${opts.concurrency} connections${errors ? `; ${errors} request errors` : ''}\n` +
      (problem ? `NOT COMPARABLE: ${problem}\n` : ''),
  );
}
