/**
 * The contract between a receiver and the pipeline it feeds (the Collector's `consumer`): submit a
 * batch, and answer the client only once the returned promise resolves — by then it is committed.
 */
import type { CanonicalEvent } from './event.js';
import { lazyProperty, unpackEvents, type PackedEvents } from './packed-events.js';
import type { MetricPointRecord, SpanRecord, StoredEvent } from './storage.js';

export interface SubmitBatch {
  events: CanonicalEvent[];
  /**
   * The same events as bytes, when a worker made them (packed-events.ts): `events` is then unpacked
   * only if read, and the pipeline hands the bytes on to the writer. Read eventCount()/eventIds().
   */
  packed?: PackedEvents;
  spans?: SpanRecord[];
  metricPoints?: MetricPointRecord[];
  /**
   * Set by a receiver that already ran the pipeline's processor chain on these events in its own
   * worker (ReceiverHost.chain): the pipeline then writes them as they are.
   */
  processed?: ProcessedBy;
}

/** Which chain ran on a batch, and what it did: `input` events in, `passed` out of each processor. */
export interface ProcessedBy {
  chain: string;
  input: number;
  passed: number[];
}

export interface SubmitResult {
  /** Ids of this batch's events that were newly stored, in submission order. */
  ids: string[];
  /** Events skipped because their event_id was already stored or repeated. */
  duplicates: number;
  /** Stored events that add nothing to totals: another source already counted the occurrence. */
  folded: number;
  /** The newly stored events themselves. */
  stored: StoredEvent[];
  spansStored: number;
  metricPointsStored: number;
}

export interface Consumer {
  submit(batch: SubmitBatch): Promise<SubmitResult>;
  /** Items (events, spans, metric points) waiting right now. */
  readonly queueDepth: number;
  /** Most items that may wait before submit() refuses with a BackpressureError. */
  readonly maxQueueEvents: number;
}

/** Items a batch holds: events, spans and metric points all cost a place in the queue. */
export function batchSize(batch: SubmitBatch): number {
  return eventCount(batch) + (batch.spans?.length ?? 0) + (batch.metricPoints?.length ?? 0);
}

/** How many events a batch holds, without unpacking packed ones. */
export function eventCount(batch: SubmitBatch): number {
  return batch.packed ? batch.packed.ids.length : batch.events.length;
}

/** The batch's event ids in order, without unpacking packed ones. */
export function eventIds(batch: SubmitBatch): string[] {
  return batch.packed ? batch.packed.ids : batch.events.map((e) => e.event_id);
}

/** A batch of packed events (from a worker) whose `events` are unpacked on first read. */
export function packedBatch(packed: PackedEvents, processed?: ProcessedBy): SubmitBatch {
  const batch = { packed, ...(processed ? { processed } : {}) } as SubmitBatch;
  return lazyProperty(batch, 'events', () => unpackEvents(packed));
}

/** Thrown when the queue is full; receivers answer 503 with Retry-After (gRPC: UNAVAILABLE). */
export class BackpressureError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('ingest queue is full');
  }
}

/**
 * Storage cannot take writes for now (disk full, read-only file system, I/O error): a retry later
 * can succeed, so receivers answer 503 + Retry-After (gRPC: UNAVAILABLE), and reads go on.
 */
export class StorageUnavailableError extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`storage unavailable: ${reason}`);
  }
}
