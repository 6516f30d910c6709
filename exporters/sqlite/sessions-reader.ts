/** The SessionReader port: sessions by filter and cursor, one session, its subagents and spans. */
import type Database from 'better-sqlite3';
import type { SessionQuery, SessionReader, SessionRow, SpanRecord } from '../../collector/core/storage.js';
import { Statements } from './statements.js';
import { readSession, type DbSessionRow } from './sessions.js';

type Row = Record<string, unknown>;

export class SqliteSessionReader implements SessionReader {
  private readonly statements: Statements;
  private readonly selectOne: Database.Statement<[string], DbSessionRow>;
  private readonly selectChildren: Database.Statement<[string], DbSessionRow>;
  private readonly selectSpans: Database.Statement<[string, number], Row>;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.selectOne = db.prepare('SELECT * FROM sessions WHERE session_id = ?');
    this.selectChildren = db.prepare('SELECT * FROM sessions WHERE parent_session_id = ? ORDER BY first_seen');
    this.selectSpans = db.prepare('SELECT * FROM spans WHERE session_id = ? ORDER BY start_time LIMIT ?');
  }

  listSessions(q: SessionQuery): SessionRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.exclude_status) {
      where.push('status != ?');
      params.push(q.exclude_status);
    }
    if (q.agent_type) {
      where.push('agent_type = ?');
      params.push(q.agent_type);
    }
    if (q.project) {
      where.push('project = ?');
      params.push(q.project);
    }
    if (q.branch) {
      where.push('branch = ?');
      params.push(q.branch);
    }
    if (q.model) {
      // `models` is a JSON array of the models the session used.
      where.push('EXISTS (SELECT 1 FROM json_each(sessions.models) WHERE value = ?)');
      params.push(q.model);
    }
    // Active in [since, until): ISO strings of one format compare as times.
    if (q.since) {
      where.push('last_seen >= ?');
      params.push(q.since);
    }
    if (q.until) {
      where.push('first_seen < ?');
      params.push(q.until);
    }
    if (q.before) {
      // session_id breaks ties, so sessions sharing a last_seen are neither skipped nor repeated.
      where.push('(last_seen < ? OR (last_seen = ? AND session_id < ?))');
      params.push(q.before.last_seen, q.before.last_seen, q.before.session_id);
    }
    const sql = `SELECT * FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY last_seen DESC, session_id DESC LIMIT ?`;
    return (this.statements.get(sql).all(...params, q.limit) as DbSessionRow[]).map(readSession);
  }

  getSession(sessionId: string): SessionRow | null {
    const row = this.selectOne.get(sessionId);
    return row ? readSession(row) : null;
  }

  childSessions(sessionId: string): SessionRow[] {
    return this.selectChildren.all(sessionId).map(readSession);
  }

  listSpans(sessionId: string, limit: number): SpanRecord[] {
    return this.selectSpans.all(sessionId, limit).map((r) => ({
      ...(r as unknown as SpanRecord),
      attributes: JSON.parse(r.attributes as string) as Record<string, unknown>,
      extra: JSON.parse(r.extra as string) as Record<string, unknown>,
    }));
  }
}
