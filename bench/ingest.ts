/**
 * npm run bench:ingest — native ingest over HTTP against the real server, beside the raw store
 * rate of the same rows measured in the same run. See docs/benchmarks.md for results.
 *
 *   AGENTSTATS_BENCH_URL           target a running server (else one is started on a temp DB)
 *   AGENTSTATS_BENCH_MODE          batch | single                      --mode=
 *   AGENTSTATS_BENCH_EVENTS        measured events                     --events=
 *   AGENTSTATS_BENCH_WARMUP_EVENTS events sent first, not measured     --warmup=
 *   AGENTSTATS_BENCH_CONCURRENCY   keep-alive connections              --concurrency=
 *   AGENTSTATS_BENCH_BATCH_SIZE    events per batch request            --batch-size=
 *   AGENTSTATS_BENCH_SESSION_CARDINALITY  distinct sessions            --sessions=
 *   AGENTSTATS_BENCH_DUPLICATE_RATE       share of repeated events     --duplicate-rate=
 *   AGENTSTATS_BENCH_TIMEOUT_MS    per-request timeout                 --timeout-ms=
 * Also: --url= --json --preload=N (history written straight through the store first)
 * --preload-cache=DIR --random-ids (UUIDv4 instead of v7) --reference (raw store only)
 * --no-reference --seed=N --keep (keep the temp dir).
 *
 * Comparing two builds:
 *   --against=DIR  another checkout, built (`npx tsc -p tsconfig.json` there), e.g. a git worktree
 *                  of the commit before a change. This client sends the same requests to each
 *                  build's server in turn (a fresh database each run, A-B-B-A order) and prints each
 *                  round's events/s, server CPU per 1k events and ratio, and the median ratio.
 *   --rounds=N     rounds of the comparison (default 4: even, so each build goes first as often);
 *                  no reference or bare insert runs then. The run fails if either build answered
 *                  with errors or rejections, or the two stored different numbers of events.
 */
import os from 'node:os';
import path from 'node:path';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { validateEvent, type CanonicalEvent } from '../collector/core/event.js';
import { assertLoopbackUrl, OptionReader, parseFlags } from './lib/options.js';
import { ingestWorkload, type IdKind } from './lib/workload.js';
import { mainOf, makeTempDir, MAIN, ROOT, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { sendAll, type LoadResult } from './lib/load.js';
import { preload, referenceRun, type PreloadResult, type ReferenceResult } from './lib/store.js';
import { fmtInt, processCpuSeconds, round, threadCpuDelta, threadCpuSeconds } from './lib/stats.js';
import { alternate, ratioSummary, type RoundResult, type Side } from './lib/compare.js';
import { keepOnInterrupt } from './lib/interrupt.js';

const FLAGS = [
  'events', 'concurrency', 'batch-size', 'mode', 'warmup', 'sessions', 'duplicate-rate', 'timeout-ms', 'url', 'json',
  'preload', 'preload-days', 'preload-sessions-per-day', 'preload-cache', 'random-ids', 'reference', 'no-reference',
  'seed', 'keep', 'against', 'rounds', 'help',
] as const;

function readOptions(argv: string[]) {
  const flags = parseFlags(argv, FLAGS);
  const o = new OptionReader(flags);
  const E = 'AGENTSTATS_BENCH_';
  const ids: IdKind = o.bool('random-ids') ? 'v4' : 'v7';
  return {
    help: o.bool('help'),
    url: o.str('url', `${E}URL`),
    mode: o.choice('mode', `${E}MODE`, 'batch', ['batch', 'single'] as const),
    events: o.int('events', `${E}EVENTS`, 200_000, 1),
    warmup: o.int('warmup', `${E}WARMUP_EVENTS`, 10_000, 0),
    concurrency: o.int('concurrency', `${E}CONCURRENCY`, 20, 1, 1000),
    batchSize: o.int('batch-size', `${E}BATCH_SIZE`, 25, 1, 5000),
    sessions: o.int('sessions', `${E}SESSION_CARDINALITY`, 200, 1),
    duplicateRate: o.num('duplicate-rate', `${E}DUPLICATE_RATE`, 0, 0, 0.99),
    timeoutMs: o.int('timeout-ms', `${E}TIMEOUT_MS`, 30_000, 1),
    json: o.bool('json'),
    preload: o.int('preload', undefined, 0, 0),
    preloadDays: o.int('preload-days', undefined, 365, 1),
    preloadSessionsPerDay: o.int('preload-sessions-per-day', undefined, 50, 1),
    preloadCache: o.str('preload-cache'),
    ids,
    referenceOnly: o.bool('reference'),
    reference: !o.bool('no-reference'),
    seed: o.int('seed', undefined, 42, 0),
    keep: o.bool('keep'),
    against: o.str('against'),
    rounds: o.int('rounds', undefined, 4, 1, 100),
    roundsGiven: flags.has('rounds'),
  };
}
type Options = ReturnType<typeof readOptions>;

// Other work on a 2-core machine skews every number: the load average is reported with them.
const LOAD_AT_START = os.loadavg().map((l) => round(l, 2));

function log(opts: Options, line: string): void {
  // With --json, stdout carries only the result object.
  (opts.json ? process.stderr : process.stdout).write(line + '\n');
}

function bodiesFor(events: Array<Record<string, unknown>>, opts: Options): string[] {
  if (opts.mode === 'single') return events.map((e) => JSON.stringify(e));
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += opts.batchSize) {
    bodies.push(JSON.stringify({ events: events.slice(i, i + opts.batchSize) }));
  }
  return bodies;
}

function canonical(events: Array<Record<string, unknown>>): CanonicalEvent[] {
  const ctx = { now: () => new Date(), newId: () => uuidv7() };
  return events.map((e) => {
    const r = validateEvent(e, ctx);
    if (!r.ok) throw new Error(`workload event is invalid: ${JSON.stringify(r.errors)}`);
    return r.event;
  });
}

interface HttpRun {
  load: LoadResult;
  serverCpuSeconds: number | null;
  /** The server's CPU by thread over the measured run (main first, then the busiest others). */
  serverThreads: Array<{ thread: string; cpu_s: number }> | null;
  clientCpuSeconds: number;
  serverPid: number | null;
  eventsBefore: number | null;
}

async function httpRun(opts: Options, url: string, server: BenchServer | null, warm: string[], bodies: string[]): Promise<HttpRun> {
  const client = new BenchClient(url, opts.concurrency, opts.timeoutMs, process.env.AGENTSTATS_TOKEN ?? null);
  const pathname = opts.mode === 'batch' ? '/api/events/batch' : '/api/events';
  try {
    const health = await waitHealthy(client);
    if (warm.length > 0) {
      log(opts, `warm-up: ${fmtInt(opts.warmup)} events`);
      const w = await sendAll(client, pathname, warm, opts.concurrency, opts.mode);
      if (w.errors > 0) log(opts, `warm-up errors: ${JSON.stringify(w.errorKinds)}`);
    }
    log(opts, `measuring: ${fmtInt(opts.events)} events in ${fmtInt(bodies.length)} requests`);
    const cpu0 = server ? await processCpuSeconds(server.pid) : null;
    const threads0 = server ? await threadCpuSeconds(server.pid) : null;
    const client0 = process.cpuUsage();
    const load = await sendAll(client, pathname, bodies, opts.concurrency, opts.mode);
    const clientUsage = process.cpuUsage(client0);
    const cpu1 = server ? await processCpuSeconds(server.pid) : null;
    const threads1 = server ? await threadCpuSeconds(server.pid) : null;
    return {
      load,
      serverCpuSeconds: cpu0 !== null && cpu1 !== null ? round(cpu1 - cpu0, 2) : null,
      serverThreads: server && threads0 && threads1 ? threadCpuDelta(server.pid, threads0, threads1) : null,
      clientCpuSeconds: round((clientUsage.user + clientUsage.system) / 1e6, 2),
      serverPid: server?.pid ?? null,
      eventsBefore: typeof health.events === 'number' ? health.events : null,
    };
  } finally {
    client.close();
  }
}

function removeDb(dbPath: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(readHelp());
    return;
  }
  const target = opts.url ? assertLoopbackUrl(opts.url).origin : null;
  if (target && opts.preload > 0) throw new Error('--preload needs a server this benchmark starts itself (unset AGENTSTATS_BENCH_URL / --url)');

  if (opts.against && (target || opts.preload > 0 || opts.referenceOnly)) {
    throw new Error('--against starts both servers itself: it does not combine with --url, --preload or --reference');
  }
  if (!opts.against && opts.roundsGiven) throw new Error('--rounds goes with --against=DIR');
  if (opts.against && !existsSync(mainOf(opts.against))) {
    throw new Error(`${mainOf(opts.against)} is missing: build that checkout first (npx tsc -p tsconfig.json there)`);
  }

  log(opts, `generating ${fmtInt(opts.events + opts.warmup)} events (${opts.ids} ids, ${opts.sessions} sessions)`);
  const warmSet = ingestWorkload({ events: opts.warmup, sessions: opts.sessions, duplicateRate: 0, ids: opts.ids, seed: opts.seed + 1 });
  const runSet = ingestWorkload({ events: opts.events, sessions: opts.sessions, duplicateRate: opts.duplicateRate, ids: opts.ids, seed: opts.seed });
  const warmBodies = bodiesFor(warmSet.events, opts);
  const bodies = bodiesFor(runSet.events, opts);
  if (opts.against) {
    await compareBuilds(opts, opts.against, warmBodies, bodies);
    return;
  }

  const dir = makeTempDir();
  if (opts.keep) keepOnInterrupt(dir);
  const dbPath = path.join(dir, 'agentstats.db');
  let server: BenchServer | null = null;
  let pre: PreloadResult | null = null;
  let reference: ReferenceResult | null = null;
  let bare: ReferenceResult | null = null;
  let http: HttpRun | null = null;
  try {
    if (opts.preload > 0) {
      log(opts, `preloading ${fmtInt(opts.preload)} events straight through the store`);
      pre = preload(dbPath, {
        events: opts.preload,
        days: opts.preloadDays,
        sessionsPerDay: opts.preloadSessionsPerDay,
        ids: opts.ids,
        seed: opts.seed,
        cacheDir: opts.preloadCache,
        log: (l) => log(opts, l),
      });
      log(opts, `preload: ${fmtInt(pre.events)} events in ${round(pre.seconds, 1)} s${pre.fromCache ? ' (cached copy)' : ''}`);
    }
    if (opts.reference || opts.referenceOnly) {
      // Same starting state as the server's database: a copy of the preloaded file, or empty.
      const refPath = path.join(dir, 'reference.db');
      if (pre) copyFileSync(dbPath, refPath);
      log(opts, `reference: writing the same rows through BatchWriter.writeBatch (batch ${opts.batchSize})`);
      const warmCanon = canonical(warmSet.events);
      const runCanon = canonical(runSet.events);
      const batch = opts.mode === 'single' ? 1 : opts.batchSize;
      reference = referenceRun(refPath, warmCanon, runCanon, batch);
      removeDb(refPath);
      // The floor: the same rows into the events table alone (no rollups, sessions, claims).
      const barePath = path.join(dir, 'bare.db');
      if (pre) copyFileSync(dbPath, barePath);
      log(opts, `bare insert: the same rows into the events table only (batch ${batch})`);
      bare = referenceRun(barePath, warmCanon, runCanon, batch, true);
      removeDb(barePath);
    }
    if (!opts.referenceOnly) {
      if (!target) {
        server = await startServer(dbPath);
        log(opts, `server: pid ${server.pid} at ${server.url}, db ${dbPath}`);
      }
      http = await httpRun(opts, target ?? server!.url, server, warmBodies, bodies);
    }
  } finally {
    await server?.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(opts, `kept ${dir}`);
  }
  report(opts, runSet.repeats, pre, reference, bare, http, target);
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

async function sideRun(opts: Options, main: string, warm: string[], bodies: string[]): Promise<SideRun> {
  const dir = makeTempDir();
  const loadAtStart = round(os.loadavg()[0], 2);
  let server: BenchServer | null = null;
  try {
    server = await startServer(path.join(dir, 'agentstats.db'), {}, main);
    const run = await httpRun(opts, server.url, server, warm, bodies);
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

async function compareBuilds(opts: Options, against: string, warm: string[], bodies: string[]): Promise<void> {
  const mains: Record<Side, string> = { this: MAIN, against: mainOf(against) };
  log(opts, `comparing ${ROOT} with ${path.resolve(against)}: ${opts.rounds} round(s), the same client and requests for both`);
  const line = (r: SideRun) =>
    `${fmtInt(r.events_per_s)} events/s, ${r.server_cpu_per_1k ?? '?'} CPU-s per 1k, load ${r.load_at_start}` +
    (r.errors || r.rejected ? ` (${r.errors} errors, ${r.rejected} rejected)` : '');
  const rounds = await alternate(
    opts.rounds,
    (side) => sideRun(opts, mains[side], warm, bodies),
    (r) => r.events_per_s,
    (r) => log(opts, `round ${r.round}: this ${line(r.this)} | against ${line(r.against)} | ratio ${r.ratio}`),
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

function reportComparison(opts: Options, against: string, rounds: Array<RoundResult<SideRun>>): void {
  const summary = ratioSummary(rounds);
  const errors = rounds.reduce((n, r) => n + r.this.errors + r.against.errors, 0);
  const problem = comparisonProblem(rounds);
  if (problem) process.exitCode = 1;
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        benchmark: 'ingest-compare',
        machine: { cpus: os.availableParallelism(), node: process.version, loadavg_at_start: LOAD_AT_START },
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

function report(
  opts: Options,
  repeats: number,
  pre: PreloadResult | null,
  reference: ReferenceResult | null,
  bare: ReferenceResult | null,
  http: HttpRun | null,
  target: string | null,
): void {
  const l = http?.load;
  const eventsPerS = l ? opts.events / l.seconds : null;
  const result = {
    benchmark: 'ingest',
    machine: {
      cpus: os.availableParallelism(),
      cpu_model: os.cpus()[0]?.model ?? null,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadavg_at_start: LOAD_AT_START,
    },
    options: {
      mode: opts.mode, events: opts.events, warmup: opts.warmup, concurrency: opts.concurrency, batch_size: opts.batchSize,
      sessions: opts.sessions, duplicate_rate: opts.duplicateRate, timeout_ms: opts.timeoutMs, ids: opts.ids,
      preload: opts.preload, target: target ?? 'started',
    },
    preload: pre && { events: pre.events, seconds: round(pre.seconds, 1), from_cache: pre.fromCache, db_bytes: pre.bytes },
    http: l && {
      seconds: round(l.seconds, 3),
      events_per_s: Math.round(eventsPerS!),
      requests_per_s: Math.round(l.requests / l.seconds),
      latency_ms: l.latency.summary(),
      stored: l.stored,
      duplicates: l.duplicates,
      expected_duplicates: repeats,
      rejected: l.rejected,
      errors: l.errors,
      error_kinds: l.errorKinds,
      server_cpu_s: http.serverCpuSeconds,
      events_per_server_cpu_s: http.serverCpuSeconds ? Math.round(opts.events / http.serverCpuSeconds) : null,
      client_cpu_s: http.clientCpuSeconds,
      server_threads: http.serverThreads?.map((t) => ({ ...t, us_per_event: round((1e6 * t.cpu_s) / opts.events, 1) })) ?? null,
      events_stored_before: http.eventsBefore,
    },
    reference,
    bare_insert: bare,
    ratio_http_to_store: eventsPerS && reference ? round(eventsPerS / reference.events_per_s, 3) : null,
    ratio_http_to_bare_insert: eventsPerS && bare ? round(eventsPerS / bare.events_per_s, 3) : null,
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const out: string[] = [];
  out.push(
    `\nAgentStats ingest — ${opts.mode} mode, ${fmtInt(opts.events)} events (+${fmtInt(opts.warmup)} warm-up), batch ${opts.batchSize}, ` +
      `${opts.concurrency} connections, ${opts.sessions} sessions, ${opts.ids} ids, duplicate rate ${opts.duplicateRate}`,
  );
  out.push(
    `machine: ${result.machine.cpus} cores (${result.machine.cpu_model}), node ${process.version}, load average at start ` +
      `${LOAD_AT_START.join(' ')}; preloaded: ${fmtInt(opts.preload)} events`,
  );
  if (l && result.http) {
    const h = result.http;
    out.push(
      `HTTP       ${fmtInt(h.events_per_s)} events/s   ${fmtInt(h.requests_per_s)} requests/s   latency p50 ${h.latency_ms.p50} ms  ` +
        `p95 ${h.latency_ms.p95} ms  p99 ${h.latency_ms.p99} ms   (${h.seconds} s)`,
    );
    out.push(
      `           stored ${fmtInt(h.stored)}, duplicates ${fmtInt(h.duplicates)} (repeats sent ${fmtInt(repeats)}), ` +
        `rejected ${fmtInt(h.rejected)}, errors ${fmtInt(h.errors)}${h.errors ? ' ' + JSON.stringify(h.error_kinds) : ''}`,
    );
    if (h.server_cpu_s !== null) {
      out.push(
        `           CPU: server ${h.server_cpu_s} s (${Math.round((100 * h.server_cpu_s) / h.seconds)} % of a core, ` +
          `${fmtInt(h.events_per_server_cpu_s ?? 0)} events per CPU-second, ${round((1000 * h.server_cpu_s) / opts.events, 3)} CPU-s per 1k events), ` +
          `bench client ${h.client_cpu_s} s`,
      );
    }
    if (h.server_threads) {
      out.push(`           threads (CPU µs per event): ${h.server_threads.map((t) => `${t.thread} ${t.us_per_event}`).join(', ')}`);
    }
  }
  if (reference) {
    out.push(
      `reference  ${fmtInt(reference.events_per_s)} events/s   BatchWriter.writeBatch, batch ${opts.mode === 'single' ? 1 : opts.batchSize}, ` +
        `one process   batch p50 ${reference.batch_ms.p50} ms  p99 ${reference.batch_ms.p99} ms   (${reference.seconds} s, ` +
        `${fmtInt(reference.events / reference.cpu_s)} events per CPU-second)`,
    );
  }
  if (bare) {
    out.push(
      `bare       ${fmtInt(bare.events_per_s)} events/s   the same rows into the events table only, batch ${opts.mode === 'single' ? 1 : opts.batchSize}, ` +
        `one process   (${bare.seconds} s, ${fmtInt(bare.events / bare.cpu_s)} events per CPU-second, ${round((1000 * bare.cpu_s) / bare.events, 3)} CPU-s per 1k events)`,
    );
  }
  if (result.ratio_http_to_store !== null) out.push(`ratio      HTTP / raw store = ${Math.round(result.ratio_http_to_store * 100)} %`);
  if (result.ratio_http_to_bare_insert !== null) out.push(`ratio      HTTP / bare insert = ${Math.round(result.ratio_http_to_bare_insert * 100)} %`);
  process.stdout.write(out.join('\n') + '\n');
}

/** The usage text is this file's header comment (tsc keeps it in the built file). */
function readHelp(): string {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(new URL(import.meta.url), 'utf8'));
  return (m ? m[1].replace(/^ \* ?/gm, '') : '') + '\n';
}

main().catch((error) => {
  process.stderr.write(`bench:ingest: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
