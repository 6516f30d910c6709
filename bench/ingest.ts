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
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { validateEvent, type CanonicalEvent } from '../collector/core/event.js';
import { assertLoopbackUrl, OptionReader, parseFlags } from './lib/options.js';
import { ingestWorkload, type IdKind } from './lib/workload.js';
import { assertBuilt, builtScript, makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { preload, referenceRun, type PreloadResult, type ReferenceResult } from './lib/store.js';
import { fmtInt, round } from './lib/stats.js';
import { httpRun, type HttpRun } from './lib/http-run.js';
import { compareBuilds } from './lib/ingest-compare.js';
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
  if (opts.against) assertBuilt(builtScript(opts.against, 'main.js'));

  log(opts, `generating ${fmtInt(opts.events + opts.warmup)} events (${opts.ids} ids, ${opts.sessions} sessions)`);
  const warmSet = ingestWorkload({ events: opts.warmup, sessions: opts.sessions, duplicateRate: 0, ids: opts.ids, seed: opts.seed + 1 });
  const runSet = ingestWorkload({ events: opts.events, sessions: opts.sessions, duplicateRate: opts.duplicateRate, ids: opts.ids, seed: opts.seed });
  const warmBodies = bodiesFor(warmSet.events, opts);
  const bodies = bodiesFor(runSet.events, opts);
  if (opts.against) {
    await compareBuilds({ ...opts, loadAtStart: LOAD_AT_START }, opts.against, warmBodies, bodies, (line) => log(opts, line));
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
      http = await httpRun(opts, target ?? server!.url, server, warmBodies, bodies, (line) => log(opts, line));
    }
  } finally {
    await server?.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(opts, `kept ${dir}`);
  }
  report(opts, runSet.repeats, pre, reference, bare, http, target);
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
