/**
 * The writer thread writes the batches that wait for it in one transaction (issue 14): each batch
 * still gets its own answer (its own events' seqs, duplicates, folded ids), a poisoned batch fails
 * alone, and what is stored is what one transaction per batch would store. Runs the compiled
 * writer thread (dist/), as the server does, on a real database file.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriterThread, testEvent } from './helpers/writer-thread.js';
import type { CanonicalEvent } from '../collector/core/event.js';
import type { WriteResult } from '../collector/core/storage.js';

const event = testEvent;

describe('the writer thread groups the batches waiting for it', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });


  it('answers each batch for its own events when they share a transaction', async () => {
    const { writer } = await openWriterThread(dirs);
    // A large first batch keeps the writer busy while the next ones queue behind it.
    const big = Array.from({ length: 3000 }, (_, i) => event({ session_id: `s${i % 50}` }));
    const a = [event(), event()];
    const repeat = event();
    const b = [repeat, event(), { ...a[0] }]; // a[0] again: stored by a, a duplicate here
    const c = [{ ...repeat }, event()]; // repeat again: a duplicate here
    const results: WriteResult[] = await Promise.all([big, a, b, c].map((events) => Promise.resolve(writer.writeBatch({ events }))));
    const [rBig, rA, rB, rC] = results;
    expect(rBig.inserted).toHaveLength(3000);
    expect(rA.inserted.map((e) => e.event_id)).toEqual(a.map((e) => e.event_id));
    expect(rB.inserted.map((e) => e.event_id)).toEqual([b[0].event_id, b[1].event_id]);
    expect(rC.inserted.map((e) => e.event_id)).toEqual([c[1].event_id]);
    // Seqs follow the order the batches were sent, one after the other.
    const seqs = results.flatMap((r) => r.inserted.map((e) => e.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    // The session rows the transaction changed come back once, with the first answer of it.
    const sessionRows = results.flatMap((r) => r.sessions.map((s) => s.session_id));
    expect(new Set(sessionRows).size).toBe(sessionRows.length);
    await writer.close();
  });

  it('fails a poisoned batch alone; the batches that waited with it are stored', async () => {
    const { writer, dbPath } = await openWriterThread(dirs);
    const big = Array.from({ length: 3000 }, () => event());
    const good1 = [event()];
    // JSON cannot hold a BigInt: this batch's transaction throws in the writer thread.
    const poisoned = [event(), { ...event(), metadata: { size: 10n } } as unknown as CanonicalEvent];
    const good2 = [event(), event()];
    const settled = await Promise.allSettled([big, good1, poisoned, good2].map((events) => Promise.resolve(writer.writeBatch({ events }))));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[3] as PromiseFulfilledResult<WriteResult>).value.inserted).toHaveLength(2);
    await writer.close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbPath, { readonly: true });
    const ids = new Set((db.prepare('SELECT event_id FROM events').all() as Array<{ event_id: string }>).map((r) => r.event_id));
    db.close();
    expect(ids.size).toBe(3000 + 1 + 2);
    expect(ids.has(poisoned[0].event_id)).toBe(false);
    for (const e of [...good1, ...good2]) expect(ids.has(e.event_id)).toBe(true);
  });

  it('fails what waits when the thread ends unasked, instead of leaving it waiting', async () => {
    const { writer } = await openWriterThread(dirs);
    const waiting = Promise.resolve(writer.writeBatch({ events: Array.from({ length: 3000 }, () => event()) }));
    // As if the thread ran out of memory: it ends without an 'error' event.
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(waiting).rejects.toThrow(/writer thread ended/);
    await expect(Promise.resolve(writer.writeBatch({ events: [event()] }))).rejects.toThrow(/writer thread ended/);
  });
});
