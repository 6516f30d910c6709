/**
 * Multi-row upserts (upsert-rows.ts) store what one-row upserts of the same rows store: every row
 * count across the chunk sizes (16, 4, 1), keys repeated within one statement, float sums in order.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RowUpsert } from './upsert-rows.js';

function table(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT NOT NULL, n INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (k)) WITHOUT ROWID');
  return db;
}
const SQL = (values: string) => `INSERT INTO t (k, n, v) VALUES ${values} ON CONFLICT(k) DO UPDATE SET n = n + excluded.n, v = v + excluded.v`;

describe('RowUpsert', () => {
  it.each([0, 1, 3, 4, 5, 15, 16, 17, 20, 21, 37, 100])('writes %i rows as one-row upserts would', (count) => {
    const rows: Array<[string, number, number]> = [];
    // Few keys, so rows meet rows of the same key inside one statement and across statements.
    for (let i = 0; i < count; i++) rows.push([`k${(i * 7) % 6}`, i, 0.1 * (i + 1)]);
    const multi = table();
    new RowUpsert(multi, 3, SQL).run(rows.flat());
    const single = table();
    const one = single.prepare(SQL('(?, ?, ?)'));
    for (const r of rows) one.run(r);
    const read = (db: Database.Database) => db.prepare('SELECT k, n, v FROM t ORDER BY k').raw().all();
    expect(read(multi)).toEqual(read(single));
    expect(read(multi).length).toBe(Math.min(count, 6));
  });
});
