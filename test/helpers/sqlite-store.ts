/**
 * The SQLite storage as one object with the calls unit tests make (write a batch, read what the API
 * would show), over the real ports (exporters/sqlite/open.ts) and the API's real read models.
 * `db` is a second connection to the same file, for components that work on a connection
 * (retention's Pruner) as the writer thread does.
 */
import Database from 'better-sqlite3';
import type { EventQuery, SessionQuery, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import type { TimelineQuery } from '../../collector/core/usage.js';
import { openSqliteStorage, type SqliteStorage } from '../../exporters/sqlite/open.js';
import type { WriterOptions } from '../../exporters/sqlite/writer.js';
import { statsView } from '../../collector/api/read-models/stats.js';
import { costView } from '../../collector/api/read-models/cost.js';
import { blocksView } from '../../collector/api/read-models/blocks.js';

export class TestStore {
  readonly storage: SqliteStorage;
  readonly db: Database.Database;

  constructor(file: string, opts: WriterOptions) {
    this.storage = openSqliteStorage(file, opts);
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
  }

  writeBatch(batch: WriteBatch): WriteResult {
    return this.storage.ports.writer.writeBatch(batch) as WriteResult;
  }
  stats() {
    return statsView(this.storage.ports.stats);
  }
  costStats(q: TimelineQuery) {
    return costView(this.storage.ports.stats, q);
  }
  billingBlocks(q: { limit: number; now: Date; agent_type?: string; since?: string; until?: string }) {
    return blocksView(this.storage.ports.stats, q, q.now);
  }
  listSessions(q: SessionQuery) {
    return this.storage.ports.sessions.listSessions(q);
  }
  listSpans(sessionId: string, limit: number) {
    return this.storage.ports.sessions.listSpans(sessionId, limit);
  }
  listEvents(q: EventQuery) {
    return this.storage.ports.events.listEvents(q);
  }
  eventCount() {
    return this.storage.ports.events.eventCount();
  }
  close() {
    if (this.db.open) this.db.close();
    this.storage.close();
  }
}
