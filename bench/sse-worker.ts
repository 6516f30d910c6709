/**
 * A worker thread holding some of bench/sse.ts's SSE clients. Parsing 50 streams at 5,000 events/s
 * in the sending thread would measure the benchmark, not the server, so the clients live here.
 * Each event carries `bench_t` (process.hrtime in ms, the same monotonic clock in every thread of
 * the process) and `bench_phase`; the worker keeps the delivery latency of every event per phase.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface Config {
  url: string;
  clients: number;
}

const { url, clients } = workerData as Config;
const now = () => Number(process.hrtime.bigint()) / 1e6;

const latencies = new Map<string, number[]>();
const counts = new Map<string, number>();
let ready = 0;
let closed = 0;

function onFrame(frame: string, t: number): void {
  if (!frame.startsWith('id:')) {
    if (frame.includes('event: hello') && ++ready === clients) parentPort!.postMessage({ type: 'ready' });
    return;
  }
  // Cheap field extraction: a full JSON.parse of every event in every client is not the point.
  const ti = frame.indexOf('"bench_t":');
  const pi = frame.indexOf('"bench_phase":"');
  if (ti === -1 || pi === -1) return;
  const sent = parseFloat(frame.slice(ti + 10, ti + 40));
  const phase = frame.slice(pi + 15, frame.indexOf('"', pi + 15));
  let list = latencies.get(phase);
  if (!list) latencies.set(phase, (list = []));
  list.push(t - sent);
  counts.set(phase, (counts.get(phase) ?? 0) + 1);
}

for (let i = 0; i < clients; i++) {
  const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      parentPort!.postMessage({ type: 'error', message: `stream answered ${res.statusCode}` });
      return;
    }
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      const t = now();
      buffer += chunk;
      let end = buffer.indexOf('\n\n');
      let start = 0;
      while (end !== -1) {
        onFrame(buffer.slice(start, end), t);
        start = end + 2;
        end = buffer.indexOf('\n\n', start);
      }
      buffer = buffer.slice(start);
    });
    res.on('close', () => closed++);
  });
  req.on('error', (error) => parentPort!.postMessage({ type: 'error', message: String(error) }));
}

parentPort!.on('message', (msg: { type: string }) => {
  if (msg.type === 'collect') {
    const phases: Record<string, Float64Array> = {};
    for (const [phase, list] of latencies) phases[phase] = Float64Array.from(list);
    parentPort!.postMessage({ type: 'samples', phases, counts: Object.fromEntries(counts), closed });
    latencies.clear();
    counts.clear();
  } else if (msg.type === 'exit') {
    process.exit(0);
  }
});
