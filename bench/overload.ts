/**
 * Overload by large bodies (issue 10, point 7): many connections post ~1.2 MB batches as fast as
 * they can, far beyond what the server can store, while a prober times GET /api/health. Reports
 * the health latency, the server's RSS over time, how every request was answered (each refusal
 * must be a 503 with Retry-After), and whether every acknowledged event is stored.
 *
 *   npm run bench:overload -- [--seconds=60] [--connections=100] [--batch-kb=1200]
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BenchClient, waitHealthy } from './lib/http.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer } from './lib/server.js';
import { Samples, fmtInt, round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), ['seconds', 'connections', 'batch-kb', 'json']);
const o = new OptionReader(flags);
const seconds = o.num('seconds', 'AGENTSTATS_BENCH_SECONDS', 60, 1, 3600);
const connections = o.int('connections', 'AGENTSTATS_BENCH_CONCURRENCY', 100, 1, 1000);
const batchKb = o.int('batch-kb', undefined, 1200, 64, 16384);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/**
 * A native batch of about `kb` KiB: events of ~4 KiB each (metadata under the 10 KiB cut). Events
 * carry no event_id, so the server gives each a new one and one body can be sent again and again.
 */
function makeBatch(conn: number, kb: number): string {
  const n = Math.max(1, Math.round(kb / 4));
  const pad = 'x'.repeat(3800);
  const events = Array.from({ length: n }, () => {
    return {
      session_id: `overload-${conn}`,
      agent_type: 'bench',
      event_type: 'tool_use',
      tool_name: 'Bash',
      status: 'success',
      metadata: { pad },
    };
  });
  return JSON.stringify({ events });
}

/**
 * The health prober runs in its own thread: the load generator's event loop (megabytes of bodies
 * in flight) must not add its own delays to the latency measured.
 */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples = [];
const deadline = Date.now() + workerData.ms;
function once() {
  if (Date.now() >= deadline) { agent.destroy(); parentPort.postMessage(samples); return; }
  const t0 = process.hrtime.bigint();
  const req = http.get({ agent, host: '127.0.0.1', port: workerData.port, path: '/api/health' }, (res) => {
    res.resume();
    res.on('end', () => { samples.push(Number(process.hrtime.bigint() - t0) / 1e6); setTimeout(once, 50); });
  });
  req.on('error', () => { samples.push(Infinity); setTimeout(once, 50); });
}
once();
`;

function probeHealth(url: string, ms: number): Promise<number[]> {
  const worker = new Worker(PROBER, { eval: true, workerData: { port: Number(new URL(url).port), ms } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const dir = makeTempDir();
  const server = await startServer(path.join(dir, 'overload.db'));
  const load = new BenchClient(server.url, connections, 120_000);
  const probe = new BenchClient(server.url, 1, 30_000);
  try {
    await waitHealthy(probe);
    const statuses = new Map<number, number>();
    let refusalsWithoutRetryAfter = 0;
    let acknowledged = 0;
    let errors = 0;
    const health = new Samples();
    const rss: number[] = [];
    const deadline = Date.now() + seconds * 1000;

    const bodies = Array.from({ length: connections }, (_, i) => makeBatch(i, batchKb));
    const worker = async (conn: number) => {
      const body = bodies[conn];
      while (Date.now() < deadline) {
        try {
          const r = await load.request('POST', '/api/events/batch', body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) acknowledged += (JSON.parse(r.body) as { ids: string[] }).ids.length;
          else if (r.status === 503 && !r.headers['retry-after']) refusalsWithoutRetryAfter++;
          if (r.status === 503) await new Promise((res) => setTimeout(res, 50 + Math.random() * 100));
        } catch {
          errors++;
        }
      }
    };
    const prober = async () => {
      for (const ms of await probeHealth(server.url, seconds * 1000)) health.add(ms);
    };
    const sampler = async () => {
      while (Date.now() < deadline) {
        rss.push(rssMb(server.pid));
        await new Promise((res) => setTimeout(res, 1000));
      }
    };
    const started = Date.now();
    await Promise.all([...Array.from({ length: connections }, (_, i) => worker(i)), prober(), sampler()]);
    const elapsed = (Date.now() - started) / 1000;

    // Let the queue drain, then count what is stored.
    let stored = 0;
    for (let i = 0; i < 120; i++) {
      const h = JSON.parse((await probe.request('GET', '/api/health')).body) as { events: number; queue_depth: number };
      stored = h.events;
      if (h.queue_depth === 0) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    const result = {
      benchmark: 'overload',
      machine: { cpus: os.availableParallelism(), node: process.version },
      seconds: round(elapsed, 1),
      connections,
      batch_kb: batchKb,
      answers: Object.fromEntries([...statuses].sort()),
      refusals_without_retry_after: refusalsWithoutRetryAfter,
      client_errors: errors,
      acknowledged_events: acknowledged,
      stored_events: stored,
      lost: Math.max(0, acknowledged - stored),
      health_ms: health.summary(),
      rss_mb: { start: rss[0], max: Math.max(...rss), end: rss[rss.length - 1] },
    };
    if (flags.has('json')) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return;
    }
    process.stdout.write(
      [
        `\nOverload: ${connections} connections posting ~${batchKb} KB native batches for ${result.seconds} s (${result.machine.cpus} cores, node ${result.machine.node})`,
        `answers: ${Object.entries(result.answers).map(([s, n]) => `${s} × ${fmtInt(n)}`).join(', ')}; refusals without Retry-After: ${refusalsWithoutRetryAfter}; client errors: ${errors}`,
        `acknowledged events: ${fmtInt(acknowledged)}, stored: ${fmtInt(stored)}, lost: ${result.lost}`,
        `GET /api/health during the overload: p50 ${result.health_ms.p50} ms, p95 ${result.health_ms.p95} ms, p99 ${result.health_ms.p99} ms, max ${result.health_ms.max} ms (${health.count} probes)`,
        `server RSS: start ${result.rss_mb.start} MB, max ${result.rss_mb.max} MB, end ${result.rss_mb.end} MB`,
        '',
      ].join('\n'),
    );
  } finally {
    load.close();
    probe.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:overload failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
