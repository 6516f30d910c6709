/** The EventReader port: events by filter and cursor (API, SSE replay), counts for /api/health. */
import type Database from 'better-sqlite3';
import type { EventQuery, EventReader, StoredEvent } from '../../collector/core/storage.js';
import { Statements } from './statements.js';

const EVENT_FILTER_COLUMNS = [
  'agent_type',
  'event_type',
  'tool_name',
  'session_id',
  'branch',
  'model',
  'source',
  'project',
  'status',
  'machine',
] as const;

type Row = Record<string, unknown>;

function eventFromRow(row: Row): StoredEvent {
  const { ts: _ts, counted, metadata, ...rest } = row;
  const event = { ...rest, metadata: JSON.parse(metadata as string) as Record<string, unknown> } as unknown as StoredEvent;
  // As the writer marks it on the live stream, so a replayed event reads the same.
  if (counted === 0) event.metadata = { ...event.metadata, counted_elsewhere: true };
  return event;
}

export class SqliteEventReader implements EventReader {
  private readonly statements: Statements;
  private readonly countAll: Database.Statement<[], { events: number }>;
  private readonly countFolded: Database.Statement<[], { n: number }>;
  private readonly selectMaxSeq: Database.Statement<[], { seq: number }>;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.countAll = db.prepare("SELECT events FROM totals WHERE dim = 'all' AND key = ''");
    this.countFolded = db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM folded');
    this.selectMaxSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events');
  }

  listEvents(q: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const col of EVENT_FILTER_COLUMNS) {
      const value = q[col];
      if (value !== undefined) {
        where.push(`${col} = ?`);
        params.push(value);
      }
    }
    if (q.since) {
      where.push('ts >= ?');
      params.push(Date.parse(q.since));
    }
    if (q.until) {
      where.push('ts < ?');
      params.push(Date.parse(q.until));
    }
    if (q.before_seq !== undefined) {
      where.push('seq < ?');
      params.push(q.before_seq);
    }
    if (q.after_seq !== undefined) {
      where.push('seq > ?');
      params.push(q.after_seq);
    }
    const order = q.after_seq !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY seq ${order} LIMIT ?`;
    return (this.statements.get(sql).all(...params, q.limit) as Row[]).map(eventFromRow);
  }

  /** Every stored event, folded sightings included. */
  eventCount(): number {
    return Number(this.countAll.get()?.events ?? 0) + Number(this.countFolded.get()!.n);
  }

  maxSeq(): number {
    return Number(this.selectMaxSeq.get()!.seq);
  }
}
