/**
 * How much of the database file is in use. Deleted rows free pages onto SQLite's freelist, where
 * later inserts reuse them; the file itself only shrinks with VACUUM (auto_vacuum is off). So the
 * size bound is measured on pages in use, not on the file's length.
 */
import type Database from 'better-sqlite3';

/** Bytes in pages that hold data: (page_count − freelist_count) × page_size. */
export function usedBytes(db: Database.Database): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}

/** Bytes of pages per table, its indexes included (the dbstat table; for benchmarks). */
export function bytesByTable(db: Database.Database): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT COALESCE(s.tbl_name, d.name) AS name, SUM(d.pgsize) AS used
       FROM dbstat AS d LEFT JOIN sqlite_schema AS s ON s.name = d.name
       GROUP BY 1 ORDER BY 2 DESC`,
    )
    .all() as Array<{ name: string; used: number }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.used]));
}

/** Rewrites the file without free pages (what `sqlite3 agentstats.db VACUUM` does; needs the server stopped). */
export function vacuum(db: Database.Database): void {
  db.exec('VACUUM');
}
