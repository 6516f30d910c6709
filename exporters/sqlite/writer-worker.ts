/**
 * The SQLite writer's own thread: one connection that does nothing but write batches (events,
 * sessions, rollups, spans, metric points in one transaction each), so that the transaction's CPU
 * time is not spent on the thread that answers HTTP. The main thread keeps its own connection for
 * reads (WAL lets them run beside this writer).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SessionRow, WriteBatch } from '../../collector/core/storage.js';
import { batchEvents } from '../../collector/core/packed-events.js';
import { tune } from './schema.js';
import { Writer, type Placement, type PlacedResult } from './writer.js';
import { Pruner, type PruneRequest } from './retention.js';
import { IndexScheduler, SearchIndexer } from './search-index.js';
import { giveWay } from './write-turn.js';

export interface WriterThreadInit {
  dbPath: string;
  idleAfterMs: number;
  endAfterMs: number;
  /** Up while the main thread's connection writes: no transaction begins here meanwhile (write-turn.ts). */
  turnFlag?: Int32Array;
}

/** A WriteResult as the writer thread sends it: stored events by their index in the batch sent. */
export interface CompactResult {
  inserted: Placement[];
  foldedIds: string[];
  sessions: SessionRow[];
  spansStored: number;
  metricPointsStored: number;
}

/** A WriteBatch as it is sent here: packed events as their bytes and place (writer-thread.ts toWire). */
export type WireBatch = Omit<WriteBatch, 'packed'> & { packed?: Array<{ at: number; bytes: Uint8Array }> };

export type WriterRequest =
  | { id: number; batch: WireBatch }
  | { id: number; prune: PruneRequest }
  /** `finishIndex`: bring the search index up to the last event first (a run-once import ends complete). */
  | { id: number; close: true; finishIndex?: boolean };

const init = workerData as WriterThreadInit;
const db = new Database(init.dbPath);
tune(db);
const writer = new Writer(db, { now: () => new Date(), idleAfterMs: init.idleAfterMs, endAfterMs: init.endAfterMs });
// Retention prunes here too, in small steps between batches: one writer, no lock to fight over.
let pruner: Pruner | null = null;
// The search index follows the events table here too, between batches (search-index.ts).
const indexing = new IndexScheduler(
  new SearchIndexer(db),
  (error) => {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ log: { msg: `search index: paused until the next try: ${e.message}`, code: e.code ?? null } });
  },
  1000,
  // Batches that arrived while the last one was written go before the next index step: indexing
  // fills the writer's idle moments instead of delaying the answers.
  () => {
    const waiting = receiveMessageOnPort(parentPort!);
    if (!waiting) return false;
    handle(waiting.message as WriterRequest);
    return true;
  },
  makeRoom,
);

/** Most items (events, spans, metric points) one transaction takes from batches waiting together. */
const MAX_COALESCED_ITEMS = 4000;

function itemsIn(batch: WriteBatch): number {
  return batch.events.length + (batch.spans?.length ?? 0) + (batch.metricPoints?.length ?? 0);
}

type BatchRequest = { id: number; batch: WriteBatch };
/** A request as handled here: a batch's packed events unpacked. */
type Request = BatchRequest | Exclude<WriterRequest, { batch: WireBatch }>;

parentPort!.on('message', (message: WriterRequest) => handle(message));

/** The batch with its packed events unpacked at their places (the order the main thread meant). */
function unpacked(request: WriterRequest): Request {
  if (!('batch' in request)) return request;
  const { packed, ...batch } = request.batch;
  if (!packed?.length) return { id: request.id, batch };
  return { id: request.id, batch: { ...batch, events: batchEvents({ events: batch.events, packed }) } };
}

/** Before each transaction: the main thread's connection writes first if it is waiting to. */
function makeRoom(): void {
  if (init.turnFlag) giveWay(init.turnFlag);
}

function handle(received: WriterRequest): void {
  const message = unpacked(received);
  makeRoom();
  if ('close' in message) {
    indexing.stop();
    if (message.finishIndex) indexing.finish();
    db.close();
    parentPort!.postMessage({ id: message.id, closed: true });
    return;
  }
  if ('prune' in message) {
    try {
      parentPort!.postMessage({ id: message.id, result: (pruner ??= new Pruner(db)).step(message.prune) });
    } catch (error) {
      answerError(message.id, error);
    }
    return;
  }
  // Group commit here too: the batches that arrived while the last transaction ran are written in
  // one transaction with this one (in the order sent), so the writer goes from one full transaction
  // to the next however the main thread happened to split them. A prune or close waits its turn.
  const group: BatchRequest[] = [message];
  let items = itemsIn(message.batch);
  let after: Request | null = null;
  while (items < MAX_COALESCED_ITEMS) {
    const next = receiveMessageOnPort(parentPort!);
    if (!next) break;
    const request = unpacked(next.message as WriterRequest);
    if (!('batch' in request)) {
      after = request;
      break;
    }
    group.push(request);
    items += itemsIn(request.batch);
  }
  if (group.length === 1) writeAlone(group[0]);
  else writeTogether(group);
  if (after) handle(after);
}

function writeAlone(request: BatchRequest): void {
  makeRoom(); // also before each retry of a failed group
  try {
    answer(request.id, writer.writeBatchPlaced(request.batch));
  } catch (error) {
    answerError(request.id, error);
  }
}

/** One transaction for several batches; each gets its own answer. If it fails, each is tried alone. */
function writeTogether(group: BatchRequest[]): void {
  const merged: WriteBatch = {
    events: group.flatMap((r) => r.batch.events),
    spans: group.flatMap((r) => r.batch.spans ?? []),
    metricPoints: group.flatMap((r) => r.batch.metricPoints ?? []),
  };
  let result: PlacedResult;
  try {
    result = writer.writeBatchPlaced(merged);
  } catch {
    // One poisoned batch must not fail the others: each alone answers for itself.
    for (const request of group) writeAlone(request);
    return;
  }
  // Placements are by index in the merged list: back to each batch's own indexes.
  const placedBy: Placement[][] = group.map(() => []);
  const starts: number[] = [];
  let offset = 0;
  for (const request of group) {
    starts.push(offset);
    offset += request.batch.events.length;
  }
  let at = 0;
  for (const placement of result.placed) {
    while (at + 1 < group.length && placement[0] >= starts[at + 1]) at++;
    const local = [placement[0] - starts[at], ...placement.slice(1)] as Placement;
    placedBy[at].push(local);
  }
  group.forEach((request, i) => {
    const ids = new Set(placedBy[i].map((p) => request.batch.events[p[0]].event_id));
    answer(request.id, {
      placed: placedBy[i],
      foldedIds: new Set([...result.foldedIds].filter((id) => ids.has(id))),
      // The transaction's session rows and span/point counts go with the first answer: the
      // pipeline hands each answer to the exporters in order, so nothing is lost or said twice.
      sessions: i === 0 ? result.sessions : [],
      spansStored: i === 0 ? result.spansStored : 0,
      metricPointsStored: i === 0 ? result.metricPointsStored : 0,
    });
  });
}

function answer(id: number, result: PlacedResult): void {
  // The main thread has the events already: send back where each stored one sits and its seq (and
  // a new correlation key, from call pairing), not the events again (half the copying of a large batch).
  const compact: CompactResult = {
    inserted: result.placed,
    foldedIds: [...result.foldedIds],
    sessions: result.sessions,
    spansStored: result.spansStored,
    metricPointsStored: result.metricPointsStored,
  };
  parentPort!.postMessage({ id, result: compact });
  if (result.placed.length > 0) indexing.kick();
}

function answerError(id: number, error: unknown): void {
  const e = error as Error & { code?: string };
  parentPort!.postMessage({ id, error: { message: e.message, code: e.code ?? null } });
}
parentPort!.postMessage({ ready: true });
