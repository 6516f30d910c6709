/**
 * npm run bench:db-size — what an event costs on disk, where the bytes go, and what retention
 * gives back. Fills a temp database with N events of the realistic mix (a year of history, with
 * correlation keys as the receivers set them) through the store's own writer, reports file bytes
 * and pages in use per event and per table, then prunes to the last K days with the server's own
 * Pruner (transactions of prune_batch_rows, as the server runs them) and reports the prune rate, what each
 * pruned event leaves behind, and whether the next events reuse the freed pages.
 *
 *   --events=N      events written (default 200k)              AGENTSTATS_BENCH_EVENTS
 *   --days=D        days of history they span (default 365)
 *   --sessions-per-day=S  sessions a day the events spread over (default 50)
 *   --keep-days=K   retention_days of the prune (default 30)
 *   --prune-rows=R  rows per prune transaction (prune_batch_rows; default 1000)
 *   --refill=M      events written after the prune (default: as many as were pruned, at most 100k)
 *   --vacuum        VACUUM at the end and report the file then
 *   --seed=N --json --keep (keep the temp dir)
 */
import os from 'node:os';
import path from 'node:path';
import { readFileSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { CanonicalEvent } from '../collector/core/event.js';
import { apiRequestKey, promptKey, toolCallKey } from '../collector/core/correlation.js';
import { Pruner } from '../exporters/sqlite/retention.js';
import { tune } from '../exporters/sqlite/schema.js';
import { bytesByTable, usedBytes, vacuum } from '../exporters/sqlite/space.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir } from './lib/server.js';
import { openStore } from './lib/store.js';
import { historyChunks } from './lib/workload.js';
import { fmtInt, round, Samples } from './lib/stats.js';

const FLAGS = ['events', 'days', 'sessions-per-day', 'keep-days', 'prune-rows', 'refill', 'vacuum', 'seed', 'json', 'keep', 'help'] as const;
const DAY_MS = 86_400_000;

function readOptions(argv: string[]) {
  const o = new OptionReader(parseFlags(argv, FLAGS));
  return {
    help: o.bool('help'),
    events: o.int('events', 'AGENTSTATS_BENCH_EVENTS', 200_000, 1000),
    days: o.int('days', undefined, 365, 2),
    sessionsPerDay: o.int('sessions-per-day', undefined, 50, 1),
    keepDays: o.num('keep-days', undefined, 30, 0.001, 36500),
    pruneRows: o.int('prune-rows', undefined, 1000, 1, 1000),
    refill: o.int('refill', undefined, -1, 0),
    vacuum: o.bool('vacuum'),
    seed: o.int('seed', undefined, 42, 0),
    json: o.bool('json'),
    keep: o.bool('keep'),
  };
}

/** The keys the receivers give these event types, so the correlations table is as big as in use. */
function withKeys(e: CanonicalEvent): CanonicalEvent {
  let key: string | null = null;
  if (e.event_type === 'tool_use' && e.tool_use_id) key = toolCallKey(e.session_id, e.tool_use_id);
  else if (e.event_type === 'api_request' && e.request_id) key = apiRequestKey(e.request_id);
  else if (e.event_type === 'user_prompt' && e.prompt_id) key = promptKey(e.session_id, e.prompt_id);
  return key ? { ...e, correlation_key: key } : e;
}

async function fill(dbPath: string, events: number, days: number, sessionsPerDay: number, seed: number): Promise<number> {
  const store = openStore(dbPath);
  const started = performance.now();
  try {
    for (const chunk of historyChunks({ events, days, sessionsPerDay, ids: 'v7', seed, chunk: 5000 })) {
      store.writeBatch({ events: chunk.map(withKeys) });
    }
  } finally {
    store.close();
  }
  return (performance.now() - started) / 1000;
}

function snapshot(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return { file: statSync(dbPath).size, used: usedBytes(db), tables: bytesByTable(db) };
  } finally {
    db.close();
  }
}

function perEvent(bytes: number, events: number): number {
  return round(bytes / Math.max(1, events), 1);
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2));
  if (opts.help) {
    const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(new URL(import.meta.url), 'utf8'));
    process.stdout.write((m ? m[1].replace(/^ \* ?/gm, '') : '') + '\n');
    return;
  }
  const out = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + '\n');
  const dir = makeTempDir();
  const dbPath = path.join(dir, 'agentstats.db');
  try {
    // Other work on a 2-core machine skews the timings (not the sizes): say how busy it was.
    const load = os.loadavg().map((l) => round(l, 2));
    out(`load average ${load.join(' ')}; filling ${fmtInt(opts.events)} events over ${opts.days} days, ${opts.sessionsPerDay} sessions a day …`);
    const fillSeconds = await fill(dbPath, opts.events, opts.days, opts.sessionsPerDay, opts.seed);
    const full = snapshot(dbPath);
    out(`file ${fmtInt(full.file)} B, in use ${fmtInt(full.used)} B: ${perEvent(full.file, opts.events)} B/event (file), ${perEvent(full.used, opts.events)} B/event (in use)`);
    for (const [table, bytes] of Object.entries(full.tables)) out(`  ${table.padEnd(16)} ${fmtInt(bytes).padStart(14)} B  ${perEvent(bytes, opts.events)} B/event`);

    // Prune as the server does: one cutoff, steps of prune_batch_rows until nothing is left.
    const db = new Database(dbPath);
    tune(db); // the server's connection settings
    const pruner = new Pruner(db);
    const newest = Math.floor(Date.now() / DAY_MS) * DAY_MS; // the history ends yesterday
    const req = { olderThanMs: newest - opts.keepDays * DAY_MS, maxBytes: null, rows: opts.pruneRows };
    const steps = new Samples();
    let pruned = 0;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    for (;;) {
      const t0 = performance.now();
      const step = pruner.step(req);
      steps.add(performance.now() - t0);
      if (step.deleted === 0) break;
      pruned += step.deleted;
    }
    const pruneSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time varies far less than wall time with other work on the machine.
    const pruneCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const cpuMsPerStep = round((pruneCpuSeconds * 1000) / Math.max(1, steps.count - 1), 2);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const after = snapshot(dbPath);
    const kept = opts.events - pruned;
    out(`pruned ${fmtInt(pruned)} events older than ${opts.keepDays} days in ${steps.count - 1} transactions, ${round(pruneSeconds, 2)} s (${fmtInt(pruned / pruneSeconds)} events/s); step ms ${JSON.stringify(steps.summary())}; CPU ${round(pruneCpuSeconds, 2)} s, ${cpuMsPerStep} ms per step`);
    out(`in use ${fmtInt(after.used)} B (${fmtInt(full.used - after.used)} B freed, ${perEvent(full.used - after.used, pruned)} B per pruned event); file ${fmtInt(after.file)} B`);
    for (const [table, bytes] of Object.entries(after.tables)) out(`  ${table.padEnd(16)} ${fmtInt(bytes).padStart(14)} B`);
    const fingerprints = after.tables.pruned_events ?? 0;
    out(`left per pruned event: ${perEvent(fingerprints, pruned)} B of fingerprint (pruned_events)`);

    const refill = opts.refill >= 0 ? opts.refill : Math.min(pruned, 100_000);
    let refillResult: { events: number; fileGrowth: number; usedGrowth: number } | null = null;
    if (refill > 0) {
      // New events (another seed, the last day) into the freed pages.
      await fill(dbPath, refill, 2, opts.sessionsPerDay, opts.seed + 1);
      const again = snapshot(dbPath);
      refillResult = { events: refill, fileGrowth: again.file - after.file, usedGrowth: again.used - after.used };
      out(`refill ${fmtInt(refill)} events: file grew ${fmtInt(refillResult.fileGrowth)} B, pages in use grew ${fmtInt(refillResult.usedGrowth)} B (${perEvent(refillResult.usedGrowth, refill)} B/event)`);
    }

    let vacuumed: { seconds: number; file: number } | null = null;
    if (opts.vacuum) {
      const vdb = new Database(dbPath);
      const t0 = performance.now();
      vacuum(vdb);
      vdb.close();
      vacuumed = { seconds: round((performance.now() - t0) / 1000, 2), file: statSync(dbPath).size };
      out(`VACUUM: ${vacuumed.seconds} s, file ${fmtInt(vacuumed.file)} B`);
    }

    if (opts.json) {
      process.stdout.write(
        JSON.stringify({
          events: opts.events,
          load_at_start: load,
          fill_seconds: round(fillSeconds, 1),
          full: { ...full, bytes_per_event_file: perEvent(full.file, opts.events), bytes_per_event_used: perEvent(full.used, opts.events) },
          prune: { keep_days: opts.keepDays, pruned, kept, seconds: round(pruneSeconds, 2), cpu_s: round(pruneCpuSeconds, 2), cpu_ms_per_step: cpuMsPerStep, step_ms: steps.summary(), after },
          refill: refillResult,
          vacuum: vacuumed,
        }) + '\n',
      );
    }
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else out(`kept ${dir}`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench:db-size: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
