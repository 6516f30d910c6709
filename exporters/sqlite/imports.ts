/**
 * The CheckpointStore port (the files receiver's read positions): the import_files table (created by the first migration). One row per history
 * file: its size and mtime when last read, the byte offset consumed so far and the parser's state,
 * so an unchanged file is skipped and an appended one is read from where the last run stopped.
 */
import type Database from 'better-sqlite3';
import type { CheckpointStore, ImportFileRecord } from '../../collector/core/storage.js';

interface Row {
  path: string;
  size: number;
  mtime_ms: number;
  offset: number;
  state: string;
}

export class SqliteCheckpoints implements CheckpointStore {
  private readonly selectAll: Database.Statement<[], Row>;
  private readonly upsert: Database.Statement;
  private readonly saveAll: (records: ImportFileRecord[]) => void;

  constructor(db: Database.Database) {
    this.selectAll = db.prepare('SELECT path, size, mtime_ms, offset, state FROM import_files');
    this.upsert = db.prepare(
      `INSERT INTO import_files (path, size, mtime_ms, offset, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
         offset = excluded.offset, state = excluded.state`,
    );
    this.saveAll = db.transaction((records: ImportFileRecord[]) => {
      for (const r of records) {
        this.upsert.run(r.path, r.size, Math.round(r.mtime_ms), r.offset, JSON.stringify(r.state));
      }
    });
  }

  listImportFiles(): ImportFileRecord[] {
    return this.selectAll.all().map((row) => ({
      path: row.path,
      size: row.size,
      mtime_ms: row.mtime_ms,
      offset: row.offset,
      state: parseState(row.state),
    }));
  }

  saveImportFiles(records: ImportFileRecord[]): void {
    if (records.length > 0) this.saveAll(records);
  }
}

function parseState(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
