/**
 * SSE fan-out benchmark (npm run bench:sse, after npm run build):
 *  1. delivery latency, from just before POST /api/events/batch to the event parsed by each of N
 *     SSE clients (worker threads), p50/p99, at each rate (default 1,000 and 5,000 events/s);
 *  2. memory with one client that stops reading, while the healthy ones keep being measured,
 *     against a control run without it (each on a fresh server, so SQLite's cache is the same);
 *  3. the dashboard's gzipped JS size (dist/web).
 *
 *   node dist/bench/sse.js [--clients=50] [--rates=1000,5000] [--seconds=10] [--warmup=2]
 *                          [--stall-seconds=40] [--workers=5] [--batch-ms=10]
 * Only ever targets a server it starts itself on 127.0.0.1.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BenchClient, waitHealthy } from './lib/http.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, ROOT, startServer, type BenchServer } from './lib/server.js';
import { round, Samples } from './lib/stats.js';

const FLAGS = ['clients', 'rates', 'seconds', 'warmup', 'stall-seconds', 'workers', 'batch-ms'] as const;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WorkerReply {
  type: string;
  phases?: Record<string, Float64Array>;
  counts?: Record<string, number>;
  closed?: number;
  message?: string;
}

class ClientPool {
  private workers: Worker[] = [];
  private waiting = new Map<Worker, (reply: WorkerReply) => void>();

  async start(url: string, clients: number, threads: number): Promise<void> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sse-worker.js');
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads; i++) {
      const n = Math.floor(clients / threads) + (i < clients % threads ? 1 : 0);
      if (n === 0) continue;
      const worker = new Worker(script, { workerData: { url, clients: n } });
      this.workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.on('message', (m: WorkerReply) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'error') reject(new Error(m.message));
            else this.waiting.get(worker)?.(m);
          });
          worker.on('error', reject);
        }),
      );
    }
    await Promise.all(ready);
  }

  /** Every latency sample of a phase, from all clients, and how many events they received. */
  async collect(phase: string): Promise<{ samples: Samples; received: number; closed: number }> {
    const replies = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<WorkerReply>((resolve) => {
            this.waiting.set(w, resolve);
            w.postMessage({ type: 'collect' });
          }),
      ),
    );
    const samples = new Samples();
    let received = 0;
    let closed = 0;
    for (const r of replies) {
      for (const v of r.phases?.[phase] ?? []) samples.add(v);
      received += r.counts?.[phase] ?? 0;
      closed += r.closed ?? 0;
    }
    return { samples, received, closed };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Sends `rate` events/s in batches every `batchMs` for `seconds`; returns POST latencies. */
async function pump(client: BenchClient, rate: number, seconds: number, phase: string, batchMs: number) {
  const perBatch = Math.max(1, Math.round((rate * batchMs) / 1000));
  const acks = new Samples();
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  let behind = 0;
  let tick = 0;
  const start = now();
  while (now() - start < seconds * 1000) {
    const due = start + tick * batchMs;
    const wait = due - now();
    if (wait > 1) await sleep(wait - 0.5);
    tick++;
    if (inflight.size >= 64) {
      behind++;
      continue;
    }
    const t = now();
    const events = Array.from({ length: perBatch }, (_, i) => ({
      session_id: `bench-sse-${(sent + i) % 20}`,
      agent_type: (sent + i) % 3 === 0 ? 'codex' : 'claude_code',
      event_type: (sent + i) % 2 === 0 ? 'tool_use' : 'api_request',
      tool_name: (sent + i) % 2 === 0 ? 'Bash' : null,
      model: 'claude-sonnet-4-5',
      project: 'bench',
      status: 'success',
      duration_ms: 120,
      tokens_in: 1200,
      tokens_out: 300,
      metadata: { bench_t: t, bench_phase: phase },
    }));
    sent += perBatch;
    const p = client.request('POST', '/api/events/batch', JSON.stringify({ events })).then((r) => {
      if (r.status !== 200) throw new Error(`POST answered ${r.status}: ${r.body.slice(0, 200)}`);
      acks.add(now() - t);
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  return { sent, acks, behind, seconds: (now() - start) / 1000 };
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function uiSize(): { files: number; rawKb: number; gzipKb: number } {
  const dir = path.join(ROOT, 'dist', 'web', 'assets');
  let raw = 0;
  let gz = 0;
  let files = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const body = readFileSync(path.join(dir, name));
    raw += body.length;
    gz += gzipSync(body, { level: 9 }).length;
    files++;
  }
  return { files, rawKb: round(raw / 1024, 1), gzipKb: round(gz / 1024, 1) };
}

interface Env {
  clients: number;
  threads: number;
  batchMs: number;
}

/** A fresh server with `clients` healthy SSE clients; `fn` runs against it, then all is stopped. */
async function withServer<T>(env: Env, fn: (server: BenchServer, client: BenchClient, pool: ClientPool) => Promise<T>): Promise<T> {
  const dir = makeTempDir('agentstats-bench-sse-');
  let server: BenchServer | null = null;
  const pool = new ClientPool();
  let client: BenchClient | null = null;
  try {
    server = await startServer(path.join(dir, 'bench.db'), {
      AGENTSTATS_MAX_SSE_CLIENTS: String(env.clients + 10),
      AGENTSTATS_MAX_QUEUE_EVENTS: '1000000',
    });
    client = new BenchClient(server.url, 64, 60_000);
    await waitHealthy(client);
    await pool.start(`${server.url}/api/stream`, env.clients, env.threads);
    return await fn(server, client, pool);
  } finally {
    client?.close();
    await pool.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `seconds` at `rate` with the healthy clients, optionally plus one client that never reads.
 * Run twice (without, then with the stalled client) so the RSS difference is the stalled client's.
 */
async function stallRun(env: Env, rate: number, seconds: number, stalled: boolean) {
  return withServer(env, async (server, client, pool) => {
    const rss: number[] = [await rssMb(server.pid)];
    let req: http.ClientRequest | null = null;
    let stalledRes: http.IncomingMessage | null = null;
    if (stalled) {
      req = http.get(`${server.url}/api/stream`, { agent: false }, (res) => {
        stalledRes = res;
        res.pause(); // never reads again: the socket's buffers fill up
        res.on('error', () => {});
      });
      req.on('error', () => {});
    }
    const sampler = setInterval(() => void rssMb(server.pid).then((v) => rss.push(v)), 1000);
    const run = await pump(client, rate, seconds, 'stall', env.batchMs);
    clearInterval(sampler);
    rss.push(await rssMb(server.pid));
    await sleep(500);
    const { samples, received } = await pool.collect('stall');
    // A client that does not read cannot see the server hang up; reading now tells: a dropped
    // stream ends after what was buffered, a live one would go on replaying from the store.
    let disconnected: boolean | null = null;
    let bytes = 0;
    const res = stalledRes as http.IncomingMessage | null;
    if (res) {
      disconnected = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
        res.resume();
      });
    }
    req?.destroy();
    return {
      stalled_client: stalled,
      rss_start_mb: round(rss[0], 1),
      rss_max_mb: round(Math.max(...rss), 1),
      rss_end_mb: round(rss[rss.length - 1], 1),
      rss_every_5s_mb: rss.filter((_, i) => i % 5 === 0).map((v) => round(v, 0)),
      events_sent: run.sent,
      stalled_client_dropped: disconnected,
      stalled_client_received_mb: round(bytes / 1024 / 1024, 2),
      healthy_delivered: `${received}/${run.sent * env.clients}`,
      healthy_p50_ms: samples.summary().p50,
      healthy_p99_ms: samples.summary().p99,
      ack_p99_ms: run.acks.summary().p99,
    };
  });
}

async function main(): Promise<void> {
  const o = new OptionReader(parseFlags(process.argv.slice(2), FLAGS));
  const clients = o.int('clients', undefined, 50, 1, 5000);
  const rates = (o.str('rates') ?? '1000,5000').split(',').map(Number);
  if (rates.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000)) throw new Error('--rates must be integers between 1 and 100000');
  const seconds = o.num('seconds', undefined, 10, 1, 600);
  const warmup = o.num('warmup', undefined, 2, 0, 60);
  const stallSeconds = o.num('stall-seconds', undefined, 40, 0, 600);
  const env: Env = { clients, threads: o.int('workers', undefined, 5, 1, 64), batchMs: o.int('batch-ms', undefined, 10, 1, 1000) };
  console.log(`SSE benchmark: ${clients} clients in ${env.threads} worker threads, batches every ${env.batchMs} ms`);

  const results = await withServer(env, async (_server, client, pool) => {
    const rows: Array<Record<string, unknown>> = [];
    for (const rate of rates) {
      if (warmup > 0) await pump(client, rate, warmup, `warm${rate}`, env.batchMs);
      await pool.collect(`warm${rate}`);
      const run = await pump(client, rate, seconds, `r${rate}`, env.batchMs);
      await sleep(500); // let the last events arrive
      const { samples, received } = await pool.collect(`r${rate}`);
      const lat = samples.summary();
      const acks = run.acks.summary();
      const row = {
        rate,
        achieved_rate: Math.round(run.sent / run.seconds),
        delivered: `${received}/${run.sent * clients}`,
        p50_ms: lat.p50,
        p99_ms: lat.p99,
        max_ms: lat.max,
        ack_p50_ms: acks.p50,
        ack_p99_ms: acks.p99,
        sender_behind_ticks: run.behind,
      };
      rows.push(row);
      console.log(`rate ${rate}/s: delivery p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms; delivered ${row.delivered}; POST ack p50 ${acks.p50} ms, p99 ${acks.p99} ms`);
    }
    return rows;
  });

  const stall: Array<Record<string, unknown>> = [];
  if (stallSeconds > 0) {
    const rate = Math.max(...rates);
    for (const stalled of [false, true]) {
      const r = await stallRun(env, rate, stallSeconds, stalled);
      stall.push({ rate, seconds: stallSeconds, ...r });
      console.log(`${stalled ? 'with a client that stops reading' : 'control, no stalled client'} (${rate}/s, ${stallSeconds} s, ${r.events_sent} events): server RSS ${r.rss_start_mb} → max ${r.rss_max_mb} → end ${r.rss_end_mb} MB (every 5 s: ${r.rss_every_5s_mb.join(', ')}); healthy p50 ${r.healthy_p50_ms} ms, p99 ${r.healthy_p99_ms} ms, delivered ${r.healthy_delivered}; POST ack p99 ${r.ack_p99_ms} ms${stalled ? `; the stalled client ${r.stalled_client_dropped ? 'was disconnected' : 'was still connected'} (it had ${r.stalled_client_received_mb} MB waiting for it)` : ''}`);
    }
  }

  const ui = uiSize();
  console.log(`dashboard JS: ${ui.files} file(s), ${ui.rawKb} KB raw, ${ui.gzipKb} KB gzipped`);
  console.log(JSON.stringify({ bench: 'sse', clients, results, stall, ui }));
}

main().catch((error) => {
  console.error(`bench:sse failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
