/**
 * Tool calls and failures per tool for any filter (project, branch, model, agent, machine) and
 * range: counted from the stored tool_use events, because the rollups keep tools apart from those
 * fields. One grouped query; the range bounds it through the events_ts index. Folded sightings
 * (counted = 0) are left out, as everywhere else. Events pruned by retention are no longer counted.
 */
import type Database from 'better-sqlite3';
import type { ToolUsageQuery, ToolUsageReader, ToolUsageRow } from '../../collector/core/storage.js';
import { Statements } from './statements.js';

const FILTER_COLUMNS = ['agent_type', 'project', 'branch', 'model', 'source', 'machine'] as const;

export class ToolUsage implements ToolUsageReader {
  private readonly statements: Statements;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
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
    const sql = `SELECT tool_name AS tool, COUNT(*) AS calls, SUM(status = 'error') AS errors,
        COUNT(duration_ms) AS timed_calls, COALESCE(SUM(duration_ms), 0) AS total_ms
      FROM events WHERE ${where.join(' AND ')} GROUP BY tool_name ORDER BY calls DESC, tool_name`;
    return this.statements.get(sql).all(...params) as ToolUsageRow[];
  }
}
