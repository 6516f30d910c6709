/**
 * The main thread's connection gets its writes in while the writer thread goes from one transaction
 * straight to the next (write-turn.ts). Without the turn, a 600 MB import under load failed with
 * "database is locked" when it saved its read positions. Real writer thread (dist/), real file; the
 * main connection's busy timeout is cut to 150 ms so a starved write fails fast instead of after 5 s.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriterThread } from './helpers/writer-thread.js';
import { validateEvent, type CanonicalEvent } from '../collector/core/event.js';
import { sharedWriteTurn } from '../exporters/sqlite/write-turn.js';
import { SqliteCheckpoints } from '../exporters/sqlite/imports.js';

let n = 0;
function event(session: number): CanonicalEvent {
  const r = validateEvent(
    { event_id: `turn-${++n}`, session_id: `s${session}`, agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 10, tokens_out: 5, client_timestamp: '2026-11-20T10:00:00Z' },
    { now: () => new Date('2026-11-20T10:00:01Z'), newId: () => `gen-${++n}` },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
}

describe('the main connection writes beside a busy writer thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('saves every checkpoint while batches keep the writer thread in transactions', async () => {
    const turn = sharedWriteTurn();
    const { writer, dbPath } = await openWriterThread(dirs, { turnFlag: turn.flag });
    const main = new Database(dbPath);
    main.pragma('busy_timeout = 150');
    const checkpoints = new SqliteCheckpoints(main);
    // Enough batches queued at once that the writer thread never waits for the next one.
    const writes = Array.from({ length: 120 }, (_, b) => Promise.resolve(writer.writeBatch({ events: Array.from({ length: 250 }, (_, i) => event(b * 7 + (i % 7))) })));
    let writerDone = false;
    const allWritten = Promise.all(writes).then((results) => {
      writerDone = true;
      return results;
    });
    let saves = 0;
    let duringWrites = 0;
    while (!writerDone) {
      turn.take(() => checkpoints.saveImportFiles([{ path: `/h/${saves}.jsonl`, size: saves, mtime_ms: 1, offset: saves, state: {} }]));
      saves++;
      if (!writerDone) duringWrites++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await allWritten;
    expect(results.reduce((k, r) => k + r.inserted.length, 0)).toBe(120 * 250);
    expect(duringWrites).toBeGreaterThan(5); // the saves really ran while the writer was busy
    expect(checkpoints.listImportFiles()).toHaveLength(saves);
    main.close();
    await writer.close();
  }, 60_000);
});
