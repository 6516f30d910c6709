/**
 * npm run bench:budgets — what budgets cost: GET /api/budgets/status (the same rollup reads an
 * alert evaluation makes after a commit) with 12 budgets (day, week, month, 5-hour block × all
 * usage, one project, one agent), against GET /api/stats in the same run, with N events stored.
 *
 *   --events=N   events stored first (default 1M over --days=365)
 *   --requests=N timed requests per endpoint (default 200, after 20 warm-up)
 *   --preload-cache=DIR --seed=N --json
 */
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { BenchClient, waitHealthy } from './lib/http.js';
import { preload } from './lib/store.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), ['events', 'requests', 'days', 'preload-cache', 'seed', 'json']);
const o = new OptionReader(flags);
const opts = {
  events: o.int('events', undefined, 1_000_000, 0),
  requests: o.int('requests', undefined, 200, 1),
  days: o.int('days', undefined, 365, 1),
  preloadCache: o.str('preload-cache'),
  seed: o.int('seed', undefined, 42, 0),
  json: o.bool('json'),
};
const log = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + '\n');

async function measure(client: BenchClient, p: string): Promise<ReturnType<Samples['summary']>> {
  for (let i = 0; i < 20; i++) await client.request('GET', p);
  const samples = new Samples();
  for (let i = 0; i < opts.requests; i++) {
    const r = await client.request('GET', p);
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}: ${r.body.slice(0, 300)}`);
    samples.add(r.ms);
  }
  return samples.summary();
}

async function main(): Promise<void> {
  const dir = makeTempDir();
  const dbPath = path.join(dir, 'agentstats.db');
  let server: BenchServer | null = null;
  const results: Record<string, ReturnType<Samples['summary']>> = {};
  try {
    if (opts.events > 0) {
      log(`preloading ${fmtInt(opts.events)} events`);
      const pre = preload(dbPath, { events: opts.events, days: opts.days, sessionsPerDay: 50, ids: 'v7', seed: opts.seed, cacheDir: opts.preloadCache, log });
      log(`preload: ${fmtInt(pre.events)} events in ${round(pre.seconds, 1)} s${pre.fromCache ? ' (cached copy)' : ''}`);
    }
    server = await startServer(dbPath);
    const client = new BenchClient(server.url, 1, 120_000, null);
    try {
      await waitHealthy(client);
      const options = JSON.parse((await client.request('GET', '/api/filter-options')).body) as { projects: string[]; agent_types: string[] };
      const scopes = [{}, { project: options.projects[0] ?? 'p' }, { agent: options.agent_types[0] ?? 'claude_code' }];
      for (const period of ['day', 'week', 'month', 'block']) {
        for (const scope of scopes) {
          const body = JSON.stringify({ name: `${period} ${JSON.stringify(scope)}`, period, unit: 'usd', limit: 1e9, ...scope });
          const r = await client.request('POST', '/api/budgets', body);
          if (r.status !== 201) throw new Error(`POST /api/budgets answered ${r.status}: ${r.body}`);
        }
      }
      // Alternate A and B twice: the machine is shared and noisy.
      for (const round_ of [1, 2]) {
        results[`stats_${round_}`] = await measure(client, '/api/stats');
        results[`budgets_status_${round_}`] = await measure(client, '/api/budgets/status');
        log(`  round ${round_}: stats p50 ${results[`stats_${round_}`].p50} ms, budgets/status p50 ${results[`budgets_status_${round_}`].p50} ms`);
      }
    } finally {
      client.close();
    }
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model ?? null, node: process.version, loadavg: os.loadavg().map((l) => round(l, 2)) };
  if (opts.json) {
    process.stdout.write(JSON.stringify({ benchmark: 'budgets', machine, options: opts, results }) + '\n');
    return;
  }
  log(`\nAgentStats budgets — ${fmtInt(opts.events)} events over ${opts.days} days, 12 budgets, ${opts.requests} sequential requests`);
  log(`machine: ${machine.cpus} cores (${machine.cpu_model}), node ${machine.node}, load ${machine.loadavg.join(' ')}`);
  for (const [name, s] of Object.entries(results)) log(`${name.padEnd(18)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
