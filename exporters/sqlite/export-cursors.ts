/** The ExportCursorStore port: how far each forwarding exporter has delivered (export_cursors). */
import type Database from 'better-sqlite3';
import type { ExportCursorStore } from '../../collector/core/storage.js';

export class SqliteExportCursors implements ExportCursorStore {
  private readonly select: Database.Statement<[string, string], { position: number }>;
  private readonly upsert: Database.Statement<[string, string, number]>;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT position FROM export_cursors WHERE exporter = ? AND signal = ?');
    this.upsert = db.prepare(
      `INSERT INTO export_cursors (exporter, signal, position) VALUES (?, ?, ?)
       ON CONFLICT(exporter, signal) DO UPDATE SET position = excluded.position`,
    );
  }

  get(exporterId: string, signal: string): number | null {
    const row = this.select.get(exporterId, signal);
    return row ? Number(row.position) : null;
  }

  save(exporterId: string, signal: string, position: number): void {
    this.upsert.run(exporterId, signal, position);
  }
}
