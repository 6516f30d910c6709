/**
 * Retention: prunes raw rows (events, spans, metric points) older than the window, and oldest first
 * while the database uses more than its size bound. One step() is one IMMEDIATE transaction of at
 * most `rows` rows, so a batch or a read never waits behind more than one such step; the caller
 * yields between steps (retention-runner.ts).
 *
 * An event's search row (search_fts) is deleted with it.
 *
 * Kept, whatever is pruned: everything the numbers are read from (sessions, totals, hourly,
 * tool_latency, tool_latency_days, folded, metric_totals, metric_series), the fold bookkeeping (correlations: a late
 * sighting of a pruned call still folds into it), import checkpoints, a fingerprint of each pruned
 * event id (pruned-events.ts) and the event with the highest seq (SQLite hands out max(seq) + 1
 * next: deleting it would give its seq to another event and confuse cursors and correlations).
 *
 * Events go oldest first by their time (`ts`, the events_ts index), so imported history is pruned
 * as old as it is. Spans and metric points have no time index: they go in arrival order (rowid),
 * while the oldest arrival is older than the cutoff; OTLP exports them as they happen, so arrival
 * order is time order to within a span's length.
 */
import type Database from 'better-sqlite3';
import { eventFingerprint, PRUNED_UNTIL_KEY } from './pruned-events.js';
import { usedBytes } from './space.js';

export interface PruneRequest {
  /** Prune rows whose time is before this instant (epoch ms); null: no age limit. */
  olderThanMs: number | null;
  /** Prune oldest first while the pages in use exceed this many bytes; null: no bound. */
  maxBytes: number | null;
  /** Most rows deleted in this step's transaction. */
  rows: number;
}

export type RawTable = 'events' | 'spans' | 'metric_points';

export interface PruneStep {
  /** The table this step deleted from; null when there was nothing to prune. */
  table: RawTable | null;
  deleted: number;
  reason: 'age' | 'size' | null;
  /** Pages in use after the step, in bytes. */
  usedBytes: number;
  /** Still over the size bound with no raw row left to prune (the derived tables alone exceed it). */
  overBound: boolean;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Spans and metric points: the oldest arrivals with their time column. The newest row stays, as the
 * newest event does: SQLite hands out max(rowid) + 1, and a reused position would hide new rows from
 * the forwarding cursors (exporters/otlp).
 */
const HEADS: Record<Exclude<RawTable, 'events'>, { select: string; remove: string }> = {
  spans: {
    select: 'SELECT rowid AS id, start_time AS time FROM spans WHERE rowid < (SELECT max(rowid) FROM spans) ORDER BY rowid LIMIT ?',
    remove: 'DELETE FROM spans WHERE rowid = ?',
  },
  metric_points: {
    select: 'SELECT id, time FROM metric_points WHERE id < (SELECT max(id) FROM metric_points) ORDER BY id LIMIT ?',
    remove: 'DELETE FROM metric_points WHERE id = ?',
  },
};

interface HeadRow {
  id: number;
  time: string;
}

export class Pruner {
  private readonly maxSeq: Database.Statement<[], number | null>;
  private readonly oldestEvents: Database.Statement<[number, number, number], { seq: number; event_id: string; ts: number }>;
  private readonly removeEvent: Database.Statement<[number]>;
  private readonly removeSearchRow: Database.Statement<[number]>;
  private readonly addFingerprint: Database.Statement<[bigint]>;
  private readonly raiseUntil: Database.Statement<[string, number]>;
  private readonly heads: Record<Exclude<RawTable, 'events'>, { select: Database.Statement<[number], HeadRow>; remove: Database.Statement<[number]> }>;
  private readonly tx: Database.Transaction<(req: PruneRequest) => PruneStep>;

  constructor(private readonly db: Database.Database) {
    this.maxSeq = db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck();
    // The events_ts index walked in time order; the newest seq is never taken (see above).
    this.oldestEvents = db.prepare('SELECT seq, event_id, ts FROM events WHERE ts < ? AND seq < ? ORDER BY ts LIMIT ?');
    this.removeEvent = db.prepare('DELETE FROM events WHERE seq = ?');
    // Its search row goes with it (a seq not indexed yet has none: the delete is a no-op).
    this.removeSearchRow = db.prepare('DELETE FROM search_fts WHERE rowid = ?');
    this.addFingerprint = db.prepare('INSERT OR IGNORE INTO pruned_events (id) VALUES (?)');
    this.raiseUntil = db.prepare(
      `INSERT INTO retention_state (key, value) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)`,
    );
    const head = (t: Exclude<RawTable, 'events'>) => ({
      select: db.prepare<[number], HeadRow>(HEADS[t].select),
      remove: db.prepare<[number]>(HEADS[t].remove),
    });
    this.heads = { spans: head('spans'), metric_points: head('metric_points') };
    this.tx = db.transaction((req: PruneRequest) => this.stepInTransaction(req));
  }

  /** Deletes at most `req.rows` rows in one transaction; `deleted: 0` means nothing is left to do. */
  step(req: PruneRequest): PruneStep {
    return this.tx.immediate(req);
  }

  private stepInTransaction(req: PruneRequest): PruneStep {
    const rows = Math.max(1, Math.floor(req.rows));
    if (req.olderThanMs !== null) {
      for (const table of ['events', 'spans', 'metric_points'] as const) {
        const deleted = this.prune(table, req.olderThanMs, rows);
        if (deleted > 0) return this.result(table, deleted, 'age');
      }
    }
    if (req.maxBytes !== null && usedBytes(this.db) > req.maxBytes) {
      const table = this.oldestTable();
      if (table === null) return { table: null, deleted: 0, reason: null, usedBytes: usedBytes(this.db), overBound: true };
      return this.result(table, this.prune(table, NO_LIMIT, rows), 'size');
    }
    return { table: null, deleted: 0, reason: null, usedBytes: usedBytes(this.db), overBound: false };
  }

  private result(table: RawTable, deleted: number, reason: 'age' | 'size'): PruneStep {
    return { table, deleted, reason, usedBytes: usedBytes(this.db), overBound: false };
  }

  /** Deletes up to `rows` of the table's oldest rows older than `olderThanMs`. */
  private prune(table: RawTable, olderThanMs: number, rows: number): number {
    if (table === 'events') return this.pruneEvents(olderThanMs, rows);
    const { select, remove } = this.heads[table];
    let deleted = 0;
    for (const row of select.all(rows)) {
      // A time that cannot be read is no use to any view: it goes with its neighbours.
      if (Date.parse(row.time) >= olderThanMs) break;
      remove.run(row.id);
      deleted++;
    }
    return deleted;
  }

  private pruneEvents(olderThanMs: number, rows: number): number {
    const maxSeq = this.maxSeq.get();
    if (maxSeq === null || maxSeq === undefined) return 0;
    const victims = this.oldestEvents.all(olderThanMs, maxSeq, rows);
    let until = -Infinity;
    for (const e of victims) {
      this.removeEvent.run(e.seq);
      this.removeSearchRow.run(e.seq);
      this.addFingerprint.run(eventFingerprint(e.event_id));
      if (e.ts > until) until = e.ts;
    }
    if (victims.length > 0) this.raiseUntil.run(PRUNED_UNTIL_KEY, until);
    return victims.length;
  }

  /** The raw table whose oldest row is oldest (what the size bound prunes next), or null if all are empty. */
  private oldestTable(): RawTable | null {
    let best: RawTable | null = null;
    let bestMs = Infinity;
    const maxSeq = this.maxSeq.get();
    const event = maxSeq == null ? undefined : this.oldestEvents.get(NO_LIMIT, maxSeq, 1);
    if (event) [best, bestMs] = ['events', event.ts];
    for (const table of ['spans', 'metric_points'] as const) {
      const head = this.heads[table].select.get(1);
      if (!head) continue;
      const ms = Date.parse(head.time);
      // Unreadable times sort first, as prune() treats them.
      const at = Number.isNaN(ms) ? -Infinity : ms;
      if (best === null || at < bestMs) [best, bestMs] = [table, at];
    }
    return best;
  }
}
