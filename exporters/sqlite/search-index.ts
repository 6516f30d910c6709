/**
 * The search indexer: follows the events table by seq and adds each event's text (search-text.ts)
 * to the FTS5 index, in small IMMEDIATE transactions of its own, after batches have committed. So
 * ingest never waits for it (docs/benchmarks.md: what indexing inside the batch transaction would
 * cost), events stored before the index existed or by another process (the importer) are indexed
 * as it catches up, and its position (`search_state.indexed_seq`) survives restarts.
 *
 * It runs on the connection that writes (the writer thread by default): kicked after each batch
 * and on a timer (scheduler below), one step at a time, so batches queued meanwhile go first.
 */
import type Database from 'better-sqlite3';
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
  private readonly tx: Database.Transaction<(max: number) => number>;

  constructor(db: Database.Database) {
    this.select = db
      .prepare<[number, number], Row>('SELECT seq, tool_name, event_type, model, status, metadata FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .raw(true);
    this.insert = db.prepare('INSERT INTO search_fts (rowid, body) VALUES (?, ?)');
    this.position = db.prepare<[], number>("SELECT value FROM search_state WHERE key = 'indexed_seq'").pluck();
    this.advance = db.prepare("UPDATE search_state SET value = ? WHERE key = 'indexed_seq'");
    this.latest = db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck();
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

  private stepInTransaction(max: number): number {
    const from = this.position.get() ?? 0;
    const rows = this.select.all(from, max);
    if (rows.length === 0) return 0;
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
   * @param beforeStep called right before each step's transaction, the last ones of a run-once
   * import too (the writer thread gives the main thread's connection its turn: write-turn.ts).
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
        if (this.yieldTo()) {
          this.kick();
          return;
        }
        if (this.indexer.behind()) {
          this.beforeStep();
          if (this.indexer.step() > 0) this.kick();
        }
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
