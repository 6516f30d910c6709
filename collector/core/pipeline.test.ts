/**
 * The pipeline with a stand-in writer (an in-memory store that keeps ids and seqs, and fails a
 * transaction that holds a poisoned event) and an in-process processor pool that runs the real
 * dedupe processor: group commit, one pool task and one transaction per group, backpressure that
 * counts spans and metric points, a poisoned batch failing alone, exporters fed in commit order,
 * and the self-telemetry counts read back through the real SelfTelemetry.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from './pipeline.js';
import { BackpressureError, type SubmitResult } from './consumer.js';
import { validateEvent, type CanonicalEvent } from './event.js';
import { ProcessorError, type ProcessorPool } from './pool.js';
import type { Exporter, Processor } from './component.js';
import type { BatchWriter, CommittedBatch, MetricPointRecord, SpanRecord, StoredEvent, WriteBatch, WriteResult } from './storage.js';
import { componentTelemetry, countedConsumer } from './telemetry.js';
import { SelfTelemetry } from '../service/self-telemetry.js';
import dedupeFactory from '../../processors/dedupe/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

let nextId = 0;
function event(fields: Record<string, unknown> = {}): CanonicalEvent {
  const r = validateEvent(
    { event_id: `e${++nextId}`, session_id: 's1', agent_type: 'claude_code', event_type: 'tool_use', ...fields },
    { now: () => new Date('2025-01-01T00:00:00Z'), newId: () => `gen${++nextId}` },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
}
const span = (i: number) => ({ trace_id: 't', span_id: `sp${i}`, name: 'x' }) as unknown as SpanRecord;
const point = (i: number) => ({ name: 'm', series_key: `k${i}`, time: '2025-01-01T00:00:00Z' }) as unknown as MetricPointRecord;

/** The storage stand-in: unique event ids, a seq per stored event, one call = one transaction. */
class MemoryWriter implements BatchWriter {
  readonly ids = new Set<string>();
  readonly transactions: WriteBatch[] = [];
  seq = 0;
  writeBatch(batch: WriteBatch): WriteResult {
    this.transactions.push(batch);
    if (batch.events.some((e) => e.metadata.poison === 'writer')) throw new Error('constraint failed');
    const inserted: StoredEvent[] = [];
    const staged = new Set<string>();
    for (const e of batch.events) {
      if (this.ids.has(e.event_id) || staged.has(e.event_id)) continue;
      staged.add(e.event_id);
      inserted.push({ ...e, seq: this.seq + inserted.length + 1 });
    }
    // Commit: nothing above is kept when the transaction throws.
    for (const id of staged) this.ids.add(id);
    this.seq += inserted.length;
    return { inserted, sessions: [], foldedIds: new Set(), spansStored: batch.spans?.length ?? 0, metricPointsStored: batch.metricPoints?.length ?? 0 };
  }
}

/** The same, answering asynchronously like the writer thread; `hold()` keeps the next answer back. */
class HeldWriter extends MemoryWriter {
  private gates: Array<Promise<void>> = [];
  private tail: Promise<void> = Promise.resolve();
  /** Transactions sent to the writer and not yet answered, at their highest. */
  maxOutstanding = 0;
  private outstanding = 0;
  hold(): () => void {
    let release!: () => void;
    this.gates.push(new Promise<void>((r) => (release = r)));
    return release;
  }
  // @ts-expect-error -- the port allows a promise; the stand-in above answers synchronously
  override async writeBatch(batch: WriteBatch): Promise<WriteResult> {
    this.maxOutstanding = Math.max(this.maxOutstanding, ++this.outstanding);
    const gate = this.gates.shift();
    const before = this.tail;
    // One after the other, as the writer thread answers.
    const done = (async () => {
      await before;
      const result = super.writeBatch(batch);
      if (gate) await gate;
      this.outstanding--;
      return result;
    })();
    this.tail = done.then(() => undefined, () => undefined);
    return done;
  }
}

/** A processor that throws on a marked event, as a broken plugin would. */
const fragile: Processor = {
  process(events) {
    if (events.some((e) => e.metadata.poison === 'processor')) throw new Error('cannot process');
    return events;
  },
};

/**
 * The pool stand-in: the chain runs in this thread (the piscina round trip is not the point);
 * `hold()` makes the next task wait until released, so batches can pile up behind it.
 */
class InlinePool implements ProcessorPool {
  readonly tasks: CanonicalEvent[][] = [];
  private gate: Promise<void> | null = null;
  constructor(private readonly chain: Array<{ id: string; processor: Processor }>) {}
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((r) => (release = r));
    return release;
  }
  async run(events: CanonicalEvent[]) {
    this.tasks.push(events);
    const gate = this.gate;
    this.gate = null;
    if (gate) await gate;
    let batch = events;
    const passed: number[] = [];
    for (const { id, processor } of this.chain) {
      try {
        batch = processor.process(batch);
      } catch (error) {
        throw new ProcessorError(id, (error as Error).message);
      }
      passed.push(batch.length);
    }
    return { events: batch, passed };
  }
  async close() {}
}

async function setup(opts: { maxQueueEvents?: number; maxGroupEvents?: number; exporters?: Exporter[]; writer?: BatchWriter & { transactions: WriteBatch[]; ids: Set<string> } } = {}) {
  const telemetry = new SelfTelemetry();
  const t = (kind: string, id: string) => {
    telemetry.register(id, kind);
    return componentTelemetry(telemetry.meter, id, kind);
  };
  const pool = new InlinePool([
    { id: 'dedupe', processor: await dedupeFactory.create({}, { id: 'dedupe', resolvePath: (p) => p }) },
    { id: 'fragile', processor: fragile },
  ]);
  const writer = opts.writer ?? new MemoryWriter();
  const pipeline = new Pipeline({
    pool,
    writer,
    exporters: opts.exporters ?? [],
    storageTelemetry: t('exporter', 'memory'),
    processorTelemetry: [
      { id: 'dedupe', telemetry: t('processor', 'dedupe'), droppedAs: dedupeFactory.droppedAs ?? 'refused' },
      { id: 'fragile', telemetry: t('processor', 'fragile'), droppedAs: 'refused' },
    ],
    logger: silent,
    maxQueueEvents: opts.maxQueueEvents ?? 1000,
    maxGroupEvents: opts.maxGroupEvents,
    chainKey: 'events',
  });
  telemetry.observePipelines(() => [{ name: 'events', queue_depth: pipeline.queueDepth }]);
  const receiver = countedConsumer(pipeline, t('receiver', 'native'));
  const counts = async () => {
    const snap = await telemetry.snapshot();
    return Object.fromEntries(snap.components.map(({ id, kind: _kind, ...c }) => [id, c]));
  };
  return { pool, writer, pipeline, receiver, telemetry, counts };
}

describe('Pipeline', () => {
  it('commits batches that waited together as one group: one pool task and one transaction', async () => {
    const { pool, writer, pipeline } = await setup();
    const release = pool.hold();
    const first = pipeline.submit({ events: [event()] });
    const waiting = [pipeline.submit({ events: [event(), event()] }), pipeline.submit({ events: [event()] }), pipeline.submit({ events: [event(), event(), event()] })];
    expect(pipeline.queueDepth).toBe(6);
    release();
    const results = await Promise.all([first, ...waiting]);

    expect(pool.tasks.map((t) => t.length)).toEqual([1, 6]);
    expect(writer.transactions.map((t) => t.events.length)).toEqual([1, 6]);
    // Each submitter gets its own share, in its own order.
    expect(results.map((r) => r.ids.length)).toEqual([1, 2, 1, 3]);
    expect(results[3].stored.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(pipeline.queueDepth).toBe(0);
  });

  it('caps a group by items: spans and metric points count like events', async () => {
    const { pool, writer, pipeline } = await setup({ maxGroupEvents: 10 });
    const release = pool.hold();
    const first = pipeline.submit({ events: [event()] });
    const a = pipeline.submit({ events: [event()], spans: [1, 2, 3, 4].map(span), metricPoints: [1, 2].map(point) }); // 7 items
    const b = pipeline.submit({ events: [], spans: [5, 6].map(span), metricPoints: [3, 4].map(point) }); // 4 items
    const c = pipeline.submit({ events: [event(), event()] }); // 2 items
    release();
    await Promise.all([first, a, b, c]);
    // 7 + 4 > 10: b opens a new group, and c joins it (4 + 2 ≤ 10).
    expect(writer.transactions.map((t) => [t.events.length, t.spans?.length ?? 0, t.metricPoints?.length ?? 0])).toEqual([
      [1, 0, 0],
      [1, 4, 2],
      [2, 2, 2],
    ]);
    expect((await b).spansStored).toBe(2);
    expect((await b).metricPointsStored).toBe(2);
  });

  it('refuses with BackpressureError once queued items (spans and metric points too) reach the limit', async () => {
    const { pool, pipeline, receiver, counts } = await setup({ maxQueueEvents: 10 });
    const release = pool.hold();
    const busy = pipeline.submit({ events: [event()] }); // taken at once: the queue is empty again
    const full = receiver.submit({ events: [event(), event(), event(), event()], spans: [1, 2, 3].map(span), metricPoints: [1, 2, 3].map(point) });
    expect(pipeline.queueDepth).toBe(10);

    await expect(receiver.submit({ events: [event()] })).rejects.toBeInstanceOf(BackpressureError);
    await expect(receiver.submit({ events: [], metricPoints: [point(9)] })).rejects.toBeInstanceOf(BackpressureError);

    release();
    await Promise.all([busy, full]);
    // Room again: the same batch is taken now.
    await expect(receiver.submit({ events: [event()] })).resolves.toMatchObject({ duplicates: 0 });
    const c = await counts();
    expect(c.native).toEqual({ accepted: 4 + 3 + 3 + 1, refused: 2, failed: 0, duplicate: 0 });
  });

  it('reports the queue depth through the observable gauge while batches wait', async () => {
    const { pool, pipeline, telemetry } = await setup();
    const release = pool.hold();
    const busy = pipeline.submit({ events: [event()] });
    const waiting = pipeline.submit({ events: [event(), event()], spans: [span(1)] });
    expect((await telemetry.snapshot()).pipelines).toEqual([{ name: 'events', queue_depth: 3 }]);
    release();
    await Promise.all([busy, waiting]);
    expect((await telemetry.snapshot()).pipelines).toEqual([{ name: 'events', queue_depth: 0 }]);
  });

  it('fails a poisoned batch alone; the batches grouped with it are committed', async () => {
    const { pool, writer, pipeline, receiver, counts } = await setup();
    const release = pool.hold();
    const busy = pipeline.submit({ events: [event()] });
    const before = receiver.submit({ events: [event(), event()] });
    const poisoned = receiver.submit({ events: [event(), event({ metadata: { poison: 'writer' } }), event()] });
    const after = receiver.submit({ events: [event()] });
    release();

    await expect(poisoned).rejects.toThrow('constraint failed');
    expect((await before).ids).toHaveLength(2);
    expect((await after).ids).toHaveLength(1);
    // The group's transaction failed, then each batch was tried alone.
    expect(writer.transactions.map((t) => t.events.length)).toEqual([1, 6, 2, 3, 1]);
    await busy;
    expect(writer.ids.size).toBe(4);
    const c = await counts();
    expect(c.memory).toEqual({ accepted: 4, refused: 0, failed: 3, duplicate: 0 });
    expect(c.native).toEqual({ accepted: 3, refused: 0, failed: 3, duplicate: 0 });
    // The processors passed the group on, but it was not committed: counted only for what was.
    expect(c.dedupe.accepted).toBe(4);
  });

  it('counts a batch a processor threw on against that processor, not the storage', async () => {
    const { pool, pipeline, receiver, counts } = await setup();
    const release = pool.hold();
    const busy = pipeline.submit({ events: [event()] });
    const bad = receiver.submit({ events: [event({ metadata: { poison: 'processor' } }), event()] });
    const good = receiver.submit({ events: [event()] });
    release();
    await expect(bad).rejects.toThrow('processor fragile: cannot process');
    await expect(bad).rejects.toBeInstanceOf(ProcessorError);
    await Promise.all([busy, good]);
    const c = await counts();
    expect(c.fragile).toEqual({ accepted: 2, refused: 0, failed: 2, duplicate: 0 });
    expect(c.memory.failed).toBe(0);
    expect(c.native.failed).toBe(2);
  });

  it('hands exporters each committed batch in commit order; a throwing exporter does not stop the others', async () => {
    const seen: number[][] = [];
    const broken: Exporter = {
      consume() {
        throw new Error('exporter down');
      },
    };
    const recording: Exporter = { consume: (b: CommittedBatch) => void seen.push(b.events.map((e) => e.seq)) };
    const { pool, pipeline } = await setup({ exporters: [broken, recording], maxGroupEvents: 3 });
    const release = pool.hold();
    const submits: Array<Promise<SubmitResult>> = [pipeline.submit({ events: [event()] })];
    for (let i = 0; i < 5; i++) submits.push(pipeline.submit({ events: [event(), event()] }));
    release();
    await Promise.all(submits);
    // Groups of at most 3 items: [1] [2] [2] [2] [2] [2] → seqs in order, no gaps, no repeats.
    expect(seen.flat()).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(seen.length).toBe(6);
  });

  it('counts duplicates where they are found: dedupe within the group, the store across groups', async () => {
    const { pipeline, receiver, counts } = await setup();
    const a = event();
    const b = event();
    // One batch repeating an id (dedupe drops it), then a batch re-sending an id already stored.
    const first = await receiver.submit({ events: [a, b, { ...a }] });
    const second = await receiver.submit({ events: [{ ...b }, event()] });
    expect([first.ids.length, first.duplicates, second.ids.length, second.duplicates]).toEqual([2, 1, 1, 1]);
    await pipeline.idle();
    const c = await counts();
    expect(c.native).toEqual({ accepted: 3, refused: 0, failed: 0, duplicate: 2 });
    expect(c.dedupe).toEqual({ accepted: 4, refused: 0, failed: 0, duplicate: 1 });
    expect(c.fragile).toEqual({ accepted: 4, refused: 0, failed: 0, duplicate: 0 });
    expect(c.memory).toEqual({ accepted: 3, refused: 0, failed: 0, duplicate: 1 });
  });

  it('shows every registered component, in kind order, before it has recorded anything', async () => {
    const { telemetry } = await setup();
    const snap = await telemetry.snapshot();
    expect(snap.components.map((c) => `${c.kind}:${c.id}`)).toEqual(['receiver:native', 'processor:dedupe', 'processor:fragile', 'exporter:memory']);
    expect(snap.components.every((c) => c.accepted + c.refused + c.failed + c.duplicate === 0)).toBe(true);
  });
  it('writes batches a receiver already processed as they are, and counts what its chain did', async () => {
    const { pool, writer, pipeline, receiver, counts } = await setup();
    const release = pool.hold();
    const busy = pipeline.submit({ events: [event()] });
    // Processed in a receiver's worker with this pipeline's chain: 3 in, dedupe kept 2, fragile 2.
    const done = receiver.submit({ events: [event(), event()], processed: { chain: 'events', input: 3, passed: [2, 2] } });
    const raw = receiver.submit({ events: [event(), event()] });
    // Processed by some other pipeline's chain: this one runs its own over it.
    const other = receiver.submit({ events: [event()], processed: { chain: 'elsewhere', input: 1, passed: [1] } });
    release();
    const [, a, b, c] = await Promise.all([busy, done, raw, other]);

    // The pool saw only the batches not processed with this chain.
    expect(pool.tasks.map((t) => t.length)).toEqual([1, 3]);
    expect(writer.transactions.map((t) => t.events.length)).toEqual([1, 5]);
    expect([a.ids.length, b.ids.length, c.ids.length]).toEqual([2, 2, 1]);
    // The repeat the receiver's dedupe dropped is answered as a duplicate, as the pipeline's would be.
    expect(a.duplicates).toBe(1);
    const n = await counts();
    expect(n.dedupe).toEqual({ accepted: 1 + 2 + 3, refused: 0, failed: 0, duplicate: 1 });
    expect(n.fragile.accepted).toBe(1 + 2 + 3);
  });

  it('has the next group processed and waiting at the writer while one is written, answered in order', async () => {
    const writer = new HeldWriter();
    const order: number[][] = [];
    const exporter: Exporter = { consume: (b: CommittedBatch) => void order.push(b.events.map((e) => e.seq)) };
    const { pool, pipeline } = await setup({ writer, exporters: [exporter] });
    const releaseWrite = writer.hold();
    const releasePool = pool.hold();
    const first = pipeline.submit({ events: [event(), event()] });
    const second = pipeline.submit({ events: [event()] }); // waits while the first is processed
    releasePool();
    await new Promise((r) => setTimeout(r, 10));
    // The first group is at the writer (held); the second was processed and sent behind it.
    expect(pool.tasks.map((t) => t.length)).toEqual([2, 1]);
    expect(writer.maxOutstanding).toBe(2);
    const third = pipeline.submit({ events: [event()] });
    await new Promise((r) => setTimeout(r, 10));
    // No third group in flight before the first is answered.
    expect(pool.tasks).toHaveLength(2);
    releaseWrite();
    const results = await Promise.all([first, second, third]);
    expect(results.map((r) => r.stored.map((e) => e.seq))).toEqual([[1, 2], [3], [4]]);
    expect(order).toEqual([[1, 2], [3], [4]]);
    expect(writer.maxOutstanding).toBe(2);
  });
  it('sends a writer that groups batches itself each batch as soon as it is ready', async () => {
    const writer = Object.assign(new HeldWriter(), { coalesces: true });
    const { pipeline } = await setup({ writer });
    const releaseWrite = writer.hold();
    const first = pipeline.submit({ events: [event()] });
    await new Promise((r) => setTimeout(r, 5));
    // Each arrives while the first is held at the writer, and is sent on at once to wait behind it.
    const later: Array<Promise<SubmitResult>> = [];
    for (let i = 0; i < 3; i++) {
      later.push(pipeline.submit({ events: [event()] }));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(writer.maxOutstanding).toBe(4);
    releaseWrite();
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r.stored[0].seq)).toEqual([1, 2, 3, 4]);
  });
});
