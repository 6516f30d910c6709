/** The SessionReader port: sessions by filter and cursor, one session, its subagents and spans. */
import type Database from 'better-sqlite3';
import type { SessionQuery, SessionReader, SessionRow, SessionSort, SpanRecord } from '../../collector/core/storage.js';
import { Statements } from './statements.js';
import { readSession, type DbSessionRow } from './sessions.js';

type Row = Record<string, unknown>;

/** Each sort as SQL, computing what sessionSortValue() computes from a row (collector/core/storage.ts). */
const SORT_SQL: Record<SessionSort, string> = {
  last_seen: 'last_seen',
  first_seen: 'first_seen',
  duration: "CAST(ROUND((unixepoch(COALESCE(ended_at, last_seen), 'subsec') - unixepoch(first_seen, 'subsec')) * 1000) AS INTEGER)",
  events: 'event_count',
  errors: 'error_count',
  tokens: '(tokens_in + tokens_out + cache_read_tokens + cache_write_tokens)',
  cost: 'CAST(ROUND(cost_usd * 1000000) AS INTEGER)',
};

/** Columns the sessions search looks in (lower-cased; `models` is its JSON array text). */
const SEARCHED = ['session_id', 'project', 'branch', 'cwd', 'models'];

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
    if (q.q) {
      // A scan of the sessions (one row per session, not per event): docs/benchmarks.md.
      where.push(`(${SEARCHED.map((c) => `instr(lower(COALESCE(${c}, '')), ?) > 0`).join(' OR ')})`);
      params.push(...SEARCHED.map(() => q.q!.toLowerCase()));
    }
    const expr = SORT_SQL[q.sort ?? 'last_seen'];
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    if (q.after) {
      const cmp = dir === 'ASC' ? '>' : '<';
      where.push(`(${expr} ${cmp} ? OR (${expr} = ? AND session_id ${cmp} ?))`);
      params.push(q.after.value, q.after.value, q.after.session_id);
    }
    const sql = `SELECT * FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY ${expr} ${dir}, session_id ${dir} LIMIT ?`;
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
