/**
 * The floor of a history import: every line of every file read and JSON.parse'd, nothing else,
 * spread over `threads` worker threads (files dealt round-robin). bench:import compares with it.
 */
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface FloorResult {
  seconds: number;
  lines: number;
  bytes: number;
  threads: number;
}

function parseFiles(files: string[]): { lines: number; bytes: number } {
  let lines = 0;
  let bytes = 0;
  for (const file of files) {
    const buf = readFileSync(file);
    bytes += buf.length;
    let start = 0;
    for (;;) {
      let nl = buf.indexOf(10, start);
      if (nl < 0) nl = buf.length;
      if (nl > start) {
        JSON.parse(buf.toString('utf8', start, nl));
        lines++;
      }
      if (nl >= buf.length) break;
      start = nl + 1;
    }
  }
  return { lines, bytes };
}

export async function parseFloor(files: string[], threads: number): Promise<FloorResult> {
  const started = performance.now();
  const shares: string[][] = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads].push(f));
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: share });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    lines: parts.reduce((n, p) => n + p.lines, 0),
    bytes: parts.reduce((n, p) => n + p.bytes, 0),
    threads,
  };
}

if (!isMainThread && parentPort) parentPort.postMessage(parseFiles(workerData as string[]));
