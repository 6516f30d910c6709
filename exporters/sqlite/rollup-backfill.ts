/**
 * Fills rollup rows that a migration added for events stored before it, from the events table:
 *  - `quarter_hours` (migration 7): the quarter-hour rollup of the dimensions that existed then;
 *  - `combo` (migration 8): the `machine` and combined dimensions (combo.ts) in all three rollups.
 * It runs when the storage opens, before anything is written: one IMMEDIATE transaction per range
 * of `seq`, each moving the job's cursor in `rollup_backfill` with the rows it added, so a crash or
 * kill resumes where it stopped and two processes opening the file at once never fold a range twice.
 *
 * SQL groups a range's counted events by quarter hour and by everything that decides how they count
 * (dimension values, type, status, priced or not) and sums their figures; the groups are then folded
 * with the writer's own rules (DIMENSIONS, addEvents), about a third as many rows as events.
 *
 * Last (quarter_hours), every hour's quarters are checked against its hourly row ('all' counters). An
 * hour whose raw events are no longer all there (pruned by retention) cannot be split again: its
 * hourly rows go whole into its first quarter, so totals stay exact and only that hour's split is
 * lost. Events pruned before migration 8 cannot be attributed to combined keys: filtered usage of
 * that old history is missing them (docs/retention.md); unfiltered totals are unaffected.
 */
import type Database from 'better-sqlite3';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { addEvents, COUNTER_COLUMNS, DIMENSIONS, emptyCounters, type Counters, type RollupDimension } from './rollups.js';
import { QUARTER_MS, QUARTERS_PER_HOUR } from './quarters.js';
import { COMBO_DIM } from './combo.js';

/** A backfill: its cursor's name, the dimensions it folds, and whether it also fills hourly and totals. */
interface Job {
  name: string;
  dims: ReadonlySet<RollupDimension>;
  allTables: boolean;
  what: string;
}

const COMBO_DIMS: ReadonlySet<RollupDimension> = new Set(['machine', COMBO_DIM]);
const QUARTER_JOB: Job = {
  name: 'quarter_hours',
  // The dimensions that existed when migration 7 ran; the combo job adds the later ones.
  dims: new Set(DIMENSIONS.map(([dim]) => dim).filter((dim) => !COMBO_DIMS.has(dim))),
  allTables: false,
  what: 'quarter-hour rollup',
};
const COMBO_JOB: Job = { name: 'combo', dims: COMBO_DIMS, allTables: true, what: 'per-machine and filterable rollup' };

/** Everything DIMENSIONS and addEvents read, grouped on; the figures summed. */
const GROUPED = ['agent_type', 'event_type', 'source', 'tool_name', 'status', 'model', 'project', 'branch', 'machine'] as const;
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

/** Every pending backfill, oldest migration first. */
export function backfillRollups(db: Database.Database, opts: BackfillOptions = {}): void {
  backfillQuarterHours(db, opts);
  backfillCombo(db, opts);
}

export function backfillQuarterHours(db: Database.Database, opts: BackfillOptions = {}): BackfillResult {
  return runJob(db, QUARTER_JOB, opts);
}

export function backfillCombo(db: Database.Database, opts: BackfillOptions = {}): BackfillResult {
  return runJob(db, COMBO_JOB, opts);
}

function counterUpsert(db: Database.Database, table: string, keys: string[]): Database.Statement {
  return db.prepare(
    `INSERT INTO ${table} (${keys.join(', ')}, ${COUNTER_COLUMNS.join(', ')})
     VALUES (${keys.map(() => '?').join(', ')}, ${COUNTER_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT(${keys.join(', ')}) DO UPDATE SET ${COUNTER_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
  );
}

function runJob(db: Database.Database, job: Job, opts: BackfillOptions): BackfillResult {
  const name = job.name;
  const batchSize = opts.batch ?? 50_000;
  const result: BackfillResult = { seqs: 0, batches: 0, unsplitHours: 0, done: false };
  const cursor = db.prepare('SELECT next_seq, end_seq FROM rollup_backfill WHERE name = ?');
  const pending = cursor.get(name) as { next_seq: number; end_seq: number } | undefined;
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
  const upsertQuarter = counterUpsert(db, 'quarter_hours', ['quarter', 'dim', 'key']);
  const upsertHour = job.allTables ? counterUpsert(db, 'hourly', ['hour', 'dim', 'key']) : null;
  const upsertTotal = job.allTables ? counterUpsert(db, 'totals', ['dim', 'key']) : null;
  const advance = db.prepare('UPDATE rollup_backfill SET next_seq = ? WHERE name = ?');
  const finish = db.prepare('DELETE FROM rollup_backfill WHERE name = ?');

  const step = db.transaction((): boolean => {
    // Re-read in the transaction: another process may have moved the cursor meanwhile.
    const at = cursor.get(name) as { next_seq: number; end_seq: number } | undefined;
    if (!at) return false;
    const last = Math.min(at.next_seq + batchSize - 1, at.end_seq);
    const rows = foldGroups(select.all(at.next_seq, last) as unknown[][], job.dims);
    for (const { quarter: q, dim, key, c } of rows) {
      const figures = COUNTER_COLUMNS.map((col) => c[col]);
      upsertQuarter.run(q, dim, key, ...figures);
      upsertHour?.run(Math.floor(q / QUARTERS_PER_HOUR), dim, key, ...figures);
      upsertTotal?.run(dim, key, ...figures);
    }
    result.seqs += last - at.next_seq + 1;
    result.batches += 1;
    if (last >= at.end_seq) {
      if (!job.allTables) result.unsplitHours = keepUnsplitHoursWhole(db);
      finish.run(name);
      return false;
    }
    advance.run(last + 1, name);
    return true;
  });

  const total = pending.end_seq - pending.next_seq + 1;
  opts.log?.(`building the ${job.what} from stored events (once, after an upgrade)`, { seqs: total });
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    if (opts.maxBatches !== undefined && result.batches >= opts.maxBatches) return result;
    if (!step.immediate()) break;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      opts.log?.(`${job.what}: progress`, { seqs_done: result.seqs, seqs: total });
    }
  }
  result.done = true;
  opts.log?.(`${job.what} built`, { seqs: result.seqs, seconds: (Date.now() - started) / 1000, unsplit_hours: result.unsplitHours });
  return result;
}

/** Grouped rows (quarter, GROUPED…, unpriced, n, SUMMED…, cost) folded into quarter-hour rows. */
function foldGroups(groups: unknown[][], dims: ReadonlySet<RollupDimension>): Array<{ quarter: number; dim: string; key: string; c: Counters }> {
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
      if (!dims.has(dim)) continue;
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
