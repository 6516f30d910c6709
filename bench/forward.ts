/**
 * Forwarding (issue 13): what the `otlp` exporter costs local ingest, and what its queue costs in
 * memory while the target is down.
 *
 * 1. Ingest rate, forwarding off vs on, same run, alternated: two servers (A_off without the
 *    exporter, A_on forwarding http/protobuf + gzip to an OTLP sink in this process that answers
 *    200), each round posting the same native batches to both (order alternating), events/s each.
 * 2. Target down: the sink stops listening; both servers take the same steady load for --down
 *    seconds; their RSS is sampled every 2 s (the queue is the database, so A_on's memory should
 *    track A_off's). Then the sink comes back and the time to drain the backlog is measured.
 *
 *   npm run bench:forward -- [--rounds=6] [--batches=200] [--batch-size=100] [--connections=4]
 *                            [--down=60] [--down-rate=500]
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { BenchClient, waitHealthy } from './lib/http.js';
import { sendAll } from './lib/load.js';
import { OptionReader, parseFlags } from './lib/options.js';
import { makeTempDir, startServer, type BenchServer } from './lib/server.js';
import { round } from './lib/stats.js';

const flags = parseFlags(process.argv.slice(2), ['rounds', 'batches', 'batch-size', 'connections', 'down', 'down-rate', 'json']);
const o = new OptionReader(flags);
const rounds = o.int('rounds', undefined, 6, 1, 100);
const batches = o.int('batches', undefined, 200, 1, 100_000);
const batchSize = o.int('batch-size', undefined, 100, 1, 5000);
const connections = o.int('connections', undefined, 4, 1, 256);
const downSeconds = o.int('down', undefined, 60, 1, 3600);
const downRate = o.int('down-rate', undefined, 500, 1, 100_000);

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return round(kb / 1024, 1);
}

/** The OTLP target: counts requests and bytes; `down` closes its port (connection refused). */
class Sink {
  requests = 0;
  bytes = 0;
  private server: Server | null = null;
  port = 0;
  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      req.on('data', (c: Buffer) => (this.bytes += c.length));
      req.on('end', () => {
        this.requests++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}

let seq = 0;
function bodies(n: number, size: number): string[] {
  return Array.from({ length: n }, () =>
    JSON.stringify({
      events: Array.from({ length: size }, (_, i) => ({
        session_id: `fwd-bench-${seq % 50}`,
        agent_type: 'claude_code',
        event_type: i % 4 === 0 ? 'api_request' : 'tool_use',
        tool_name: i % 4 === 0 ? null : 'Bash',
        model: 'claude-sonnet-4-6',
        tokens_in: 100 + (seq++ % 1000),
        tokens_out: 50,
        cache_read_tokens: 1000,
        metadata: { 'user.id': 'u-1', input_tokens: 100 },
      })),
    }),
  );
}

async function backlog(client: BenchClient): Promise<Record<string, number>> {
  const h = JSON.parse((await client.request('GET', '/api/health')).body) as { components: Array<{ id: string; kind: string; state?: Record<string, number> }> };
  return h.components.find((c) => c.kind === 'exporter' && c.id === 'otlp')?.state ?? {};
}

/** Posts batches at a steady rate for `seconds`; the latency of each post. */
async function steady(client: BenchClient, rate: number, size: number, seconds: number): Promise<number[]> {
  const perSecond = Math.max(1, Math.round(rate / size));
  const pool = bodies(perSecond * seconds, size);
  const ms: number[] = [];
  const started = Date.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < pool.length; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(client.request('POST', '/api/events/batch', pool[i]).then((r) => void ms.push(r.ms)));
  }
  await Promise.all(inFlight);
  return ms;
}

async function main(): Promise<void> {
  const sink = new Sink();
  await sink.up();
  const dir = makeTempDir();
  const servers: BenchServer[] = [];
  try {
    const off = await startServer(path.join(dir, 'off.db'));
    servers.push(off);
    const on = await startServer(path.join(dir, 'on.db'), {
      AGENTSTATS_FORWARD_ENDPOINT: `http://127.0.0.1:${sink.port}`,
      AGENTSTATS_MACHINE: 'bench',
    });
    servers.push(on);
    const cOff = new BenchClient(off.url, connections, 60_000);
    const cOn = new BenchClient(on.url, connections, 60_000);
    await waitHealthy(cOff);
    await waitHealthy(cOn);

    console.log(`# forwarding off vs on: ${rounds} rounds × ${batches} batches of ${batchSize} events, ${connections} connections`);
    const rates: { off: number[]; on: number[] } = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      const order: Array<['off' | 'on', BenchClient]> = r % 2 === 0 ? [['off', cOff], ['on', cOn]] : [['on', cOn], ['off', cOff]];
      for (const [name, client] of order) {
        const res = await sendAll(client, '/api/events/batch', bodies(batches, batchSize), connections, 'batch');
        const rate = res.stored / res.seconds;
        rates[name].push(rate);
        console.log(`round ${r + 1} ${name.padEnd(3)} ${Math.round(rate)} events/s (${res.errors} errors)`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(rates.on) / median(rates.off);
    const drained = Date.now();
    while ((await backlog(cOn)).backlog > 0 && Date.now() - drained < 120_000) await new Promise((r) => setTimeout(r, 200));
    console.log(`median off ${Math.round(median(rates.off))} ev/s, on ${Math.round(median(rates.on))} ev/s, on/off = ${round(ratio, 3)}; ` +
      `forwarded ${(await backlog(cOn)).forwarded} events in ${sink.requests} requests (${round(sink.bytes / 1024 / 1024, 1)} MiB gzip); backlog drained ${Date.now() - drained} ms after the last round`);

    console.log(`\n# at a steady ${downRate} events/s (batches of ${batchSize}), alternated, ${rounds} × 10 s each: latency of a batch post`);
    const lat: { off: number[]; on: number[] } = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      const order: Array<['off' | 'on', BenchClient]> = r % 2 === 0 ? [['off', cOff], ['on', cOn]] : [['on', cOn], ['off', cOff]];
      for (const [name, client] of order) {
        const ms = await steady(client, downRate, batchSize, 10);
        lat[name].push(...ms);
      }
    }
    const pct = (xs: number[], p: number) => round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))], 2);
    console.log(`batch post latency p50 off ${pct(lat.off, 0.5)} ms, on ${pct(lat.on, 0.5)} ms; p95 off ${pct(lat.off, 0.95)} ms, on ${pct(lat.on, 0.95)} ms`);

    console.log(`\n# target down for ${downSeconds} s, both servers taking ${downRate} events/s`);
    await sink.down();
    const samples: Array<{ t: number; off: number; on: number; backlog: number }> = [];
    const started = Date.now();
    const perTick = Math.max(1, Math.round(downRate / 10));
    let nextSample = 0;
    while (Date.now() - started < downSeconds * 1000) {
      const tick = Date.now();
      const [body] = bodies(1, perTick);
      await Promise.all([cOff.request('POST', '/api/events/batch', body), cOn.request('POST', '/api/events/batch', body)]);
      if (tick - started >= nextSample) {
        samples.push({ t: Math.round((tick - started) / 1000), off: rssMb(off.pid), on: rssMb(on.pid), backlog: (await backlog(cOn)).backlog });
        nextSample += 2000;
      }
      const wait = 100 - (Date.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const state = await backlog(cOn);
    for (const s of samples.filter((_, i) => i % 5 === 0 || i === samples.length - 1)) {
      console.log(`t=${String(s.t).padStart(3)} s  RSS off ${s.off} MB  on ${s.on} MB  backlog ${s.backlog}`);
    }
    const growth = (k: 'off' | 'on') => round(samples[samples.length - 1][k] - samples[0][k], 1);
    const maxOf = (k: 'off' | 'on') => Math.max(...samples.map((s) => s[k]));
    console.log(`RSS growth over the outage: off ${growth('off')} MB, on ${growth('on')} MB (max off ${maxOf('off')} MB, on ${maxOf('on')} MB); retries ${state.retries}, dropped ${state.dropped}`);
    const back = Date.now();
    await sink.up();
    while ((await backlog(cOn)).backlog > 0 && Date.now() - back < 300_000) await new Promise((r) => setTimeout(r, 200));
    console.log(`target back: backlog of ${samples[samples.length - 1].backlog} events drained in ${Date.now() - back} ms (includes the back-off wait)`);
    cOff.close();
    cOn.close();
  } finally {
    for (const s of servers) await s.stop();
    await sink.down().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
