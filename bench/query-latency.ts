/**
 * npm run bench:query — read latency of the query API over HTTP against the real server, with
 * N events stored (default 5,000,000: a year of ~50 sessions a day, written straight through the
 * store before the server starts).
 *
 *   --events=N            events stored first (default 5M; 5M / 200k shorthands work)
 *   --requests=N          timed requests per endpoint (default 200), after --warmup=N (default 20)
 *   --days=N --sessions-per-day=N   shape of the history (default 365 and 50)
 *   --preload-cache=DIR   keep the filled database there and reuse it on the next run
 *   --url=URL             measure a running server instead (AGENTSTATS_BENCH_URL); no preload
 *   --random-ids --seed=N --keep --json
 */
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { assertLoopbackUrl, OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { preload, type PreloadResult } from './lib/store.js';
import type { IdKind } from './lib/workload.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), [
  'events', 'requests', 'warmup', 'days', 'sessions-per-day', 'preload-cache', 'url', 'random-ids', 'seed', 'keep', 'json',
]);
const o = new OptionReader(flags);
const ids: IdKind = o.bool('random-ids') ? 'v4' : 'v7';
const opts = {
  events: o.int('events', undefined, 5_000_000, 0),
  requests: o.int('requests', undefined, 200, 1),
  warmup: o.int('warmup', undefined, 20, 0),
  days: o.int('days', undefined, 365, 1),
  sessionsPerDay: o.int('sessions-per-day', undefined, 50, 1),
  preloadCache: o.str('preload-cache'),
  url: o.str('url', 'AGENTSTATS_BENCH_URL'),
  ids,
  seed: o.int('seed', undefined, 42, 0),
  keep: o.bool('keep'),
  json: o.bool('json'),
};

function log(line: string): void {
  (opts.json ? process.stderr : process.stdout).write(line + '\n');
}

/** The targets, where it sets one (ms, p50). */
const TARGETS: Record<string, number> = { stats: 50, cost: 50, cost_since_day_tz: 50, cost_day_kolkata: 50, cost_since_kolkata: 50, cost_project: 50, cost_filtered_since_kolkata: 50, sessions: 5 };

function endpoints(): Array<{ name: string; path: string }> {
  const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 30 * 86_400_000).toISOString();
  // Half past an hour: local midnight in India (UTC+5:30), where every day's cut falls inside an hour.
  const sinceHalf = new Date(Date.parse(since) + 1_800_000).toISOString();
  return [
    { name: 'stats', path: '/api/stats' },
    { name: 'cost', path: '/api/stats/cost' },
    { name: 'cost_since_day_tz', path: `/api/stats/cost?since=${encodeURIComponent(since)}&bucket=day&tz=Europe/Berlin` },
    { name: 'cost_day_kolkata', path: '/api/stats/cost?bucket=day&tz=Asia/Kolkata' },
    { name: 'cost_since_kolkata', path: `/api/stats/cost?since=${encodeURIComponent(sinceHalf)}&bucket=day&tz=Asia/Kolkata` },
    // Filtered (the combined rollup): a common project, and a rare project + model over 30 days in India.
    { name: 'cost_project', path: '/api/stats/cost?project=agentstats&bucket=day' },
    { name: 'cost_filtered_since_kolkata', path: `/api/stats/cost?project=billing&agent_type=claude_code&since=${encodeURIComponent(sinceHalf)}&bucket=day&tz=Asia/Kolkata` },
    { name: 'sessions', path: '/api/sessions?limit=50' },
    { name: 'events', path: '/api/events?limit=100' },
    // A tool in the middle of the frequency range: about 1 % of events.
    { name: 'events_by_tool', path: '/api/events?tool_name=WebFetch&limit=100' },
    { name: 'filter_options', path: '/api/filter-options' },
    { name: 'health', path: '/api/health' },
  ];
}

async function measure(client: BenchClient, path_: string): Promise<{ summary: ReturnType<Samples['summary']>; bytes: number; status: number }> {
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < opts.warmup; i++) await client.request('GET', path_);
  const samples = new Samples();
  for (let i = 0; i < opts.requests; i++) {
    const r = await client.request('GET', path_);
    if (r.status !== 200) throw new Error(`GET ${path_} answered ${r.status}: ${r.body.slice(0, 300)}`);
    samples.add(r.ms);
    bytes = r.body.length;
    status = r.status;
  }
  return { summary: samples.summary(), bytes, status };
}

async function main(): Promise<void> {
  const target = opts.url ? assertLoopbackUrl(opts.url).origin : null;
  const dir = makeTempDir();
  let server: BenchServer | null = null;
  let pre: PreloadResult | null = null;
  const results: Array<{ name: string; path: string; latency_ms: ReturnType<Samples['summary']>; bytes: number; target_p50_ms: number | null; ok: boolean | null }> = [];
  let storedEvents: unknown;
  try {
    if (!target) {
      const dbPath = path.join(dir, 'agentstats.db');
      if (opts.events > 0) {
        log(`preloading ${fmtInt(opts.events)} events straight through the store`);
        pre = preload(dbPath, {
          events: opts.events,
          days: opts.days,
          sessionsPerDay: opts.sessionsPerDay,
          ids: opts.ids,
          seed: opts.seed,
          cacheDir: opts.preloadCache,
          log,
        });
        log(`preload: ${fmtInt(pre.events)} events in ${round(pre.seconds, 1)} s${pre.fromCache ? ' (cached copy)' : ''}, ${fmtInt(pre.bytes / 1e6)} MB`);
      }
      server = await startServer(dbPath);
      log(`server: pid ${server.pid} at ${server.url}`);
    }
    const client = new BenchClient(target ?? server!.url, 1, 120_000, process.env.AGENTSTATS_TOKEN ?? null);
    try {
      const health = await waitHealthy(client);
      storedEvents = health.events;
      for (const e of endpoints()) {
        const m = await measure(client, e.path);
        const t = TARGETS[e.name] ?? null;
        results.push({ name: e.name, path: e.path, latency_ms: m.summary, bytes: m.bytes, target_p50_ms: t, ok: t === null ? null : m.summary.p50 <= t });
        log(`  ${e.name}: p50 ${m.summary.p50} ms`);
      }
    } finally {
      client.close();
    }
  } finally {
    await server?.stop();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }

  const machine = { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg().map((l) => round(l, 2)) };
  if (opts.json) {
    process.stdout.write(JSON.stringify({ benchmark: 'query-latency', machine, options: opts, stored_events: storedEvents, preload: pre, results }) + '\n');
    return;
  }
  const lines = [
    `\nAgentStats query latency — ${fmtInt(Number(storedEvents ?? 0))} events stored, ${opts.requests} sequential requests per endpoint over keep-alive HTTP`,
    `machine: ${machine.cpus} cores (${machine.cpu_model}), node ${machine.node}`,
    'endpoint              p50 ms    p95 ms    p99 ms   bytes    target',
  ];
  for (const r of results) {
    const verdict = r.target_p50_ms === null ? '' : `${r.ok ? 'ok' : 'MISSED'} (p50 ≤ ${r.target_p50_ms} ms)`;
    lines.push(
      `${r.name.padEnd(20)} ${String(r.latency_ms.p50).padStart(7)} ${String(r.latency_ms.p95).padStart(9)} ${String(r.latency_ms.p99).padStart(9)} ${fmtInt(r.bytes).padStart(8)}    ${verdict}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench:query: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
