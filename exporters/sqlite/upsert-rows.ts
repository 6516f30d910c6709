/**
 * Upserts of many rows into one table with multi-row statements: `INSERT … VALUES (…), (…) ON
 * CONFLICT … DO UPDATE` takes 16 rows a call, so the call and binding overhead is paid once per 16
 * rollup rows, not per row (~1 µs a row less: docs/benchmarks.md). SQLite applies the rows one by
 * one, each as the one-row statement would (a row whose key an earlier row of the same statement
 * inserted updates it), so the stored figures are the same.
 */
import type Database from 'better-sqlite3';

/** Rows per statement, largest first: whole chunks of 16, then of 4, then single rows. */
const SIZES = [16, 4, 1] as const;

export class RowUpsert {
  private readonly statements: Database.Statement[];
  private readonly width: number;

  /** `sql(values)`: the statement for the given VALUES list (`(?, ?), (?, ?)`). */
  constructor(db: Database.Database, width: number, sql: (values: string) => string) {
    this.width = width;
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    this.statements = SIZES.map((n) => db.prepare(sql(Array.from({ length: n }, () => row).join(', '))));
  }

  /** Writes `values`: whole rows of `width` values each, one after another. */
  run(values: unknown[]): void {
    const rows = values.length / this.width;
    let at = 0;
    SIZES.forEach((size, i) => {
      const stmt = this.statements[i];
      const step = size * this.width;
      for (; rows - at / this.width >= size; at += step) {
        // Spread: arguments bind without the per-element lookups an array argument costs.
        stmt.run(...(at === 0 && step === values.length ? values : values.slice(at, at + step)));
      }
    });
  }
}
