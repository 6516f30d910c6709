/**
 * Tool-call latency, for the Tools view: a duration histogram per (UTC day, agent, tool) in
 * `tool_latency_days` and the same all time in `tool_latency`, with buckets 5 % wide (log-spaced),
 * so a percentile read as its bucket's geometric middle is within √1.05 − 1 ≈ 2.5 % of the exact
 * nearest-rank value. A range reads its whole UTC days from the daily table and the partial days at
 * its edges exactly from the events (at most two days of tool calls). Bucket -1 holds calls with
 * no duration (they count as calls and errors, not in percentiles).
 */
import type Database from 'better-sqlite3';
import type { ToolCallRow, ToolLatencyQuery, ToolLatencyReader, ToolLatencyRow } from '../../collector/core/storage.js';
import { Statements } from './statements.js';

export const LATENCY_RATIO = 1.05;
/** The most a percentile read from the histogram is off the exact one (relative). */
export const LATENCY_MAX_ERROR = Math.sqrt(LATENCY_RATIO) - 1;
const LN_RATIO = Math.log(LATENCY_RATIO);
const DAY_MS = 86_400_000;
/** Bucket of calls that carry no duration. */
export const NO_DURATION = -1;

/** The bucket of a duration: (1.05^(b-1), 1.05^b] ms; 0 for ≤ 1 ms. */
export function latencyBucket(ms: number | null): number {
  if (ms === null) return NO_DURATION;
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LN_RATIO);
}

/** What a percentile falling in bucket `b` reports: the bucket's geometric middle (1 ms for bucket 0). */
export function latencyValueMs(bucket: number): number {
  return bucket <= 0 ? 1 : Math.exp((bucket - 0.5) * LN_RATIO);
}

/** The same bucket in SQL (better-sqlite3's SQLite has the math functions), for the migration's rebuild. */
export const LATENCY_BUCKET_SQL = `CASE WHEN duration_ms IS NULL THEN ${NO_DURATION} WHEN duration_ms <= 1 THEN 0
  ELSE CAST(ceil(ln(duration_ms) / ${LN_RATIO}) AS INTEGER) END`;

/** Tool calls are the completed, counted tool_use events. */
const CALLS = "event_type = 'tool_use' AND tool_name IS NOT NULL AND counted = 1";

export class SqliteToolLatency implements ToolLatencyReader {
  private readonly statements: Statements;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
  }

  latencyValueMs(bucket: number): number {
    return latencyValueMs(bucket);
  }

  latencyMaxError(): number {
    return LATENCY_MAX_ERROR;
  }

  /** Histogram rows per tool and bucket for the filters, summed over days and agents. */
  toolLatency(q: ToolLatencyQuery): ToolLatencyRow[] {
    const agent = q.agent_type ? ' AND agent_type = ?' : '';
    const args = q.agent_type ? [q.agent_type] : [];
    if (q.sinceMs === null && q.untilMs === null) {
      return this.statements
        .get(`SELECT tool, bucket, SUM(count) AS count, SUM(errors) AS errors FROM tool_latency WHERE 1${agent} GROUP BY tool, bucket`)
        .all(...args) as ToolLatencyRow[];
    }
    const since = q.sinceMs ?? 0;
    const until = q.untilMs ?? Number.MAX_SAFE_INTEGER;
    const firstDay = Math.ceil(since / DAY_MS);
    const endDay = Math.floor(until / DAY_MS);
    const out = new Map<string, ToolLatencyRow>();
    const add = (tool: string, bucket: number, count: number, errors: number) => {
      const k = `${tool}\u0000${bucket}`;
      const row = out.get(k);
      if (row) {
        row.count += count;
        row.errors += errors;
      } else out.set(k, { tool, bucket, count, errors });
    };
    const exact = (from: number, to: number) => {
      if (to <= from) return;
      const rows = this.statements
        // By time (events_ts): the planner would otherwise walk every tool_use by event_type.
        .get(`SELECT tool_name, duration_ms, status FROM events INDEXED BY events_ts WHERE ts >= ? AND ts < ? AND ${CALLS}${agent}`)
        .raw()
        .iterate(from, to, ...args) as IterableIterator<[string, number | null, string | null]>;
      for (const [tool, ms, status] of rows) add(tool, latencyBucket(ms), 1, status === 'error' ? 1 : 0);
    };
    if (firstDay < endDay) {
      const rows = this.statements
        .get(
          `SELECT tool, bucket, SUM(count) AS count, SUM(errors) AS errors FROM tool_latency_days
           WHERE day >= ? AND day < ?${agent} GROUP BY tool, bucket`,
        )
        .all(firstDay, endDay, ...args) as ToolLatencyRow[];
      for (const r of rows) add(r.tool, r.bucket, r.count, r.errors);
      exact(since, firstDay * DAY_MS);
      exact(endDay * DAY_MS, until);
    } else exact(since, until);
    return [...out.values()];
  }

  /**
   * One tool's calls in the filters: the slowest (walking the tool's duration index from the top)
   * or the latest failed ones, with the event's seq for a link to that moment of its session.
   */
  toolCalls(tool: string, kind: 'slowest' | 'failed', q: ToolLatencyQuery, limit: number): ToolCallRow[] {
    const where = [`tool_name = ?`, CALLS, 'ts >= ?', 'ts < ?'];
    const args: unknown[] = [tool, q.sinceMs ?? 0, q.untilMs ?? Number.MAX_SAFE_INTEGER];
    for (const col of ['agent_type', 'project', 'branch', 'model', 'machine'] as const) {
      const v = q[col];
      if (v) {
        where.push(`${col} = ?`);
        args.push(v);
      }
    }
    const order =
      kind === 'slowest'
        ? ` AND duration_ms IS NOT NULL ORDER BY duration_ms DESC, seq DESC`
        : ` AND status = 'error' ORDER BY seq DESC`;
    const index = kind === 'slowest' ? 'INDEXED BY events_tool_duration' : '';
    const rows = this.statements
      .get(
        `SELECT seq, session_id, agent_type, ts, duration_ms, status, metadata FROM events ${index}
         WHERE ${where.join(' AND ')}${order} LIMIT ?`,
      )
      .all(...args, limit) as Array<Omit<ToolCallRow, 'error'> & { metadata: string }>;
    return rows.map(({ metadata, ...r }) => ({ ...r, error: errorOf(metadata) }));
  }
}

/** The error text a failed call's metadata carries, shortened. */
function errorOf(metadata: string): string | null {
  try {
    const m = JSON.parse(metadata) as Record<string, unknown>;
    for (const k of ['error', 'error_message', 'error_type']) {
      const v = m[k];
      if (typeof v === 'string' && v) return v.length > 200 ? v.slice(0, 200) + '…' : v;
    }
  } catch {
    /* stored as JSON always; nothing to show otherwise */
  }
  return null;
}
