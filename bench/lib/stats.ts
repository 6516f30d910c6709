/** Latency samples, percentiles and the small formatting helpers every benchmark prints with. */

export class Samples {
  private values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile, in the unit the samples were added in. */
  percentile(q: number): number {
    if (this.values.length === 0) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank];
  }

  mean(): number {
    return this.values.length === 0 ? NaN : this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }

  summary(): { p50: number; p95: number; p99: number; max: number; mean: number } {
    return {
      p50: round(this.percentile(0.5), 3),
      p95: round(this.percentile(0.95), 3),
      p99: round(this.percentile(0.99), 3),
      max: round(this.percentile(1), 3),
      mean: round(this.mean(), 3),
    };
  }
}

/** The middle value (the mean of the two middle ones for an even count), unlike the nearest-rank p50. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmtInt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Seeded PRNG (mulberry32): workloads are reproducible run to run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from weighted choices with a given random source. */
export function weighted<T>(random: () => number, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [value, w] of choices) {
    r -= w;
    if (r < 0) return value;
  }
  return choices[choices.length - 1][0];
}

/** CPU seconds a process has used so far (Linux /proc), or null where unreadable. */
/**
 * CPU seconds (user + system) of each thread of a Linux process, by thread id; null elsewhere.
 * Node names none of its threads, so callers tell them apart by their share: the main thread's id
 * is the pid, and the busiest others are the worker threads (writer, decoder, pools).
 */
export async function threadCpuSeconds(pid: number): Promise<Map<number, number> | null> {
  try {
    const { readdir, readFile } = await import('node:fs/promises');
    const out = new Map<number, number>();
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
      if (!stat) continue; // the thread ended meanwhile
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    }
    return out;
  } catch {
    return null;
  }
}

/** Per-thread CPU spent between two readings: the main thread first, then the others busiest first. */
export function threadCpuDelta(pid: number, before: Map<number, number>, after: Map<number, number>): Array<{ thread: string; cpu_s: number }> {
  const rows: Array<{ thread: string; cpu_s: number }> = [];
  for (const [tid, s] of after) {
    const d = round(s - (before.get(tid) ?? 0), 2);
    if (tid === pid || d >= 0.05) rows.push({ thread: tid === pid ? 'main' : `tid ${tid}`, cpu_s: d });
  }
  return rows.sort((a, b) => (a.thread === 'main' ? -1 : b.thread === 'main' ? 1 : b.cpu_s - a.cpu_s));
}

export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
