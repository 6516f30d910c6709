/**
 * The cost timeline: usage per hour, or per local day cut at midnight in an IANA zone, read from the
 * 'all' rows of the time rollups. Whole hours come from `hourly` (one covering-index entry each); an
 * hour that a cut falls inside (the range's edges, or local midnight in a zone whose offset is not
 * whole hours, e.g. India, Nepal, Adelaide, Newfoundland) is read from its quarter hours instead.
 */
import type Database from 'better-sqlite3';
import type { TimelineQuery, UsageBucket } from '../../collector/core/storage.js';
import { COUNTER_COLUMNS, emptyCounters } from './rollups.js';
import { dayStartMs, localDayFormatter } from './local-day.js';
import { HOUR_MS, planRange, QUARTER_MS, QUARTERS_PER_HOUR, quartersOf } from './quarters.js';

interface Bucket {
  /** Earliest instant seen in the bucket (ms); a day bucket's start is that day's local midnight. */
  firstMs: number;
  startMs: number;
  row: UsageBucket;
}

export class UsageTimeline {
  private readonly hours: Database.Statement;
  private readonly quarters: Database.Statement;

  constructor(db: Database.Database) {
    // Rows as arrays: an 11-key object per hour costs five times the query itself (8,760 a year).
    this.hours = db
      .prepare(
        `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
         WHERE dim = 'all' AND key = '' AND hour >= ? AND hour < ? ORDER BY hour`,
      )
      .raw(true);
    // Up to one hour's quarters by primary key (a range on `quarter` would walk every dimension's rows).
    this.quarters = db
      .prepare(
        `SELECT quarter, ${COUNTER_COLUMNS.join(', ')} FROM quarter_hours
         WHERE quarter IN (?, ?, ?, ?) AND dim = 'all' AND key = ''`,
      )
      .raw(true);
  }

  /** Cost and tokens per hour or per local day (cut at midnight in q.tz), oldest first. */
  read(q: TimelineQuery): UsageBucket[] {
    const plan = planRange(q);
    const dayOf = q.bucket === 'day' ? localDayFormatter(q.tz) : null;
    const buckets = new Map<string, Bucket>();
    const add = (key: string, ms: number, row: number[]) => {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { firstMs: ms, startMs: 0, row: { bucket: key, start: '', ...emptyCounters() } }));
      else if (ms < b.firstMs) b.firstMs = ms;
      for (let i = 0; i < COUNTER_COLUMNS.length; i++) b.row[COUNTER_COLUMNS[i]] += row[i + 1];
    };
    const keyOf = (ms: number) => (dayOf ? dayOf(ms) : new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString());

    const split: number[][] = plan.edges.map(quartersOf);
    for (const row of this.hours.all(plan.fromHour, plan.toHour) as number[][]) {
      const hourMs = row[0] * HOUR_MS;
      const key = keyOf(hourMs);
      // Local midnight inside this hour (a zone whose offset is not whole hours): the day is
      // different an hour later, and already by the hour's last quarter (offsets are multiples of
      // 15 minutes). Whole-hour zones never format the quarter.
      if (dayOf && dayOf(hourMs + HOUR_MS) !== key && dayOf(hourMs + HOUR_MS - QUARTER_MS) !== key) {
        split.push(quartersOf([row[0] * QUARTERS_PER_HOUR, (row[0] + 1) * QUARTERS_PER_HOUR]));
      } else {
        add(key, hourMs, row);
      }
    }
    for (const quarters of split) {
      const [a, b = a, c = a, d = a] = quarters;
      for (const row of this.quarters.all(a, b, c, d) as number[][]) add(keyOf(row[0] * QUARTER_MS), row[0] * QUARTER_MS, row);
    }

    const out = [...buckets.values()];
    for (const b of out) {
      // A day starts at its local midnight (exact to the quarter hour), whether or not it had usage then.
      b.startMs = dayOf ? dayStartMs(b.firstMs, dayOf) : Math.floor(b.firstMs / HOUR_MS) * HOUR_MS;
      b.row.start = new Date(b.startMs).toISOString();
    }
    // Quarter hours are read after the whole hours: put the buckets back in time order.
    if (split.length > 0) out.sort((x, y) => x.startMs - y.startMs);
    return out.map((b) => b.row);
  }
}
