/**
 * Tool calls and failures per tool for any filter (project, branch, model, agent, machine) and
 * range: counted from the stored tool_use events, because the rollups keep tools apart from those
 * fields. One grouped query. Folded sightings (counted = 0) are left out, as everywhere else. Events
 * pruned by retention are no longer counted.
 *
 * Which index reads it: left to itself, SQLite walks events_type — every tool call ever stored (2.4M
 * of 5M events, 1.6 s) — even for the last 7 days. A range that covers at most half of the stored
 * time span is read by time instead (events_ts: 7 days 58 ms, 30 days 210 ms at 5M events); a
 * wider one keeps events_type, which then reads fewer rows (docs/benchmarks.md, bench:ui).
 */
import type Database from 'better-sqlite3';
import type { ToolUsageQuery, ToolUsageReader, ToolUsageRow } from '../../collector/core/storage.js';
import { Statements } from './statements.js';

const FILTER_COLUMNS = ['agent_type', 'project', 'branch', 'model', 'source', 'machine'] as const;

export class ToolUsage implements ToolUsageReader {
  private readonly statements: Statements;
  /** The oldest and newest stored event time (two index probes). */
  private readonly span: Database.Statement<[], { lo: number | null; hi: number | null }>;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.span = db.prepare('SELECT (SELECT MIN(ts) FROM events) AS lo, (SELECT MAX(ts) FROM events) AS hi');
  }

  /** Whether [sinceMs, untilMs) covers at most half of the stored events' time span. */
  private narrow(sinceMs: number, untilMs: number | null): boolean {
    const { lo, hi } = this.span.get() ?? { lo: null, hi: null };
    if (lo === null || hi === null || hi <= lo) return true;
    const covered = Math.min(untilMs ?? hi, hi) - Math.max(sinceMs, lo);
    return covered <= (hi - lo) / 2;
  }

  toolUsage(q: ToolUsageQuery): ToolUsageRow[] {
    const where = ["event_type = 'tool_use'", 'counted = 1', 'tool_name IS NOT NULL'];
    const params: unknown[] = [];
    for (const col of FILTER_COLUMNS) {
      const value = q.filter[col];
      if (value === undefined) continue;
      // '' stands for events that name none, as in the usage filters.
      if (value === '') where.push(`(${col} IS NULL OR ${col} = '')`);
      else {
        where.push(`${col} = ?`);
        params.push(value);
      }
    }
    if (q.sinceMs !== null) {
      where.push('ts >= ?');
      params.push(q.sinceMs);
    }
    if (q.untilMs !== null) {
      where.push('ts < ?');
      params.push(q.untilMs);
    }
    // Errors as isErrorEvent counts them (a tool_use is never an api_error).
    const byTime = q.sinceMs !== null && this.narrow(q.sinceMs, q.untilMs);
    const sql = `SELECT tool_name AS tool, COUNT(*) AS calls, SUM(status = 'error') AS errors,
        COUNT(duration_ms) AS timed_calls, COALESCE(SUM(duration_ms), 0) AS total_ms
      FROM events${byTime ? ' INDEXED BY events_ts' : ''} WHERE ${where.join(' AND ')} GROUP BY tool_name ORDER BY calls DESC, tool_name`;
    return this.statements.get(sql).all(...params) as ToolUsageRow[];
  }
}
