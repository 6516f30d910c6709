/**
 * The main thread's side of the writer thread (writer-worker.ts): a BatchWriter whose writeBatch()
 * resolves when the batch is committed. Batches are written in the order they are sent.
 */
import { Worker } from 'node:worker_threads';
import { StorageUnavailableError } from '../../collector/core/consumer.js';
import type { BatchWriter, StoredEvent, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import { batchEvents, batchIds, lazyProperty } from '../../collector/core/packed-events.js';
import type { CompactResult, WireBatch, WriterThreadInit } from './writer-worker.js';
import type { PruneRequest, PruneStep } from './retention.js';

interface Pending {
  batch: WriteBatch | null;
  resolve(value: WriteResult | PruneStep): void;
  reject(error: Error): void;
}

/**
 * The WriteResult the writer thread meant, rebuilt from what this side still holds: the stored ids at
 * once, the stored events only if something reads them (packed ones are unpacked for it then).
 */
function expand(batch: WriteBatch, r: CompactResult): WriteResult {
  const foldedIds = new Set(r.foldedIds);
  const ids = batchIds(batch);
  const insertedIds = r.inserted.map(([i]) => ids[i]);
  const result = { insertedIds, foldedIds, sessions: r.sessions, spansStored: r.spansStored, metricPointsStored: r.metricPointsStored };
  return lazyProperty(result as WriteResult, 'inserted', () => {
    const events = batchEvents(batch);
    return r.inserted.map((entry) => {
      const event = events[entry[0]];
      // As the writer marks a folded sighting (and the read API shows it).
      const metadata = foldedIds.has(event.event_id) ? { ...event.metadata, counted_elsewhere: true } : event.metadata;
      const stored: StoredEvent = { ...event, metadata, seq: entry[1] };
      if (entry.length === 3) stored.correlation_key = entry[2];
      return stored;
    });
  });
}

/** What goes to the writer thread: packed events as their bytes only (their ids stay here). */
function toWire(batch: WriteBatch): WireBatch {
  if (!batch.packed?.length) return batch;
  return { events: batch.events, packed: batch.packed.map(({ at, bytes }) => ({ at, bytes })), spans: batch.spans, metricPoints: batch.metricPoints };
}

/** A write the writer thread could not do; `code` is SQLite's (SQLITE_FULL, SQLITE_READONLY, …). */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/**
 * SQLite result codes that say "the disk, not the batch": full, read-only, I/O failures, a
 * database locked by another process for too long. A retry later can succeed.
 */
const UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|PROTOCOL|NOLFS)/;

/** Turns a storage failure a retry can fix into StorageUnavailableError; anything else is kept. */
export function classifyWriteError(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new StorageUnavailableError(`${code}: ${(error as Error).message}`, code.startsWith('SQLITE_BUSY') ? 1 : 10);
  }
  return error;
}

export class ThreadedWriter implements BatchWriter {
  /** Batches waiting while a transaction runs are written together in the next (writer-worker.ts). */
  readonly coalesces = true;
  /** Packed events go to the writer thread as their bytes and are unpacked there. */
  readonly takesPacked = true;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  private closed = false;
  readonly ready: Promise<void>;
  /** Where the writer thread's own warnings go (the search indexer's failures). */
  onLog: ((msg: string) => void) | null = null;

  constructor(init: WriterThreadInit) {
    this.worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: init });
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.worker.on('message', (m: { ready?: true; log?: { msg: string }; id?: number; result?: CompactResult | PruneStep; error?: { message: string; code: string | null } }) => {
      if (m.ready) return onReady();
      if (m.log) return this.onLog?.(m.log.msg);
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.error) p.reject(classifyWriteError(new WriteError(m.error.message, m.error.code)) as Error);
      else p.resolve(p.batch ? expand(p.batch, m.result as CompactResult) : (m.result as PruneStep));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      onFail(error);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    // A thread that ends without an 'error' (out of memory, killed) must not leave anyone waiting.
    this.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`the writer thread ended (exit code ${code})`));
    });
  }

  writeBatch(batch: WriteBatch): Promise<WriteResult> {
    if (this.failure) return Promise.reject(this.failure);
    return this.send<WriteResult>({ batch });
  }

  /** One retention step, on this thread's connection, in order with the batches sent around it. */
  prune(req: PruneRequest): Promise<PruneStep> {
    if (this.failure) return Promise.reject(this.failure);
    return this.send<PruneStep>({ prune: req });
  }

  /** @param finishIndex bring the search index up to date first (a run-once import); otherwise it catches up at the next start. */
  async close(finishIndex = false): Promise<void> {
    if (this.failure) return;
    await this.send({ close: true, finishIndex });
    this.closed = true;
    await this.worker.terminate();
  }

  private send<T>(payload: { batch: WriteBatch } | { prune: PruneRequest } | { close: true; finishIndex: boolean }): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const batch = 'batch' in payload ? payload.batch : null;
      this.pending.set(id, { batch, resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage(batch ? { id, batch: toWire(batch) } : { id, ...payload });
    });
  }
}
