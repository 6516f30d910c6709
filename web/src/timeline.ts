/**
 * The cost API returns only buckets that had usage. Charts need every bucket (an idle hour is a
 * zero, not a gap to interpolate across), placed at the bucket's local start.
 */
import type { CostStats } from './types.js';

type Row = CostStats['timeline'][number];

export interface Series {
  /** Bucket starts, unix seconds. */
  x: number[];
  rows: Array<Row | null>;
}

const HOUR = 3_600_000;

function localMidnight(ms: number): Date {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d;
}

/** Day buckets are keyed 'YYYY-MM-DD' in the browser's time zone (the tz the page asked for). */
function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

export function fillTimeline(rows: Row[], bucket: 'hour' | 'day', sinceMs: number | null, nowMs = Date.now()): Series {
  if (rows.length === 0 && sinceMs === null) return { x: [], rows: [] };
  const out: Series = { x: [], rows: [] };
  if (bucket === 'hour') {
    const byHour = new Map(rows.map((r) => [Math.floor(Date.parse(r.start) / HOUR), r]));
    const first = Math.floor((sinceMs ?? Date.parse(rows[0].start)) / HOUR);
    const last = Math.floor(nowMs / HOUR);
    for (let h = first; h <= last; h++) {
      out.x.push((h * HOUR) / 1000);
      out.rows.push(byHour.get(h) ?? null);
    }
    return out;
  }
  const byDay = new Map(rows.map((r) => [dayStart(r.bucket), r]));
  const start = localMidnight(sinceMs ?? (rows.length ? dayStart(rows[0].bucket) : nowMs));
  for (const d = start; d.getTime() <= nowMs; d.setDate(d.getDate() + 1)) {
    out.x.push(d.getTime() / 1000);
    out.rows.push(byDay.get(d.getTime()) ?? null);
  }
  return out;
}
