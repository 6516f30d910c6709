/**
 * npm run bench:pipeline — what the piscina processor pool costs per batch, beside what the store's
 * transaction costs for the same batch. Runs the real pool (the built-in processor chain in worker
 * threads) and BatchWriter.writeBatch on a temp database, in one process.
 *
 *   --batches=N      batches per size (default 2000)
 *   --sizes=25,500   batch sizes to measure (default 1,25,100,500)
 *   --sessions=N     distinct sessions in the workload (default 200)
 *   --loop-events=N  events for the closed-loop run (default 100000; 0 skips it): the real Pipeline
 *                    (group commit + pool + store, no HTTP) fed by --connections=N submitters
 *                    (default 20) of --batch-size=N events (default 25)
 *   --json           one JSON object on stdout
 */
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../collector/config/index.js';
import { Pipeline } from '../collector/core/pipeline.js';
import { createProcessorPool } from '../collector/core/pool.js';
import { defaultConfig } from '../collector/service/default-config.js';
import { resolveComponents } from '../collector/service/resolve.js';
import { validateEvent, type CanonicalEvent } from '../collector/core/event.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { ingestWorkload } from './lib/workload.js';
import { makeTempDir } from './lib/server.js';
import { openStore } from './lib/store.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), ['batches', 'sizes', 'sessions', 'loop-events', 'connections', 'batch-size', 'json']);
const o = new OptionReader(flags);
const batchesPerSize = o.int('batches', undefined, 2000, 10);
const sessions = o.int('sessions', undefined, 200, 1);
const sizes = (o.str('sizes') ?? '1,25,100,500').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes must list positive integers, got "${s}"`);
  return n;
});
const json = o.bool('json');
const loopEvents = o.int('loop-events', undefined, 100_000, 0);
const connections = o.int('connections', undefined, 20, 1, 1000);
const loopBatch = o.int('batch-size', undefined, 25, 1, 5000);

function canonicalBatch(size: number, seed: number): CanonicalEvent[] {
  const ctx = { now: () => new Date(), newId: () => uuidv7() };
  return ingestWorkload({ events: size, sessions, duplicateRate: 0, ids: 'v7', seed }).events.map((e) => {
    const r = validateEvent(e, ctx);
    if (!r.ok) throw new Error('invalid workload event');
    return r.event;
  });
}

interface Row {
  size: number;
  pool_us: ReturnType<Samples['summary']>;
  store_us: ReturnType<Samples['summary']>;
  pool_us_per_event: number;
  store_us_per_event: number;
  pool_share: number;
}

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => void process.stderr.write(m + '\n'),
};

async function main(): Promise<void> {
  const dir = makeTempDir();
  // The default pipeline's processors, configured exactly as `npm start` runs them.
  const loaded = loadConfig({ defaults: defaultConfig(), env: {}, cwd: dir });
  const chain = loaded.config.service.pipelines.events.processors;
  const components = await resolveComponents(loaded);
  const specs = chain.map((id) => {
    const c = components.find((x) => x.kind === 'processor' && x.id === id)!;
    return { id, module: c.module, config: c.config, baseDir: dir };
  });
  const app = { workers: loaded.config.service.workers };
  const pool = createProcessorPool(specs, app.workers, silentLogger);
  const store = openStore(path.join(dir, 'bench.db'));
  const rows: Row[] = [];
  let loop: LoopResult | null = null;
  try {
    // Warm both sides (JIT, worker start, first pages).
    for (let i = 0; i < 200; i++) store.writeBatch({ events: (await pool.run(canonicalBatch(25, 1000 + i))).events });
    for (const size of sizes) {
      const pool_ = new Samples();
      const store_ = new Samples();
      const n = Math.max(10, Math.round((batchesPerSize * 25) / Math.max(25, size)));
      for (let i = 0; i < n; i++) {
        const batch = canonicalBatch(size, size * 100_000 + i);
        const t0 = performance.now();
        const { events: processed } = await pool.run(batch);
        const t1 = performance.now();
        store.writeBatch({ events: processed });
        const t2 = performance.now();
        pool_.add((t1 - t0) * 1000);
        store_.add((t2 - t1) * 1000);
      }
      const p = pool_.summary();
      const s = store_.summary();
      rows.push({
        size,
        pool_us: p,
        store_us: s,
        pool_us_per_event: round(p.p50 / size, 2),
        store_us_per_event: round(s.p50 / size, 2),
        pool_share: round(p.p50 / (p.p50 + s.p50), 3),
      });
    }
    if (loopEvents > 0) loop = await closedLoop(pool, store);
  } finally {
    await pool.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = { cpus: os.availableParallelism(), node: process.version, workers: app.workers };
  if (json) {
    process.stdout.write(JSON.stringify({ benchmark: 'pipeline', machine, rows, closed_loop: loop }) + '\n');
    return;
  }
  const lines = [
    `\nPipeline overhead — piscina round trip (processor chain in ${app.workers} worker) vs BatchWriter.writeBatch, per batch (µs)`,
    `machine: ${machine.cpus} cores, node ${machine.node}`,
    'batch   pool p50   pool p95   store p50   store p95   pool/event  store/event  pool share',
  ];
  for (const r of rows) {
    lines.push(
      [
        String(r.size).padStart(5),
        fmtInt(r.pool_us.p50).padStart(10),
        fmtInt(r.pool_us.p95).padStart(10),
        fmtInt(r.store_us.p50).padStart(11),
        fmtInt(r.store_us.p95).padStart(11),
        String(r.pool_us_per_event).padStart(11),
        String(r.store_us_per_event).padStart(12),
        `${Math.round(r.pool_share * 100)} %`.padStart(11),
      ].join(' '),
    );
  }
  if (loop) {
    lines.push(
      `closed loop (Pipeline.submit, no HTTP): ${fmtInt(loop.events_per_s)} events/s, ${connections} submitters × batch ${loopBatch}, ` +
        `${fmtInt(loop.groups)} groups of ${loop.mean_group_events} events on average`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

interface LoopResult {
  events_per_s: number;
  seconds: number;
  groups: number;
  mean_group_events: number;
}

/** The real Pipeline without HTTP: N submitters, each sending its next batch when the last is committed. */
async function closedLoop(pool: ReturnType<typeof createProcessorPool>, store: ReturnType<typeof openStore>): Promise<LoopResult> {
  const batches: CanonicalEvent[][] = [];
  for (let i = 0; i < loopEvents; i += loopBatch) batches.push(canonicalBatch(Math.min(loopBatch, loopEvents - i), 7_000_000 + i));
  let groups = 0;
  // Count groups: each one is one pool.run call.
  const countingPool = { run: (events: CanonicalEvent[]) => (groups++, pool.run(events)), close: () => pool.close() };
  const pipeline = new Pipeline({ pool: countingPool, writer: store, exporters: [], logger: silentLogger, maxQueueEvents: 10_000_000 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < batches.length) await pipeline.submit({ events: batches[next++] });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { events_per_s: Math.round(loopEvents / seconds), seconds: round(seconds, 3), groups, mean_group_events: Math.round(loopEvents / groups) };
}

main().catch((error) => {
  process.stderr.write(`bench:pipeline: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
