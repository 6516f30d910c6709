/**
 * Fills the quarter-hour rollup (migration 5) for events stored before it existed, from the events
 * table. It runs when the storage opens, before anything is written: one IMMEDIATE transaction per
 * range of `seq`, each moving the cursor in `rollup_backfill` with the rows it added, so a crash or
 * kill resumes where it stopped and two processes opening the file at once never fold a range twice.
 *
 * SQL groups a range's counted events by quarter hour and by everything that decides how they count
 * (dimension values, type, status, priced or not) and sums their figures; the groups are then folded
 * with the writer's own rules (DIMENSIONS, addEvents), about a third as many rows as events.
 *
 * Last, every hour's quarters are checked against its hourly row ('all' counters). An hour whose
 * raw events are no longer all there (pruned by retention) cannot be split again: its hourly rows go
 * whole into its first quarter, so totals stay exact and only that hour's split is lost.
 */
import type Database from 'better-sqlite3';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { addEvents, COUNTER_COLUMNS, DIMENSIONS, emptyCounters, type Counters } from './rollups.js';
import { QUARTER_MS, QUARTERS_PER_HOUR } from './quarters.js';

const NAME = 'quarter_hours';

/** Everything DIMENSIONS and addEvents read, grouped on; the figures summed. */
const GROUPED = ['agent_type', 'event_type', 'source', 'tool_name', 'status', 'model', 'project', 'branch'] as const;
const SUMMED = ['tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const;

export interface BackfillOptions {
  /** Event seqs per transaction. */
  batch?: number;
  /** Stop after this many batches (tests: a run cut short). */
  maxBatches?: number;
  log?(msg: string, fields?: Record<string, unknown>): void;
}

export interface BackfillResult {
  /** Event seqs covered (pruned or folded events leave gaps; a seq counts all the same). */
  seqs: number;
  batches: number;
  /** Hours kept whole in their first quarter because their raw events are gone. */
  unsplitHours: number;
  done: boolean;
}

export function backfillQuarterHours(db: Database.Database, opts: BackfillOptions = {}): BackfillResult {
  const batchSize = opts.batch ?? 50_000;
  const result: BackfillResult = { seqs: 0, batches: 0, unsplitHours: 0, done: false };
  const cursor = db.prepare('SELECT next_seq, end_seq FROM rollup_backfill WHERE name = ?');
  const pending = cursor.get(NAME) as { next_seq: number; end_seq: number } | undefined;
  if (!pending) return { ...result, done: true };

  // Floor division (SQLite's / truncates toward zero): a time before 1970 lands in its own quarter.
  const quarter = `(ts / ${QUARTER_MS} - (ts % ${QUARTER_MS} < 0))`;
  const select = db
    .prepare(
      `SELECT ${quarter}, ${GROUPED.join(', ')}, cost_usd IS NULL, COUNT(*), ${SUMMED.map((c) => `SUM(${c})`).join(', ')}, TOTAL(cost_usd)
       FROM events WHERE seq >= ? AND seq <= ? AND counted = 1
       GROUP BY 1, ${GROUPED.map((_, i) => i + 2).join(', ')}, ${GROUPED.length + 2}`,
    )
    .raw(true);
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
    const last = Math.min(at.next_seq + batchSize - 1, at.end_seq);
    const rows = foldGroups(select.all(at.next_seq, last) as unknown[][]);
    for (const { quarter: q, dim, key, c } of rows) upsert.run(q, dim, key, ...COUNTER_COLUMNS.map((col) => c[col]));
    result.seqs += last - at.next_seq + 1;
    result.batches += 1;
    if (last >= at.end_seq) {
      result.unsplitHours = keepUnsplitHoursWhole(db);
      finish.run(NAME);
      return false;
    }
    advance.run(last + 1, NAME);
    return true;
  });

  const total = pending.end_seq - pending.next_seq + 1;
  opts.log?.('building the quarter-hour rollup from stored events (once, after an upgrade)', { seqs: total });
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    if (opts.maxBatches !== undefined && result.batches >= opts.maxBatches) return result;
    if (!step.immediate()) break;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      opts.log?.('quarter-hour rollup: progress', { seqs_done: result.seqs, seqs: total });
    }
  }
  result.done = true;
  opts.log?.('quarter-hour rollup built', { seqs: result.seqs, seconds: (Date.now() - started) / 1000, unsplit_hours: result.unsplitHours });
  return result;
}

/** Grouped rows (quarter, GROUPED…, unpriced, n, SUMMED…, cost) folded into quarter-hour rows. */
function foldGroups(groups: unknown[][]): Array<{ quarter: number; dim: string; key: string; c: Counters }> {
  const out = new Map<string, { quarter: number; dim: string; key: string; c: Counters }>();
  for (const g of groups) {
    const e = {} as Record<string, unknown>;
    GROUPED.forEach((col, i) => (e[col] = g[i + 1]));
    const unpriced = g[GROUPED.length + 1] === 1;
    const n = g[GROUPED.length + 2] as number;
    const sums = {} as Record<string, unknown>;
    SUMMED.forEach((col, i) => (sums[col] = g[GROUPED.length + 3 + i]));
    sums.cost_usd = g[GROUPED.length + 3 + SUMMED.length];
    e.cost_usd = unpriced ? null : sums.cost_usd;
    const event = e as unknown as CanonicalEvent;
    for (const [dim, read] of DIMENSIONS) {
      const key = read(event);
      if (key === null) continue;
      const id = `${g[0] as number}\u0000${dim}\u0000${key}`;
      let row = out.get(id);
      if (!row) out.set(id, (row = { quarter: g[0] as number, dim, key, c: emptyCounters() }));
      addEvents(row.c, event, n, sums as unknown as CanonicalEvent);
    }
  }
  return [...out.values()];
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
