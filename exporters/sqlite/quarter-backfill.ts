/**
 * Fills the quarter-hour rollup (migration 5) for events stored before it existed, from the events
 * table, with the same fold the writer uses. It runs when the storage opens, before anything is
 * written: one IMMEDIATE transaction per batch of events, each moving the cursor in
 * `rollup_backfill` with the rows it added, so a crash or kill resumes where it stopped and two
 * processes opening the file at once never fold a batch twice.
 *
 * Last, every hour's quarters are checked against its hourly row ('all' counters). An hour whose
 * raw events are no longer all there (pruned by retention) cannot be split again: its hourly rows go
 * whole into its first quarter, so totals stay exact and only that hour's split is lost.
 */
import type Database from 'better-sqlite3';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { COUNTER_COLUMNS, foldRollups } from './rollups.js';
import { QUARTERS_PER_HOUR } from './quarters.js';

const NAME = 'quarter_hours';
const FOLDED_COLUMNS = [
  'seq', 'ts', 'counted', 'agent_type', 'event_type', 'source', 'tool_name', 'status', 'model', 'project', 'branch',
  'tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'duration_ms',
] as const;

export interface BackfillOptions {
  /** Events per transaction. */
  batch?: number;
  /** Stop after this many batches (tests: a run cut short). */
  maxBatches?: number;
  log?(msg: string, fields?: Record<string, unknown>): void;
}

export interface BackfillResult {
  events: number;
  batches: number;
  /** Hours kept whole in their first quarter because their raw events are gone. */
  unsplitHours: number;
  done: boolean;
}

export function backfillQuarterHours(db: Database.Database, opts: BackfillOptions = {}): BackfillResult {
  const batchSize = opts.batch ?? 50_000;
  const result: BackfillResult = { events: 0, batches: 0, unsplitHours: 0, done: false };
  const cursor = db.prepare('SELECT next_seq, end_seq FROM rollup_backfill WHERE name = ?');
  const pending = cursor.get(NAME) as { next_seq: number; end_seq: number } | undefined;
  if (!pending) return { ...result, done: true };

  const select = db.prepare(
    `SELECT ${FOLDED_COLUMNS.join(', ')} FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO quarter_hours (quarter, dim, key, ${COUNTER_COLUMNS.join(', ')})
     VALUES (?, ?, ?, ${COUNTER_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT(quarter, dim, key) DO UPDATE SET ${COUNTER_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
  );
  const advance = db.prepare('UPDATE rollup_backfill SET next_seq = ? WHERE name = ?');
  const finish = db.prepare('DELETE FROM rollup_backfill WHERE name = ?');

  const step = db.transaction((): boolean => {
    // Re-read in the transaction: another process may have moved the cursor meanwhile.
    const at = cursor.get(NAME) as { next_seq: number; end_seq: number } | undefined;
    if (!at) return false;
    const rows = select.all(at.next_seq, at.end_seq, batchSize) as Array<Record<string, unknown>>;
    const counted = rows
      .filter((row) => row.counted === 1)
      .map((row) => ({ event: row as unknown as CanonicalEvent, tsMs: row.ts as number }));
    for (const { quarter, dim, key, c } of foldRollups(counted).quarters.values()) {
      upsert.run(quarter, dim, key, ...COUNTER_COLUMNS.map((col) => c[col]));
    }
    result.events += rows.length;
    result.batches += 1;
    if (rows.length < batchSize || (rows[rows.length - 1].seq as number) >= at.end_seq) {
      result.unsplitHours = keepUnsplitHoursWhole(db);
      finish.run(NAME);
      return false;
    }
    advance.run((rows[rows.length - 1].seq as number) + 1, NAME);
    return true;
  });

  const total = pending.end_seq - pending.next_seq + 1;
  opts.log?.('building the quarter-hour rollup from stored events (once, after an upgrade)', { events: total });
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    if (opts.maxBatches !== undefined && result.batches >= opts.maxBatches) return result;
    if (!step.immediate()) break;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      opts.log?.('quarter-hour rollup: progress', { events_done: result.events, events: total });
    }
  }
  result.done = true;
  opts.log?.('quarter-hour rollup built', { events: result.events, seconds: (Date.now() - started) / 1000, unsplit_hours: result.unsplitHours });
  return result;
}

/** Hours whose quarters do not add up to their hourly row get the hourly rows in their first quarter. */
function keepUnsplitHoursWhole(db: Database.Database): number {
  const ints = COUNTER_COLUMNS.filter((c) => c !== 'cost_usd');
  const hours = db
    .prepare(
      `SELECT h.hour FROM hourly h LEFT JOIN (
         SELECT quarter >> 2 AS hour, ${ints.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
         FROM quarter_hours WHERE dim = 'all' AND key = '' GROUP BY quarter >> 2
       ) q ON q.hour = h.hour
       WHERE h.dim = 'all' AND h.key = '' AND (q.hour IS NULL OR ${ints.map((c) => `q.${c} != h.${c}`).join(' OR ')})`,
    )
    .pluck()
    .all() as number[];
  const clear = db.prepare('DELETE FROM quarter_hours WHERE quarter >= ? AND quarter < ?');
  const copy = db.prepare(
    `INSERT INTO quarter_hours (quarter, dim, key, ${COUNTER_COLUMNS.join(', ')})
     SELECT hour * ${QUARTERS_PER_HOUR}, dim, key, ${COUNTER_COLUMNS.join(', ')} FROM hourly WHERE hour = ?`,
  );
  for (const hour of hours) {
    clear.run(hour * QUARTERS_PER_HOUR, (hour + 1) * QUARTERS_PER_HOUR);
    copy.run(hour);
  }
  return hours.length;
}
