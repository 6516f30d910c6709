/**
 * The SQLite writer's own thread: one connection that does nothing but write batches (events,
 * sessions, rollups, spans, metric points in one transaction each), so that the transaction's CPU
 * time is not spent on the thread that answers HTTP. The main thread keeps its own connection for
 * reads (WAL lets them run beside this writer).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SessionRow, WriteBatch } from '../../collector/core/storage.js';
import { tune } from './schema.js';
import { Writer, type Placement } from './writer.js';
import { Pruner, type PruneRequest } from './retention.js';
import { IndexScheduler, SearchIndexer } from './search-index.js';

export interface WriterThreadInit {
  dbPath: string;
  idleAfterMs: number;
  endAfterMs: number;
}

/** A WriteResult as the writer thread sends it: stored events by their index in the batch sent. */
export interface CompactResult {
  inserted: Placement[];
  foldedIds: string[];
  sessions: SessionRow[];
  spansStored: number;
  metricPointsStored: number;
}

export type WriterRequest =
  | { id: number; batch: WriteBatch }
  | { id: number; prune: PruneRequest }
  | { id: number; close: true };

const init = workerData as WriterThreadInit;
const db = new Database(init.dbPath);
tune(db);
const writer = new Writer(db, { now: () => new Date(), idleAfterMs: init.idleAfterMs, endAfterMs: init.endAfterMs });
// Retention prunes here too, in small steps between batches: one writer, no lock to fight over.
let pruner: Pruner | null = null;
// The search index follows the events table here too, between batches (search-index.ts).
const indexing = new IndexScheduler(new SearchIndexer(db), (error) => {
  const e = error as Error & { code?: string };
  parentPort!.postMessage({ log: { msg: `search index: paused until the next try: ${e.message}`, code: e.code ?? null } });
});

parentPort!.on('message', (message: WriterRequest) => {
  if ('close' in message) {
    indexing.stop();
    db.close();
    parentPort!.postMessage({ id: message.id, closed: true });
    return;
  }
  try {
    if ('prune' in message) {
      parentPort!.postMessage({ id: message.id, result: (pruner ??= new Pruner(db)).step(message.prune) });
      return;
    }
    // The main thread has the events already: send back where each stored one sits and its seq (and
    // a new correlation key, from call pairing), not the events again (half the copying of a large batch).
    const result = writer.writeBatchPlaced(message.batch);
    const compact: CompactResult = {
      inserted: result.placed,
      foldedIds: [...result.foldedIds],
      sessions: result.sessions,
      spansStored: result.spansStored,
      metricPointsStored: result.metricPointsStored,
    };
    parentPort!.postMessage({ id: message.id, result: compact });
    if (result.placed.length > 0) indexing.kick();
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: e.message, code: e.code ?? null } });
  }
});
parentPort!.postMessage({ ready: true });
