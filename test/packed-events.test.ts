/**
 * Events a worker packed (collector/core/packed-events.ts) go through the real pipeline to the
 * compiled writer thread on a real database file without being unpacked on the main thread, unless
 * something there reads them: each submitter is answered for its own ids, duplicates and folded
 * events; the rows stored are the events sent; an exporter reading the committed events and a
 * submitter reading its stored events get them with their seqs, in a group that mixes packed
 * batches with plain ones.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriterThread, testEvent } from './helpers/writer-thread.js';
import type { CanonicalEvent } from '../collector/core/event.js';
import { Pipeline } from '../collector/core/pipeline.js';
import { packedBatch, type SubmitBatch } from '../collector/core/consumer.js';
import { packEvents } from '../collector/core/packed-events.js';
import type { BatchWriter, CommittedBatch } from '../collector/core/storage.js';
import type { ProcessorPool } from '../collector/core/pool.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const event = testEvent;

/** A packed, processed batch whose `events` count how often they are read. */
function packed(events: CanonicalEvent[]): { batch: SubmitBatch; reads: () => number } {
  const batch = packedBatch(packEvents(events), { chain: 'default', input: events.length, passed: [] });
  let reads = 0;
  const { get: unpack } = Object.getOwnPropertyDescriptor(batch, 'events') as { get: (this: SubmitBatch) => CanonicalEvent[] };
  Object.defineProperty(batch, 'events', {
    configurable: true,
    get() {
      reads++;
      return unpack.call(batch);
    },
  });
  return { batch, reads: () => reads };
}

/** The pool is never needed: every batch here is processed or plain and runs through it empty. */
const pool = { run: (events: CanonicalEvent[]) => Promise.resolve({ events, passed: [] }), close: () => Promise.resolve() } as unknown as ProcessorPool;

describe('packed events', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });


  it('are stored and answered without being unpacked on the main thread when nothing there reads them', async () => {
    const { writer, dbPath } = await openWriterThread(dirs);
    const counting: CommittedBatch[] = [];
    const pipeline = new Pipeline({ pool, writer, exporters: [{ consume: (b) => counting.push(b) }], logger: silent, maxQueueEvents: 10_000 });
    const a = Array.from({ length: 300 }, () => event());
    const repeat = a[5];
    const b = [event(), { ...repeat }, event()]; // a's sixth event again: a duplicate here
    const pa = packed(a);
    const pb = packed(b);
    const [ra, rb] = await Promise.all([pipeline.submit(pa.batch), pipeline.submit(pb.batch)]);
    expect(ra.ids).toEqual(a.map((e) => e.event_id));
    expect(rb.ids).toEqual([b[0].event_id, b[2].event_id]);
    expect([ra.duplicates, rb.duplicates]).toEqual([0, 1]);
    expect(counting.reduce((s, c) => s + (c.eventsStored), 0)).toBe(302);
    // Nothing on this thread read the events: only the writer thread unpacked them.
    expect([pa.reads(), pb.reads()]).toEqual([0, 0]);
    await writer.close();

    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT event_id, tokens_in FROM events ORDER BY seq').all() as Array<{ event_id: string; tokens_in: number }>;
    db.close();
    expect(rows).toEqual([...a, b[0], b[2]].map((e) => ({ event_id: e.event_id, tokens_in: e.tokens_in })));
  });

  it('are unpacked once for an exporter or a submitter that reads them, with their seqs, beside plain batches', async () => {
    const { writer } = await openWriterThread(dirs);
    const seen: CanonicalEvent[][] = [];
    const pipeline = new Pipeline({ pool, writer, exporters: [{ consume: (c) => seen.push(c.events) }], logger: silent, maxQueueEvents: 10_000 });
    const plain = [event(), event()];
    const inPack = [event(), { ...plain[1] }, event()]; // plain[1] again
    const p = packed(inPack);
    const [rPlain, rPacked] = await Promise.all([
      pipeline.submit({ events: plain, processed: { chain: 'default', input: 2, passed: [] } }),
      pipeline.submit(p.batch),
    ]);
    expect(rPlain.ids).toEqual(plain.map((e) => e.event_id));
    expect(rPacked.ids).toEqual([inPack[0].event_id, inPack[2].event_id]);
    expect(rPacked.duplicates).toBe(1);
    const stored = rPacked.stored;
    expect(stored.map((e) => e.event_id)).toEqual(rPacked.ids);
    expect(stored.map((e) => e.tokens_in)).toEqual([inPack[0].tokens_in, inPack[2].tokens_in]);
    const all = seen.flat() as Array<CanonicalEvent & { seq: number }>;
    expect(all.map((e) => e.event_id).sort()).toEqual([...rPlain.ids, ...rPacked.ids].sort());
    expect(new Set(all.map((e) => e.seq)).size).toBe(4);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((e) => all.find((x) => x.event_id === e.event_id)!.seq));
    // The exporter's read unpacked them on this thread; the batch's own events were not needed.
    expect(p.reads()).toBe(0);
    await writer.close();
  });

  it('keep their place in submit order within a group of packed and plain batches; the first copy of an id wins', async () => {
    const { writer, dbPath } = await openWriterThread(dirs);
    // The first batch waits in a slow pool, so the next four are taken as one group behind it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = {
      run: async (events: CanonicalEvent[]) => {
        await gate;
        return { events, passed: [] };
      },
      close: () => Promise.resolve(),
    } as unknown as ProcessorPool;
    const pipeline = new Pipeline({ pool: slow, writer, exporters: [], logger: silent, maxQueueEvents: 10_000 });
    const processed = (n: number) => ({ chain: 'default', input: n, passed: [] });
    const first = pipeline.submit({ events: [event()] }); // unprocessed: through the pool
    const p1 = [event(), event()];
    const plain = [event(), { ...p1[1], tokens_in: 999_999 }]; // p1[1] again, a different copy: a duplicate
    const p2 = [event(), event()];
    const plain2 = [event()];
    const results = [
      pipeline.submit(packed(p1).batch),
      pipeline.submit({ events: plain, processed: processed(2) }),
      pipeline.submit(packed(p2).batch),
      pipeline.submit({ events: plain2, processed: processed(1) }),
    ];
    release();
    await first;
    const [r1, rPlain, r2, rPlain2] = await Promise.all(results);
    expect(r1.ids).toEqual(p1.map((e) => e.event_id));
    expect(rPlain.ids).toEqual([plain[0].event_id]);
    expect(rPlain.duplicates).toBe(1);
    expect(r2.ids).toEqual(p2.map((e) => e.event_id));
    expect(rPlain2.ids).toEqual([plain2[0].event_id]);
    await writer.close();

    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT event_id, tokens_in FROM events ORDER BY seq').all() as Array<{ event_id: string; tokens_in: number }>;
    db.close();
    // Stored in the order submitted, the packed parts between the plain batches; p1's copy of the repeated id kept.
    expect(rows.slice(1)).toEqual([p1[0], p1[1], plain[0], p2[0], p2[1], plain2[0]].map((e) => ({ event_id: e.event_id, tokens_in: e.tokens_in })));
  });

  it('are unpacked by the pipeline for a writer that does not take them', async () => {
    const written: string[] = [];
    let seq = 0;
    const plainWriter: BatchWriter = {
      writeBatch: (batch) => {
        expect(batch.packed).toBeUndefined();
        const inserted = batch.events.map((e) => ({ ...e, seq: ++seq }));
        written.push(...batch.events.map((e) => e.event_id));
        return { inserted, sessions: [], foldedIds: new Set(), spansStored: 0, metricPointsStored: 0 };
      },
    };
    const pipeline = new Pipeline({ pool, writer: plainWriter, exporters: [], logger: silent, maxQueueEvents: 10_000 });
    const events = [event(), event(), event()];
    const p = packed(events);
    const result = await pipeline.submit(p.batch);
    expect(result.ids).toEqual(events.map((e) => e.event_id));
    expect(written).toEqual(events.map((e) => e.event_id));
    expect(p.reads()).toBe(1);
  });
});
