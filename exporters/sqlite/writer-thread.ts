/**
 * The main thread's side of the writer thread (writer-worker.ts): a BatchWriter whose writeBatch()
 * resolves when the batch is committed. Batches are written in the order they are sent.
 */
import { Worker } from 'node:worker_threads';
import type { BatchWriter, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import type { WriterThreadInit } from './writer-worker.js';
import type { PruneRequest, PruneStep } from './retention.js';

interface Pending {
  resolve(value: WriteResult | PruneStep): void;
  reject(error: Error): void;
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

export class ThreadedWriter implements BatchWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  readonly ready: Promise<void>;

  constructor(init: WriterThreadInit) {
    this.worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: init });
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.worker.on('message', (m: { ready?: true; id?: number; result?: WriteResult | PruneStep; error?: { message: string; code: string | null } }) => {
      if (m.ready) return onReady();
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.error) p.reject(new WriteError(m.error.message, m.error.code));
      else p.resolve(m.result!);
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      onFail(error);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
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

  async close(): Promise<void> {
    if (this.failure) return;
    await this.send({ close: true });
    await this.worker.terminate();
  }

  private send<T>(payload: { batch: WriteBatch } | { prune: PruneRequest } | { close: true }): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage({ id, ...payload });
    });
  }
}
