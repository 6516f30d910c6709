/**
 * SqliteStore: the Store interface over one better-sqlite3 connection (WAL, so the importer and
 * readers can share the file with a running server).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  BlockQuery,
  CostQuery,
  EventQuery,
  ImportFileRecord,
  SessionQuery,
  Store,
  WriteBatch,
} from '../../collector/core/storage.js';
import { eventTime } from '../../collector/core/event.js';
import { migrate, tune } from './schema.js';
import { Writer, type WriterOptions } from './writer.js';
import { Queries } from './queries.js';
import { ImportFiles } from './imports.js';
import { BillingBlocks } from './blocks.js';
import { InactiveSessions } from './session-sweep.js';
import { prepareDatabaseFiles, tightenSidecars, type ModeChange } from './file-modes.js';

export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly writer: Writer;
  private readonly queries: Queries;
  private readonly imports: ImportFiles;
  private readonly blocks: BillingBlocks;
  private readonly inactive: InactiveSessions;
  /** Permissions tightened on open (files an older version left readable by others). */
  readonly modeChanges: ModeChange[] = [];

  constructor(dbPath: string, opts: WriterOptions) {
    const file = dbPath === ':memory:' ? null : path.resolve(dbPath);
    if (file) this.modeChanges.push(...prepareDatabaseFiles(file));
    this.db = new Database(dbPath);
    tune(this.db);
    if (file) this.modeChanges.push(...tightenSidecars(file));
    migrate(this.db);
    this.writer = new Writer(this.db, opts);
    this.queries = new Queries(this.db);
    this.imports = new ImportFiles(this.db);
    this.blocks = new BillingBlocks(this.db);
    this.inactive = new InactiveSessions(this.db);
  }

  writeBatch(batch: WriteBatch) {
    return this.writer.write(batch);
  }
  listEvents(query: EventQuery) {
    return this.queries.listEvents(query);
  }
  listSessions(query: SessionQuery) {
    return this.queries.listSessions(query);
  }
  getSession(sessionId: string) {
    return this.queries.getSession(sessionId);
  }
  childSessions(sessionId: string) {
    return this.queries.childSessions(sessionId);
  }
  listSpans(sessionId: string, limit: number) {
    return this.queries.listSpans(sessionId, limit);
  }
  /** When a tool call started, from its stored tool_start event (the hooks receiver's fallback). */
  toolStartMs(agentType: string, sessionId: string, toolUseId: string): number | null {
    const starts = this.queries.listEvents({ session_id: sessionId, event_type: 'tool_start', limit: 200 });
    const hit = starts.find((e) => e.tool_use_id === toolUseId && e.agent_type === agentType);
    return hit ? Date.parse(eventTime(hit)) : null;
  }
  markIdleSessions(olderThan: Date) {
    return this.queries.markIdleSessions(olderThan);
  }
  endInactiveSessions(olderThan: Date) {
    return this.inactive.endOlderThan(olderThan);
  }
  stats() {
    return this.queries.stats();
  }
  costStats(query: CostQuery) {
    return this.queries.costStats(query);
  }
  filterOptions() {
    return this.queries.filterOptions();
  }
  eventCount() {
    return this.queries.eventCount();
  }
  maxSeq() {
    return this.queries.maxSeq();
  }
  listImportFiles() {
    return this.imports.list();
  }
  saveImportFiles(records: ImportFileRecord[]) {
    this.imports.save(records);
  }
  billingBlocks(query: BlockQuery) {
    return this.blocks.query(query);
  }
  close() {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
