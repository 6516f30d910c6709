/**
 * The search indexer: follows the events table by seq and adds each event's text (search-text.ts)
 * to the FTS5 index, in small IMMEDIATE transactions of its own, after batches have committed. So
 * ingest never waits for it (docs/benchmarks.md: what indexing inside the batch transaction would
 * cost), events stored before the index existed or by another process (the importer) are indexed
 * as it catches up, and its position (`search_state.indexed_seq`) survives restarts.
 *
 * It runs on the connection that writes (the writer thread by default): kicked after each batch
 * and on a timer (scheduler below), one step at a time, so batches queued meanwhile go first.
 * The texts of the events that connection has just committed are kept (`fresh`, fresh-texts.ts):
 * a step whose events are exactly those takes their texts instead of reading the rows back.
 */
import type Database from 'better-sqlite3';
import { FreshTexts } from './fresh-texts.js';
import { searchText } from './search-text.js';

/** Events one step indexes at most (one transaction, ~10–20 ms: the longest a batch waits behind it). */
export const INDEX_STEP_EVENTS = 1000;
/**
 * Events one step takes when nothing can be waiting behind it (a run-once import closing): fewer,
 * larger FTS5 segments to merge (the index of a 60k-event import: 137 → 108 ms, docs/benchmarks.md).
 */
export const FINISH_STEP_EVENTS = 5000;

type Row = [seq: number, tool_name: string | null, event_type: string, model: string | null, status: string | null, metadata: string];

export class SearchIndexer {
  private readonly select: Database.Statement<[number, number], Row>;
  private readonly insert: Database.Statement<[number, string]>;
  private readonly position: Database.Statement<[], number>;
  private readonly advance: Database.Statement<[number]>;
  private readonly latest: Database.Statement<[], number | null>;
  private readonly nextSeqs: Database.Statement<[number, number], number>;
  private readonly tx: Database.Transaction<(max: number) => number>;
  /** Texts of events just committed on this connection (the writer hands them over: add()). */
  readonly fresh = new FreshTexts();
  /** Whether the last step found the kept texts next in line (false: older events come first). */
  private keptAreNext = true;

  constructor(db: Database.Database) {
    this.select = db
      .prepare<[number, number], Row>('SELECT seq, tool_name, event_type, model, status, metadata FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .raw(true);
    this.insert = db.prepare('INSERT INTO search_fts (rowid, body) VALUES (?, ?)');
    this.position = db.prepare<[], number>("SELECT value FROM search_state WHERE key = 'indexed_seq'").pluck();
    this.advance = db.prepare("UPDATE search_state SET value = ? WHERE key = 'indexed_seq'");
    this.latest = db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck();
    this.nextSeqs = db.prepare<[number, number], number>('SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?').pluck();
    this.tx = db.transaction((max: number) => this.stepInTransaction(max));
  }

  /** Whether events are waiting to be indexed (one read of two indexes' edges). */
  behind(): boolean {
    return (this.latest.get() ?? 0) > (this.position.get() ?? 0);
  }

  /** Indexes up to `max` events past the position, in one transaction; returns how many (0: caught up). */
  step(max = INDEX_STEP_EVENTS): number {
    return this.tx.immediate(max);
  }

  /**
   * The kept texts are at their bound and next in line: a step should go before waiting batches,
   * or the writer would keep no more. Not while older events come first (an index catching up
   * after an upgrade): batches go first then, and what is not kept is read back later.
   */
  get pressing(): boolean {
    return this.fresh.full && this.keptAreNext;
  }

  private stepInTransaction(max: number): number {
    const from = this.position.get() ?? 0;
    this.fresh.dropThrough(from); // indexed already (by another process's indexer too)
    const kept = Math.min(max, this.fresh.size);
    if (kept > 0) {
      // The table's next events must be exactly the kept ones: not one stored by another
      // connection in between, nor one pruned since (its text must not be indexed). At most
      // `kept` seqs are read, however far behind the index is.
      const next = this.nextSeqs.all(from, kept);
      this.keptAreNext = next.length === kept && this.fresh.startsWith(next);
      if (this.keptAreNext) {
        for (const [seq, text] of this.fresh.take(kept)) this.insert.run(seq, text);
        this.advance.run(next[kept - 1]);
        return kept;
      }
    }
    const rows = this.select.all(from, max);
    if (rows.length === 0) return 0;
    this.fresh.dropThrough(rows[rows.length - 1][0]);
    for (const [seq, tool_name, event_type, model, status, metadata] of rows) {
      let meta: Record<string, unknown> = {};
      try {
        meta = JSON.parse(metadata) as Record<string, unknown>;
      } catch {
        // stored by the writer as JSON; anything else is indexed without its metadata
      }
      this.insert.run(seq, searchText({ tool_name, event_type, model, status, metadata: meta }));
    }
    this.advance.run(rows[rows.length - 1][0]);
    return rows.length;
  }
}

/**
 * Runs an indexer beside a writer on one thread: a step as soon as the thread is free after a
 * batch (setImmediate, so messages already queued go first), further steps while it is behind,
 * and a check every `intervalMs` for events another process stored.
 */
export class IndexScheduler {
  private queued = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastError: string | null = null;

  /**
   * @param yieldTo called before each step: true when it found waiting work and did it first (the
   * writer thread hands it the batches that arrived meanwhile), so a step never holds up a batch.
   * @param beforeStep called right before each step's transaction (the writer thread gives the
   * main thread's connection its turn: write-turn.ts).
   */
  constructor(
    private readonly indexer: SearchIndexer,
    private readonly onError: (error: unknown) => void,
    intervalMs = 1000,
    private readonly yieldTo: () => boolean = () => false,
    private readonly beforeStep: () => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      if (this.stopped) return;
      try {
        // Waiting batches go first, unless the kept texts are at their bound and next in line (a
        // long import): then a large step, as at the end of an import (fewer FTS5 segments to merge).
        const pressing = this.indexer.pressing;
        if (!pressing && this.yieldTo()) {
          this.kick();
          return;
        }
        if (!this.indexer.behind()) return;
        this.beforeStep();
        if (this.indexer.step(pressing ? FINISH_STEP_EVENTS : INDEX_STEP_EVENTS) > 0) this.kick();
        this.lastError = null;
      } catch (error) {
        // Disk full, locked by the importer: the timer tries again; a lasting failure is reported once.
        const message = (error as Error).message;
        if (message !== this.lastError) this.onError(error);
        this.lastError = message;
      }
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Indexes everything stored so far, now (a run-once import ends with a complete index); a failure is reported, not thrown. */
  finish(): void {
    try {
      while (this.indexer.behind()) {
        this.beforeStep();
        if (this.indexer.step(FINISH_STEP_EVENTS) === 0) break; // one step per transaction
      }
    } catch (error) {
      this.onError(error);
    }
  }
}
