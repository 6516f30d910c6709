/**
 * The StatsReader port: usage read from the running totals and hourly rollups (never by scanning
 * events), and the small side tables /api/stats shows. Rows come back typed and as stored; names,
 * nesting, rounding and derived figures are the API's (collector/api/read-models/).
 */
import type Database from 'better-sqlite3';
import type {
  BlockQuery,
  BlockRows,
  FoldedCount,
  MetricTotalRow,
  SessionCounts,
  StatsReader,
  TimelineQuery,
  ToolDurationRow,
  UsageBucket,
  UsageDimension,
  UsageKey,
  UsageQuery,
  UsageRow,
} from '../../collector/core/storage.js';
import { bucketUpperMs, COUNTER_COLUMNS, DIMENSIONS, emptyCounters } from './rollups.js';
import { localDayFormatter } from './local-day.js';
import { Statements } from './statements.js';
import { BillingBlocks } from './blocks.js';

const HOUR_MS = 3_600_000;
const KNOWN_DIMS = new Set<string>(DIMENSIONS.map(([dim]) => dim));

type Row = Record<string, unknown>;

function usageRow(row: Row): UsageRow {
  const out = { dim: row.dim as UsageDimension, key: row.key as string } as UsageRow;
  for (const col of COUNTER_COLUMNS) out[col] = Number(row[col] ?? 0);
  return out;
}

export class SqliteUsageReader implements StatsReader {
  private readonly statements: Statements;
  private readonly blocks: BillingBlocks;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.blocks = new BillingBlocks(db);
  }

  usage(q: UsageQuery): UsageRow[] {
    const wanted = new Set<string>(q.dims);
    if (!q.since && !q.until) {
      const rows = this.statements.get('SELECT * FROM totals ORDER BY cost_usd DESC, events DESC').all() as Row[];
      return rows.filter((row) => wanted.has(row.dim as string)).map(usageRow);
    }
    const { fromHour, toHour } = hourRange(q);
    // Dimension names go in as literals (checked against the rollup's own list): one statement per
    // set of dimensions, planned once.
    const dims = q.dims.filter((d) => KNOWN_DIMS.has(d)).map((d) => `'${d}'`);
    if (dims.length === 0) return [];
    const rows = this.statements
      .get(
        `SELECT dim, key, ${COUNTER_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
         FROM hourly WHERE hour >= ? AND hour < ? AND dim IN (${dims.join(',')})
         GROUP BY dim, key ORDER BY cost_usd DESC`,
      )
      .all(fromHour, toHour) as Row[];
    return rows.map(usageRow);
  }

  /** Cost and tokens per hour or per local day (cut at midnight in q.tz), oldest first. */
  timeline(q: TimelineQuery): UsageBucket[] {
    const { fromHour, toHour } = hourRange(q);
    // Rows as arrays: an 11-key object per hour costs five times the query itself (8,760 a year).
    const rows = this.statements
      .get(
        `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
         WHERE dim = 'all' AND key = '' AND hour >= ? AND hour < ? ORDER BY hour`,
      )
      .raw(true)
      .all(fromHour, toHour) as number[][];
    const dayOf = q.bucket === 'day' ? localDayFormatter(q.tz) : null;
    const buckets = new Map<string, UsageBucket>();
    for (const row of rows) {
      const start = new Date(row[0] * HOUR_MS);
      const key = dayOf ? dayOf(start) : start.toISOString();
      let b = buckets.get(key);
      if (!b) {
        // A day bucket starts at the first hour of that local day (local midnight, to the hour).
        const first = dayOf ? firstHourOfDay(start, key, dayOf) : start;
        buckets.set(key, (b = { bucket: key, start: first.toISOString(), ...emptyCounters() }));
      }
      for (let i = 0; i < COUNTER_COLUMNS.length; i++) b[COUNTER_COLUMNS[i]] += row[i + 1];
    }
    return [...buckets.values()];
  }

  usageKeys(): UsageKey[] {
    return this.statements.get('SELECT dim, key FROM totals').all() as UsageKey[];
  }

  sessionCounts(): SessionCounts {
    const counts: SessionCounts = { active: 0, idle: 0, ended: 0 };
    const rows = this.statements.get('SELECT status, COUNT(*) AS n FROM sessions GROUP BY status').all() as Row[];
    for (const row of rows) counts[row.status as keyof SessionCounts] = Number(row.n);
    return counts;
  }

  toolDurations(): ToolDurationRow[] {
    const rows = this.statements.get('SELECT tool, bucket, count FROM tool_durations ORDER BY tool, bucket').all() as Array<{
      tool: string;
      bucket: number;
      count: number;
    }>;
    return rows.map(({ tool, bucket, count }) => ({ tool, upper_ms: bucketUpperMs(bucket), count }));
  }

  folded(): FoldedCount[] {
    const rows = this.statements.get('SELECT source, count FROM folded').all() as Row[];
    return rows.map((row) => ({ source: row.source as string, count: Number(row.count) }));
  }

  metricTotals(): MetricTotalRow[] {
    return this.statements.get('SELECT name, key, value, count FROM metric_totals ORDER BY name, key').all() as MetricTotalRow[];
  }

  billingBlocks(q: BlockQuery): BlockRows {
    return this.blocks.query(q);
  }
}

/** The epoch hours [fromHour, toHour) that [since, until) touches. */
function hourRange(q: { since?: string; until?: string }): { fromHour: number; toHour: number } {
  return {
    fromHour: q.since ? Math.floor(Date.parse(q.since) / HOUR_MS) : -1,
    toHour: q.until ? Math.ceil(Date.parse(q.until) / HOUR_MS) : Number.MAX_SAFE_INTEGER,
  };
}

/** The earliest whole hour that still falls on `day` (as `dayOf` reads it), stepping back from `hour`. */
function firstHourOfDay(hour: Date, day: string, dayOf: (d: Date) => string): Date {
  let first = hour;
  for (let i = 0; i < 26; i++) {
    const previous = new Date(first.getTime() - HOUR_MS);
    if (dayOf(previous) !== day) break;
    first = previous;
  }
  return first;
}
