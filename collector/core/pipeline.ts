/**
 * The pipeline: receivers submit batches; batches waiting together are grouped (group commit),
 * run through the processor chain as one worker task, written by the store in one transaction,
 * and only then acknowledged and fanned out to the other exporters.
 */
import type { CommittedBatch } from './storage.js';
import type { Exporter, Logger } from './component.js';
import type { BatchWriter } from './storage.js';
import { ProcessorError, type ProcessorPool } from './pool.js';
import {
  BackpressureError,
  StorageUnavailableError,
  batchSize,
  eventCount,
  eventIds,
  type Consumer,
  type ProcessedBy,
  type SubmitBatch,
  type SubmitResult,
} from './consumer.js';
import type { CanonicalEvent } from './event.js';
import { lazyProperty } from './packed-events.js';
import type { PackedPart } from './storage.js';
import type { ComponentTelemetry, Outcome } from './telemetry.js';

/** Groups sent to the writer and not yet answered: one being written, the next waiting behind it. */
const WRITES_IN_FLIGHT = 2;
/** The same for a writer that coalesces what waits for it (at most this many groups of items in memory there). */
const EAGER_WRITES_IN_FLIGHT = 16;

/** A group's events ready to write, and what each processor did to them (for self-telemetry). */
interface Prepared {
  events: CanonicalEvent[];
  /** Processed events still packed by the worker that made them, each at its place among `events`. */
  packed: PackedPart[];
  counts: ProcessedBy[];
}

interface Pending {
  batch: SubmitBatch;
  resolve(result: SubmitResult): void;
  reject(error: unknown): void;
}

export interface PipelineOptions {
  pool: ProcessorPool;
  /** The storage exporter's writer: one transaction per group. */
  writer: BatchWriter;
  /** Exporters that receive each committed batch (the storage exporter among them, if it consumes). */
  exporters: Exporter[];
  /** Counts for the storage exporter: accepted (newly stored), duplicate, failed. */
  storageTelemetry?: ComponentTelemetry;
  /**
   * Counts for each processor, in chain order (the pool's `passed` follows it): events passed on
   * are accepted, events dropped count as `droppedAs`.
   */
  processorTelemetry?: Array<{ id: string; telemetry: ComponentTelemetry; droppedAs: Outcome }>;
  logger: Logger;
  /** Most events waiting before submit() refuses new batches. */
  maxQueueEvents: number;
  /** Most items (events, spans, metric points) grouped into one worker task and one transaction. */
  maxGroupEvents?: number;
  /**
   * Names this pipeline's processor chain: batches submitted with `processed.chain` equal to it
   * already went through it in a receiver's worker (ReceiverHost.chain). Default: 'default'.
   */
  chainKey?: string;
}

export class Pipeline implements Consumer {
  private readonly queue: Pending[] = [];
  private queuedEvents = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxGroupEvents: number;
  /** The reason storage last refused writes, until a commit succeeds again. */
  private storageDown: string | null = null;

  private readonly chainKey: string;
  /** Wakes a drain waiting for its oldest write when a batch is submitted (eager writers only). */
  private wake: (() => void) | null = null;

  constructor(private readonly opts: PipelineOptions) {
    this.maxGroupEvents = opts.maxGroupEvents ?? 500;
    this.chainKey = opts.chainKey ?? 'default';
  }

  get maxQueueEvents(): number {
    return this.opts.maxQueueEvents;
  }

  submit(batch: SubmitBatch): Promise<SubmitResult> {
    const size = batchSize(batch);
    if (size > 0 && this.queuedEvents + size > this.opts.maxQueueEvents && this.queuedEvents > 0) {
      return Promise.reject(new BackpressureError(1));
    }
    return new Promise<SubmitResult>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.queuedEvents += size;
      if (!this.draining) void this.drain();
      else this.wake?.();
    });
  }

  /** Resolves once every submitted batch has been committed or failed. */
  async idle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get queueDepth(): number {
    return this.queuedEvents;
  }

  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    let items = 0;
    while (this.queue.length > 0) {
      const n = batchSize(this.queue[0].batch);
      if (group.length > 0 && items + n > this.maxGroupEvents) break;
      group.push(this.queue.shift()!);
      items += n;
      this.queuedEvents -= n;
    }
    return group;
  }

  /**
   * Groups are processed and sent to the writer in order. Batches already waiting when a group is
   * sent are processed and sent behind it at once (double buffering), so the writer goes from one
   * transaction to the next without waiting for this thread. A writer that groups what waits for
   * it itself (the writer thread) is sent every group as soon as it is ready, up to a bound; one
   * that does not gets at most two, and batches arriving meanwhile gather into the next group.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const eager = this.opts.writer.coalesces === true;
    const limit = eager ? EAGER_WRITES_IN_FLIGHT : WRITES_IN_FLIGHT;
    const writing: Array<{ done: boolean; settled: Promise<void> }> = [];
    try {
      while (this.queue.length > 0 || writing.length > 0) {
        while (writing.length > 0 && writing[0].done) writing.shift();
        if (this.queue.length > 0 && writing.length < limit) {
          const group = this.takeGroup();
          let settled: Promise<void>;
          try {
            const prepared = await this.prepare(group);
            settled = this.write(group, prepared).then(() => this.storageRecovered(), (error: unknown) => this.failedGroup(group, error));
          } catch (error) {
            settled = this.failedGroup(group, error);
          }
          const entry = { done: false, settled };
          void settled.then(() => (entry.done = true));
          writing.push(entry);
          continue;
        }
        if (writing.length === 0) continue;
        // Wait for the oldest write; an eager writer with room is also sent the next batch at once.
        const waits: Array<Promise<void>> = [writing[0].settled];
        if (eager && writing.length < limit) waits.push(new Promise<void>((resolve) => (this.wake = resolve)));
        await Promise.race(waits);
        this.wake = null;
        await Promise.resolve(); // let the settled write's `done` flag be set before looking again
      }
    } finally {
      this.draining = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * One poisoned batch must not fail the innocent ones grouped with it: retry each alone.
   * Storage that cannot write at all fails them all the same: no point retrying each.
   */
  private async failedGroup(group: Pending[], error: unknown): Promise<void> {
    if (group.length === 1 || error instanceof StorageUnavailableError) {
      for (const pending of group) this.fail(pending, error);
      return;
    }
    for (const pending of group) {
      await this.commitGroup([pending]).then(
        () => this.storageRecovered(),
        (e: unknown) => this.fail(pending, e),
      );
    }
  }

  /** A batch that failed alone: counted against the processor that threw, else the storage. */
  private fail(pending: Pending, error: unknown): void {
    if (error instanceof StorageUnavailableError) {
      // Said once per cause, not once per batch: a full disk refuses thousands of them.
      if (this.storageDown !== error.reason) {
        this.storageDown = error.reason;
        this.opts.logger.error('storage cannot take writes; ingest answers 503 + Retry-After until it recovers', { reason: error.reason });
      }
    } else {
      this.opts.logger.error('pipeline batch failed', { error: String(error) });
    }
    if (error instanceof ProcessorError) {
      this.opts.processorTelemetry?.find((p) => p.id === error.processorId)?.telemetry.record('failed', eventCount(pending.batch));
    } else {
      this.opts.storageTelemetry?.record('failed', batchSize(pending.batch));
    }
    pending.reject(error);
  }

  private storageRecovered(): void {
    if (this.storageDown === null) return;
    this.opts.logger.warn('storage takes writes again', { after: this.storageDown });
    this.storageDown = null;
  }

  private recordProcessors(input: number, passed: number[]): void {
    const chain = this.opts.processorTelemetry;
    if (!chain) return;
    chain.forEach((p, i) => {
      const out = passed[i] ?? input;
      p.telemetry.record('accepted', out);
      p.telemetry.record(p.droppedAs, input - out);
      input = out;
    });
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    await this.write(group, await this.prepare(group));
  }

  /**
   * Runs the processor chain over the group's events in one worker task, except over batches a
   * receiver already ran this pipeline's chain on (their events are taken as they are).
   */
  private async prepare(group: Pending[]): Promise<Prepared> {
    const fresh: CanonicalEvent[] = [];
    const ready: CanonicalEvent[] = [];
    const packed: PackedPart[] = [];
    const counts: ProcessedBy[] = [];
    const takesPacked = this.opts.writer.takesPacked === true;
    for (const pending of group) {
      const by = pending.batch.processed;
      if (by && by.chain === this.chainKey) {
        // Kept packed, at its place in submit order, for a writer that unpacks where it writes.
        if (pending.batch.packed && takesPacked) packed.push({ ...pending.batch.packed, at: ready.length });
        else for (const event of pending.batch.events) ready.push(event);
        counts.push(by);
      } else {
        for (const event of pending.batch.events) fresh.push(event);
      }
    }
    if (fresh.length > 0 || (ready.length === 0 && packed.length === 0)) {
      const { events, passed } = await this.opts.pool.run(fresh);
      counts.push({ chain: this.chainKey, input: fresh.length, passed });
      for (const event of events) ready.push(event);
    }
    return { events: ready, packed, counts };
  }

  /** Sends the group to the writer at once (in order with the groups sent before it), then answers it. */
  private async write(group: Pending[], prepared: Prepared): Promise<void> {
    const result = await this.opts.writer.writeBatch({
      events: prepared.events,
      ...(prepared.packed.length > 0 ? { packed: prepared.packed } : {}),
      spans: group.flatMap((p) => p.batch.spans ?? []),
      metricPoints: group.flatMap((p) => p.batch.metricPoints ?? []),
    });

    // Hand each submitter its own share: an id counts for the first batch that sent it. Ids only:
    // the stored events themselves are built if a submitter or an exporter reads them.
    const insertedIds = result.insertedIds ?? result.inserted.map((e) => e.event_id);
    const storedAt = new Map<string, number>();
    insertedIds.forEach((id, i) => storedAt.set(id, i));
    for (const pending of group) {
      const ids: string[] = [];
      const places: number[] = [];
      // Events a receiver's own run of the chain dropped (repeats within the batch) count as here.
      const by = pending.batch.processed;
      let duplicates = by ? by.input - eventCount(pending.batch) : 0;
      let folded = 0;
      for (const id of eventIds(pending.batch)) {
        const at = storedAt.get(id);
        if (at !== undefined) {
          ids.push(id);
          places.push(at);
          storedAt.delete(id);
          if (result.foldedIds.has(id)) folded++;
        } else {
          duplicates++;
        }
      }
      const answer = {
        ids,
        duplicates,
        folded,
        spansStored: pending.batch.spans?.length ?? 0,
        metricPointsStored: pending.batch.metricPoints?.length ?? 0,
      } as SubmitResult;
      pending.resolve(lazyProperty(answer, 'stored', () => places.map((i) => result.inserted[i])));
    }

    // Counted only once committed: a group that fails is retried batch by batch and counted then.
    for (const by of prepared.counts) this.recordProcessors(by.input, by.passed);
    const stored = insertedIds.length;
    const written = prepared.events.length + prepared.packed.reduce((n, p) => n + p.ids.length, 0);
    this.opts.storageTelemetry?.record('accepted', stored + result.spansStored + result.metricPointsStored);
    this.opts.storageTelemetry?.record('duplicate', written - stored);

    const counts = { eventsStored: stored, sessions: result.sessions, spansStored: result.spansStored, metricPointsStored: result.metricPointsStored };
    const committed = lazyProperty(counts as CommittedBatch, 'events', () => result.inserted);
    for (const exporter of this.opts.exporters) {
      if (!exporter.consume) continue;
      try {
        exporter.consume(committed);
      } catch (error) {
        this.opts.logger.error('exporter failed', { error: String(error) });
      }
    }
  }
}
