/**
 * The floor the ingest benchmark compares against: the same event rows inserted into the `events`
 * table (with its indexes) and nothing else — no rollups, sessions, correlation claims or pairing —
 * one transaction per batch, on a connection tuned like the server's. Benchmarks only.
 */
import Database from 'better-sqlite3';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { migrate, tune } from './schema.js';
import { EVENT_COLUMNS, toRow } from './writer.js';

export interface BareInsert {
  /** Inserts the batch in one transaction; returns how many rows were new. */
  writeBatch(events: CanonicalEvent[]): number;
  close(): void;
}

export function openBareInsert(dbPath: string): BareInsert {
  const db = new Database(dbPath);
  tune(db);
  migrate(db);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const tx = db.transaction((events: CanonicalEvent[]) => {
    let n = 0;
    for (const e of events) n += insert.run(...toRow(e, Date.parse(e.client_timestamp ?? e.created_at))).changes;
    return n;
  });
  return { writeBatch: (events) => tx.immediate(events), close: () => db.close() };
}
