/**
 * The delivery loop of one signal. The storage is the queue: records are read after the saved
 * cursor (the position of the last delivered one), a page at a time, so memory holds one batch
 * however long the target is down, and a restart resumes from the saved cursor (a batch sent but
 * not yet saved is sent again: the receiving side keeps records by id and stores them once).
 *
 * Batching: a full page goes at once; a partial one waits up to batch_delay_ms for more. Failures
 * (429/502/503/504, network, timeouts) are retried with exponential back-off and jitter, never
 * sooner than the server's Retry-After. When more than max_queue records wait, the oldest are
 * skipped and counted as dropped.
 */
import type { Logger } from '../../collector/core/component.js';
import type { ComponentTelemetry } from '../../collector/core/telemetry.js';
import type { ExportCursorStore } from '../../collector/core/storage.js';
import { retryDelay } from './backoff.js';
import type { Sender, Signal } from './send.js';

/** Records read (and converted) per turn of the event loop. */
const CHUNK = 64;
/**
 * How often the cursor is saved while delivering. The save is a write on the main connection, which
 * waits while the writer thread holds a transaction; every few seconds keeps that rare. A crash
 * re-sends at most this much, which the receiver stores once.
 */
const SAVE_EVERY_MS = 5000;

export interface ForwardSource<T> {
  /** The cursor's name in storage (`events`). */
  name: string;
  signal: Signal;
  /** Position of the newest stored record. */
  newest(): number;
  /** Up to `limit` records after `after`, oldest first. */
  read(after: number, limit: number): Array<{ position: number; item: T }>;
  serialize(items: T[]): Uint8Array;
}

export interface ForwarderOptions {
  id: string;
  cursors: ExportCursorStore;
  sender: Sender;
  logger: Logger;
  telemetry: ComponentTelemetry;
  batchSize: number;
  batchDelayMs: number;
  maxQueue: number;
  retry: { initialMs: number; maxMs: number };
  backfill: 'all' | 'new';
  /** Saves of the cursor at most this often (and at shutdown): a retry after a crash is harmless. */
  saveEveryMs?: number;
}

export interface ForwarderStats {
  forwarded: number;
  retries: number;
  dropped: number;
  refused: number;
  /** Records stored but not yet delivered. */
  backlog: number;
  /** 1 while deliveries fail. */
  failing: number;
  /** ms until the next attempt while failing. */
  retry_in_ms: number;
}

export class Forwarder<T> {
  private cursor = 0;
  private saved = 0;
  private lastSaveMs = 0;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopWait: (() => void) | null = null;
  private attempt = 0;
  private nextAttemptAt = 0;
  private pageLimit: number;
  private readonly counts = { forwarded: 0, retries: 0, dropped: 0, refused: 0 };

  constructor(
    private readonly source: ForwardSource<T>,
    private readonly opts: ForwarderOptions,
  ) {
    this.pageLimit = opts.batchSize;
  }

  start(): void {
    const saved = this.opts.cursors.get(this.opts.id, this.source.name);
    this.cursor = saved ?? (this.opts.backfill === 'all' ? 0 : this.source.newest());
    if (saved === null) this.opts.cursors.save(this.opts.id, this.source.name, this.cursor);
    this.saved = this.cursor;
    this.running = this.loop().catch((error: unknown) => {
      this.opts.logger.error(`forwarding ${this.source.name} stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** New records were committed. */
  notify(): void {
    this.wake?.();
  }

  stats(): ForwarderStats {
    const failing = this.attempt > 0;
    return {
      ...this.counts,
      backlog: Math.max(0, this.source.newest() - this.cursor),
      failing: failing ? 1 : 0,
      retry_in_ms: failing ? Math.max(0, this.nextAttemptAt - Date.now()) : 0,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.stopWait?.();
    this.opts.sender.close();
    await this.running;
    this.save(true);
  }

  private async loop(): Promise<void> {
    let waitingSince: number | null = null;
    while (!this.stopped) {
      const newest = this.source.newest();
      let backlog = newest - this.cursor;
      if (backlog > this.opts.maxQueue) this.drop(newest, backlog);
      backlog = Math.min(backlog, this.opts.maxQueue);
      if (backlog <= 0) {
        waitingSince = null;
        await this.idle(60_000);
        continue;
      }
      if (backlog < this.pageLimit && this.opts.batchDelayMs > 0) {
        waitingSince ??= Date.now();
        const left = waitingSince + this.opts.batchDelayMs - Date.now();
        if (left > 0) {
          await this.idle(left);
          continue;
        }
      }
      waitingSince = null;
      const page = await this.readPage();
      if (page.length === 0) {
        // Positions up to `newest` hold nothing to send (pruned or never used): move past them.
        this.advance(newest);
        continue;
      }
      await this.deliver(page);
    }
  }

  /**
   * One page, read (and turned into records) in chunks with a turn of the event loop between them:
   * forwarding runs on the thread that answers ingest, so it never holds it for a whole page.
   */
  private async readPage(): Promise<Array<{ position: number; item: T }>> {
    const page: Array<{ position: number; item: T }> = [];
    let after = this.cursor;
    while (page.length < this.pageLimit) {
      const want = Math.min(CHUNK, this.pageLimit - page.length);
      const chunk = this.source.read(after, want);
      page.push(...chunk);
      if (chunk.length < want) break;
      after = chunk[chunk.length - 1].position;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return page;
  }

  private async deliver(page: Array<{ position: number; item: T }>): Promise<void> {
    const body = this.source.serialize(page.map((p) => p.item));
    const outcome = await this.opts.sender.send(this.source.signal, body);
    if (this.stopped && outcome.kind !== 'ok') return;
    const last = page[page.length - 1].position;
    switch (outcome.kind) {
      case 'ok': {
        if (this.attempt > 0) this.opts.logger.info(`forwarding ${this.source.name} works again after ${this.attempt} failed attempts`);
        this.attempt = 0;
        this.counts.forwarded += page.length - outcome.rejected;
        this.opts.telemetry.record('accepted', page.length - outcome.rejected);
        if (outcome.rejected > 0) {
          this.counts.refused += outcome.rejected;
          this.opts.telemetry.record('refused', outcome.rejected);
          this.opts.logger.warn(`the target refused ${outcome.rejected} of ${page.length} forwarded ${this.source.name} (partial success)`);
        }
        this.pageLimit = Math.min(this.opts.batchSize, this.pageLimit * 2);
        this.advance(last);
        return;
      }
      case 'retry': {
        this.attempt += 1;
        this.counts.retries += 1;
        const delay = retryDelay(this.attempt, this.opts.retry, outcome.retryAfterMs);
        this.nextAttemptAt = Date.now() + delay;
        if (this.attempt === 1 || this.attempt % 20 === 0) {
          this.opts.logger.warn(`forwarding ${this.source.name} failed (${outcome.reason}); attempt ${this.attempt}, next in ${delay} ms`);
        }
        await this.sleep(delay);
        return;
      }
      case 'too_large': {
        if (page.length > 1) {
          this.pageLimit = Math.max(1, Math.floor(page.length / 2));
          return;
        }
        this.refuse(page.length, last, outcome.reason);
        return;
      }
      case 'refused':
        this.refuse(page.length, last, outcome.reason);
        return;
    }
  }

  private refuse(n: number, last: number, reason: string): void {
    this.attempt = 0;
    this.counts.refused += n;
    this.opts.telemetry.record('refused', n);
    this.opts.logger.warn(`the target refused ${n} forwarded ${this.source.name} (${reason}); they are skipped`);
    this.advance(last);
  }

  private drop(newest: number, backlog: number): void {
    const n = backlog - this.opts.maxQueue;
    this.counts.dropped += n;
    this.opts.telemetry.record('failed', n);
    this.opts.logger.warn(`forwarding queue over max_queue (${this.opts.maxQueue}): the oldest ${n} ${this.source.name} are skipped`);
    this.advance(newest - this.opts.maxQueue);
  }

  private advance(position: number): void {
    this.cursor = position;
    this.save(false);
  }

  private save(force: boolean): void {
    if (this.cursor === this.saved) return;
    const now = Date.now();
    if (!force && now - this.lastSaveMs < (this.opts.saveEveryMs ?? SAVE_EVERY_MS)) return;
    try {
      this.opts.cursors.save(this.opts.id, this.source.name, this.cursor);
      this.saved = this.cursor;
      this.lastSaveMs = now;
    } catch (error) {
      // The database is busy or full: the cursor is saved with a later batch; at worst a batch is re-sent.
      this.opts.logger.warn(`forwarding cursor not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Waits for new records (or ms); saves a cursor that a throttled save left behind. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const saveTimer = this.cursor !== this.saved ? setTimeout(() => this.save(true), this.opts.saveEveryMs ?? SAVE_EVERY_MS) : null;
      const done = () => {
        clearTimeout(timer);
        if (saveTimer) clearTimeout(saveTimer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** A back-off wait that only stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    this.save(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopWait = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopWait = done;
    });
  }
}
