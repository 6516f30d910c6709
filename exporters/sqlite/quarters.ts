/**
 * Time ranges over the two time rollups. Whole hours are read from `hourly`; the quarter hours at a
 * range's edges that do not fill an hour are read from `quarter_hours`. Every UTC offset in use today
 * is a multiple of 15 minutes, so every local midnight is a quarter-hour boundary and day cuts are
 * exact in every zone.
 *
 * A `since`/`until` that is not on a quarter hour is widened to the quarter hours it touches (since
 * rounds down, until rounds up): the rollups keep no finer time, and raw events may be pruned.
 */
export const HOUR_MS = 3_600_000;
export const QUARTER_MS = 900_000;
export const QUARTERS_PER_HOUR = 4;

/** What a [since, until) range reads: whole hours [fromHour, toHour), plus quarter-hour pieces. */
export interface RangePlan {
  fromHour: number;
  toHour: number;
  /** Quarter-hour ranges [from, to), each inside one hour that the range covers only in part. */
  edges: Array<[number, number]>;
}

const OPEN_START = Number.MIN_SAFE_INTEGER;
const OPEN_END = Number.MAX_SAFE_INTEGER;

/** The epoch quarter hours [from, to) that [since, until) touches; open ends stay open. */
export function quarterBounds(q: { since?: string; until?: string }): { from: number | null; to: number | null } {
  return {
    from: q.since ? Math.floor(Date.parse(q.since) / QUARTER_MS) : null,
    to: q.until ? Math.ceil(Date.parse(q.until) / QUARTER_MS) : null,
  };
}

export function planRange(q: { since?: string; until?: string }): RangePlan {
  const { from, to } = quarterBounds(q);
  const fromHour = from === null ? OPEN_START : Math.ceil(from / QUARTERS_PER_HOUR);
  const toHour = to === null ? OPEN_END : Math.floor(to / QUARTERS_PER_HOUR);
  if (from !== null && to !== null && fromHour >= toHour) {
    // Within one hour, or across one hour boundary without a whole hour between: quarters only.
    if (from >= to) return { fromHour: 0, toHour: 0, edges: [] };
    const boundary = Math.ceil(from / QUARTERS_PER_HOUR) * QUARTERS_PER_HOUR;
    const edges: Array<[number, number]> = boundary > from && boundary < to ? [[from, boundary], [boundary, to]] : [[from, to]];
    return { fromHour: 0, toHour: 0, edges };
  }
  const edges: Array<[number, number]> = [];
  if (from !== null && from < fromHour * QUARTERS_PER_HOUR) edges.push([from, fromHour * QUARTERS_PER_HOUR]);
  if (to !== null && toHour * QUARTERS_PER_HOUR < to) edges.push([toHour * QUARTERS_PER_HOUR, to]);
  return { fromHour, toHour, edges };
}

/** The quarter hours of [from, to), listed (edges are at most three long). */
export function quartersOf([from, to]: [number, number]): number[] {
  const out: number[] = [];
  for (let q = from; q < to; q++) out.push(q);
  return out;
}
