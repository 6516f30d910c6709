/**
 * The cost timeline: usage per hour, or per local day cut at midnight in an IANA zone, read from the
 * 'all' rows of the time rollups. Whole hours come from `hourly` (one covering-index entry each); an
 * hour that a cut falls inside (the range's edges, or local midnight in a zone whose offset is not
 * whole hours, e.g. India, Nepal, Adelaide, Newfoundland) is read from its quarter hours instead.
 */
import type Database from 'better-sqlite3';
import type { TimelineQuery, UsageBucket } from '../../collector/core/storage.js';
import { hasUsageFilter } from '../../collector/core/usage.js';
import type { FilteredUsage } from './filtered-usage.js';
import { COUNTER_COLUMNS, emptyCounters } from './rollups.js';
import { dayStartMs, localDayFormatter } from './local-day.js';
import { HOUR_MS, planRange, QUARTER_MS, QUARTERS_PER_HOUR, quartersOf } from './quarters.js';

/** An hour that holds local midnight: its hourly row, the quarter midnight starts (1–3), and the
 * counters of the side read from quarter hours (`before` midnight, or after it). */
interface Split {
  row: number[];
  at: number;
  before: boolean;
  part: number[];
}

interface Bucket {
  /** Earliest instant seen in the bucket (ms); a day bucket's start is that day's local midnight. */
  firstMs: number;
  startMs: number;
  row: UsageBucket;
}

export class UsageTimeline {
  private readonly hours: Database.Statement;
  private readonly quarters: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly filtered: FilteredUsage,
  ) {
    // Rows as arrays: an 11-key object per hour costs five times the query itself (8,760 a year).
    this.hours = db
      .prepare(
        `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
         WHERE dim = 'all' AND key = '' AND hour >= ? AND hour < ? ORDER BY hour`,
      )
      .raw(true);
    // The listed quarters' 'all' rows, each by primary key (a range on `quarter` would walk every
    // dimension's rows), in one statement: a year in India lists 1,460 quarters.
    this.quarters = db
      .prepare(
        `SELECT quarter, ${COUNTER_COLUMNS.join(', ')} FROM quarter_hours
         WHERE quarter IN (SELECT value FROM json_each(?)) AND dim = 'all' AND key = ''`,
      )
      .raw(true);
  }

  /** Cost and tokens per hour or per local day (cut at midnight in q.tz), oldest first. */
  read(q: TimelineQuery): UsageBucket[] {
    const plan = planRange(q);
    // A filter reads the matching combined keys' rows (filtered-usage.ts) instead of the 'all' rows.
    const keys = hasUsageFilter(q.filter) ? this.filtered.matchingKeys(q.filter) : null;
    const hourRows = (): number[][] =>
      (keys === null ? this.hours.all(plan.fromHour, plan.toHour) : this.filtered.hours(keys, plan.fromHour, plan.toHour)) as number[][];
    const quarterRows = (list: number[]): number[][] =>
      (keys === null ? this.quarters.all(JSON.stringify(list)) : this.filtered.quarters(keys, list)) as number[][];
    const dayOf = q.bucket === 'day' ? localDayFormatter(q.tz) : null;
    const buckets = new Map<string, Bucket>();
    const add = (key: string, ms: number, row: number[]) => {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { firstMs: ms, startMs: 0, row: { bucket: key, start: '', ...emptyCounters() } }));
      else if (ms < b.firstMs) b.firstMs = ms;
      for (let i = 0; i < COUNTER_COLUMNS.length; i++) b.row[COUNTER_COLUMNS[i]] += row[i + 1];
    };
    const keyOf = (ms: number) => (dayOf ? dayOf(ms) : new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString());

    // Quarter hours to read: the range's edge hours in full, and of each hour that holds local
    // midnight only the smaller side of it (the other side is the hour minus that side).
    const quarters: number[] = plan.edges.flatMap(quartersOf);
    const splits: Split[] = [];
    for (const row of hourRows()) {
      const hourMs = row[0] * HOUR_MS;
      const key = keyOf(hourMs);
      // The day changes by the next hour: at it (whole-hour zones; nothing more is formatted) or at
      // one of this hour's quarters (zone offsets are multiples of 15 minutes).
      const at = dayOf && dayOf(hourMs + HOUR_MS) !== key ? midnightQuarter(hourMs, key, dayOf) : 0;
      if (at === 0) {
        add(key, hourMs, row);
        continue;
      }
      const first = row[0] * QUARTERS_PER_HOUR;
      const before = at <= QUARTERS_PER_HOUR / 2;
      const split: Split = { row, at, before, part: new Array<number>(row.length).fill(0) };
      splits.push(split);
      for (let q = before ? first : first + at; q < (before ? first + at : first + QUARTERS_PER_HOUR); q++) quarters.push(q);
    }

    if (quarters.length > 0) {
      const byHour = new Map(splits.map((s) => [s.row[0], s]));
      for (const row of quarterRows(quarters)) {
        // Edge quarters lie outside the whole hours, split hours inside: the hour tells them apart.
        const split = byHour.get(Math.floor(row[0] / QUARTERS_PER_HOUR));
        if (split) {
          for (let i = 1; i < row.length; i++) split.part[i] += row[i];
        } else {
          add(keyOf(row[0] * QUARTER_MS), row[0] * QUARTER_MS, row);
        }
      }
    }
    for (const { row, at, before, part } of splits) {
      const hourMs = row[0] * HOUR_MS;
      const rest = row.map((v, i) => (i === 0 ? 0 : v - part[i]));
      const [early, late] = before ? [part, rest] : [rest, part];
      // A side with no events adds nothing (and no empty day).
      if (early[1] > 0) add(keyOf(hourMs), hourMs, early);
      if (late[1] > 0) add(keyOf(hourMs + at * QUARTER_MS), hourMs + at * QUARTER_MS, late);
    }

    const out = [...buckets.values()];
    for (const b of out) {
      // A day starts at its local midnight (exact to the quarter hour), whether or not it had usage then.
      if (dayOf) {
        b.startMs = dayStartMs(b.firstMs, dayOf);
        b.row.start = new Date(b.startMs).toISOString();
      } else {
        // An hour bucket's key is its start.
        b.startMs = Math.floor(b.firstMs / HOUR_MS) * HOUR_MS;
        b.row.start = b.row.bucket;
      }
    }
    // Quarter hours are added after the whole hours: put the buckets back in time order.
    if (quarters.length > 0) out.sort((x, y) => x.startMs - y.startMs);
    return out.map((b) => b.row);
  }
}

/** Which quarter of the hour at `hourMs` starts a day other than `day` (1–3), or 0 if none does. */
function midnightQuarter(hourMs: number, day: string, dayOf: (ms: number) => string): number {
  for (let q = 1; q < QUARTERS_PER_HOUR; q++) if (dayOf(hourMs + q * QUARTER_MS) !== day) return q;
  return 0;
}
