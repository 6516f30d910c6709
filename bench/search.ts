/**
 * npm run bench:search — full-text search at scale, and what indexing costs ingest.
 *
 * 1. Indexing cost (in this process, same events, alternating runs): the storage's batch writer
 *    alone; the writer with the indexer's step inside the same transaction; the writer followed by
 *    the indexer's step in a transaction of its own (what the server does, after the commit).
 * 2. Search latency over HTTP against the real server with N events stored (default 5M, written
 *    straight through the store first); the server's indexer catches up at start (timed), then
 *    each query runs --requests times.
 *
 *   --events=N  --cost-events=N (default 200k)  --batch=N (default 1000)  --rounds=N (default 3)
 *   --requests=N (default 100)  --preload-cache=DIR  --skip-latency  --skip-cost  --json
 */
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { CanonicalEvent } from '../collector/core/event.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { openStore, preload } from './lib/store.js';
import { ingestWorkload, toCanonical } from './lib/workload.js';
import { Samples, fmtInt, round } from './lib/stats.js';
import { migrate, tune } from '../exporters/sqlite/schema.js';
import { Writer } from '../exporters/sqlite/writer.js';
import { SearchIndexer } from '../exporters/sqlite/search-index.js';

const flags = parseFlags(process.argv.slice(2), ['events', 'cost-events', 'batch', 'rounds', 'requests', 'preload-cache', 'skip-latency', 'skip-cost', 'json']);
const o = new OptionReader(flags);
const opts = {
  events: o.int('events', undefined, 5_000_000, 1000),
  costEvents: o.int('cost-events', undefined, 200_000, 1000),
  batch: o.int('batch', undefined, 1000, 1),
  rounds: o.int('rounds', undefined, 3, 1),
  requests: o.int('requests', undefined, 100, 1),
  preloadCache: o.str('preload-cache'),
  skipLatency: o.bool('skip-latency'),
  skipCost: o.bool('skip-cost'),
  json: o.bool('json'),
};
const log = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + '\n');

type Mode = 'writer' | 'in_transaction' | 'after_commit';

/** One run: the events written in batches on a fresh file; CPU seconds spent. */
function costRun(mode: Mode, events: CanonicalEvent[], dir: string): { seconds: number; us_per_event: number } {
  const file = path.join(dir, `cost-${mode}-${Date.now()}.db`);
  const db = new Database(file);
  tune(db);
  migrate(db);
  const writer = new Writer(db, { now: () => new Date(), idleAfterMs: 30 * 60_000 });
  const indexer = new SearchIndexer(db);
  const both = db.transaction((batch: CanonicalEvent[]) => {
    writer.writeBatch({ events: batch });
    indexer.step(batch.length);
  });
  // CPU time of this (single-threaded) process: steadier than wall time on a shared machine.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < events.length; i += opts.batch) {
    const batch = events.slice(i, i + opts.batch);
    if (mode === 'writer') writer.writeBatch({ events: batch });
    else if (mode === 'in_transaction') both.immediate(batch);
    else {
      writer.writeBatch({ events: batch });
      indexer.step(batch.length);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  db.close();
  rmSync(file, { force: true });
  rmSync(file + '-wal', { force: true });
  rmSync(file + '-shm', { force: true });
  return { seconds: round(seconds, 3), us_per_event: round((seconds * 1e6) / events.length, 2) };
}

function indexingCost(dir: string) {
  const created = new Date().toISOString();
  const mk = (n: number, seed: number) => ingestWorkload({ events: n, sessions: 200, duplicateRate: 0, ids: 'v7', seed }).events.map((e) => toCanonical(e, created));
  const events = mk(opts.costEvents, 7);
  costRun('writer', mk(20_000, 8), dir); // warm-up
  const runs: Record<Mode, number[]> = { writer: [], in_transaction: [], after_commit: [] };
  for (let r = 0; r < opts.rounds; r++) {
    for (const mode of ['writer', 'in_transaction', 'after_commit'] as const) {
      const res = costRun(mode, events, dir);
      runs[mode].push(res.us_per_event);
      log(`  round ${r + 1} ${mode}: ${res.us_per_event} CPU µs/event (${res.seconds} CPU s)`);
    }
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const w = median(runs.writer);
  return {
    events: opts.costEvents,
    batch: opts.batch,
    us_per_event: { writer: w, in_transaction: median(runs.in_transaction), after_commit: median(runs.after_commit) },
    overhead_pct: {
      in_transaction: round(((median(runs.in_transaction) - w) / w) * 100, 1),
      after_commit: round(((median(runs.after_commit) - w) / w) * 100, 1),
    },
    runs,
  };
}

/** Queries measured: a rare word, common words, a phrase from a file path, a prefix, filters. */
function queries(): Array<{ name: string; path: string }> {
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const q = (s: string, extra = '') => `/api/search?q=${encodeURIComponent(s)}&limit=50${extra}`;
  return [
    { name: 'common_tool', path: q('Bash') },
    { name: 'file_phrase', path: q('"module-123.ts"') },
    { name: 'two_words', path: q('agentstats handler') },
    { name: 'error_class', path: q('overloaded_error') },
    { name: 'rare_mcp_tool', path: q('sentry get_issue') },
    { name: 'prefix', path: q('mcp__lin*') },
    { name: 'no_match', path: q('zzzqqq') },
    { name: 'agent_filter', path: q('Read', '&agent_type=gemini_cli') },
    { name: 'since_30d', path: q('Edit', `&since=${encodeURIComponent(since)}`) },
    { name: 'page_2', path: q('Bash', '&cursor=4000000') },
  ];
}

async function latency(dir: string) {
  const dbPath = path.join(dir, 'agentstats.db');
  log(`preloading ${fmtInt(opts.events)} events`);
  const pre = preload(dbPath, { events: opts.events, days: 365, sessionsPerDay: 50, ids: 'v7', seed: 42, cacheDir: opts.preloadCache, log });
  // A cached database made by an older version migrates here (new indexes, backfills), not in the
  // server's start-up window.
  const migrating = performance.now();
  openStore(dbPath).close();
  log(`opened and migrated in ${round((performance.now() - migrating) / 1000, 1)} s`);
  let server: BenchServer | null = null;
  const results: Array<{ name: string; path: string; hits: number; latency_ms: ReturnType<Samples['summary']> }> = [];
  let catchUp: { seconds: number; events_per_s: number } | undefined;
  try {
    const started = performance.now();
    server = await startServer(dbPath);
    const client = new BenchClient(server.url, 1, 120_000);
    try {
      await waitHealthy(client, 600_000);
      // The index catches up on the writer thread: wait until nothing is pending.
      for (;;) {
        const r = await client.request('GET', '/api/search?q=zzzqqq&limit=1');
        const pending = (JSON.parse(r.body) as { pending: number }).pending;
        if (pending === 0) break;
        await new Promise((res) => setTimeout(res, 1000));
      }
      const seconds = (performance.now() - started) / 1000;
      catchUp = { seconds: round(seconds, 1), events_per_s: Math.round(pre.events / seconds) };
      log(`index caught up with ${fmtInt(pre.events)} events in ${catchUp.seconds} s (${fmtInt(catchUp.events_per_s)}/s, server start included)`);
      for (const q of queries()) {
        let hits = 0;
        for (let i = 0; i < 10; i++) await client.request('GET', q.path);
        const samples = new Samples();
        for (let i = 0; i < opts.requests; i++) {
          const r = await client.request('GET', q.path);
          if (r.status !== 200) throw new Error(`GET ${q.path}: ${r.status} ${r.body.slice(0, 200)}`);
          hits = (JSON.parse(r.body) as { hits: unknown[] }).hits.length;
          samples.add(r.ms);
        }
        results.push({ name: q.name, path: q.path, hits, latency_ms: samples.summary() });
        log(`  ${q.name}: p50 ${samples.summary().p50} ms, p95 ${samples.summary().p95} ms (${hits} hits)`);
      }
    } finally {
      client.close();
    }
  } finally {
    await server?.stop();
  }
  return { events: pre.events, db_bytes: pre.bytes, catch_up: catchUp, results };
}

async function main(): Promise<void> {
  const dir = makeTempDir();
  try {
    const cost = opts.skipCost ? null : indexingCost(dir);
    const lat = opts.skipLatency ? null : await latency(dir);
    const machine = { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg().map((l) => round(l, 2)) };
    if (opts.json) {
      process.stdout.write(JSON.stringify({ benchmark: 'search', machine, options: opts, cost, latency: lat }) + '\n');
      return;
    }
    const lines = [`\nAgentStats search — machine: ${machine.cpus} cores (${machine.cpu_model}), node ${machine.node}`];
    if (cost) {
      lines.push(`indexing cost, ${fmtInt(cost.events)} events in batches of ${cost.batch} (median of ${opts.rounds} alternating runs):`);
      lines.push(`  writer alone            ${cost.us_per_event.writer} CPU µs/event`);
      lines.push(`  + index in transaction  ${cost.us_per_event.in_transaction} CPU µs/event (+${cost.overhead_pct.in_transaction} %)`);
      lines.push(`  + index after commit    ${cost.us_per_event.after_commit} CPU µs/event (+${cost.overhead_pct.after_commit} %)`);
    }
    if (lat) {
      lines.push(`search over HTTP, ${fmtInt(lat.events)} events (index caught up in ${lat.catch_up?.seconds} s):`);
      lines.push('query            p50 ms   p95 ms   p99 ms   hits');
      for (const r of lat.results) {
        lines.push(`${r.name.padEnd(15)} ${String(r.latency_ms.p50).padStart(7)} ${String(r.latency_ms.p95).padStart(8)} ${String(r.latency_ms.p99).padStart(8)}   ${r.hits}`);
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:search: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
