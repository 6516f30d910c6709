/**
 * One measured ingest run over HTTP: a warm-up, then every request body sent over N keep-alive
 * connections, with the server's CPU (all threads, and by thread) over the measured part.
 */
import { BenchClient, waitHealthy } from './http.js';
import { sendAll, type LoadResult } from './load.js';
import type { BenchServer } from './server.js';
import { fmtInt, processCpuSeconds, round, threadCpuDelta, threadCpuSeconds } from './stats.js';

export interface HttpRunOptions {
  mode: 'batch' | 'single';
  events: number;
  warmup: number;
  concurrency: number;
  timeoutMs: number;
}

export interface HttpRun {
  load: LoadResult;
  serverCpuSeconds: number | null;
  /** The server's CPU by thread over the measured run (main first, then the busiest others). */
  serverThreads: Array<{ thread: string; cpu_s: number }> | null;
  clientCpuSeconds: number;
  serverPid: number | null;
  eventsBefore: number | null;
}

export async function httpRun(opts: HttpRunOptions, url: string, server: BenchServer | null, warm: string[], bodies: string[], log: (line: string) => void): Promise<HttpRun> {
  const client = new BenchClient(url, opts.concurrency, opts.timeoutMs, process.env.AGENTSTATS_TOKEN ?? null);
  const pathname = opts.mode === 'batch' ? '/api/events/batch' : '/api/events';
  try {
    const health = await waitHealthy(client);
    if (warm.length > 0) {
      log(`warm-up: ${fmtInt(opts.warmup)} events`);
      const w = await sendAll(client, pathname, warm, opts.concurrency, opts.mode);
      if (w.errors > 0) log(`warm-up errors: ${JSON.stringify(w.errorKinds)}`);
    }
    log(`measuring: ${fmtInt(opts.events)} events in ${fmtInt(bodies.length)} requests`);
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
