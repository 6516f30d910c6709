/**
 * The SQLite writer's own thread: one connection that does nothing but write batches (events,
 * sessions, rollups, spans, metric points in one transaction each), so that the transaction's CPU
 * time is not spent on the thread that answers HTTP. The main thread keeps its own connection for
 * reads (WAL lets them run beside this writer).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { WriteBatch } from '../../collector/core/storage.js';
import { tune } from './schema.js';
import { Writer } from './writer.js';
import { Pruner, type PruneRequest } from './retention.js';

export interface WriterThreadInit {
  dbPath: string;
  idleAfterMs: number;
}

export type WriterRequest =
  | { id: number; batch: WriteBatch }
  | { id: number; prune: PruneRequest }
  | { id: number; close: true };

const init = workerData as WriterThreadInit;
const db = new Database(init.dbPath);
tune(db);
const writer = new Writer(db, { now: () => new Date(), idleAfterMs: init.idleAfterMs });
// Retention prunes here too, in small steps between batches: one writer, no lock to fight over.
let pruner: Pruner | null = null;

parentPort!.on('message', (message: WriterRequest) => {
  if ('close' in message) {
    db.close();
    parentPort!.postMessage({ id: message.id, closed: true });
    return;
  }
  try {
    const result = 'prune' in message ? (pruner ??= new Pruner(db)).step(message.prune) : writer.write(message.batch);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: e.message, code: e.code ?? null } });
  }
});
parentPort!.postMessage({ ready: true });
