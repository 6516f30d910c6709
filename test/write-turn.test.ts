/**
 * The main thread's connection gets its writes in while the writer thread goes from one transaction
 * straight to the next (write-turn.ts). Without the turn, a 600 MB import under load failed with
 * "database is locked" when it saved its read positions. Real writer thread (dist/), real file; the
 * main connection's busy timeout is cut to 0.5 s so a starved write fails in the test instead of after
 * 5 s (without the turn it is starved for as long as batches keep coming: the test then fails).
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriterThread, testEvent } from './helpers/writer-thread.js';
import { sharedWriteTurn, type WriteTurn } from '../exporters/sqlite/write-turn.js';
import { SqliteCheckpoints } from '../exporters/sqlite/imports.js';
import { openSqliteStorage } from '../exporters/sqlite/open.js';
import { makeTempDir } from './helpers/server.js';
import path from 'node:path';

const event = (session: number) => testEvent({ session_id: `s${session}`, model: 'claude-sonnet-4-5', tokens_out: 5 });

describe('the main connection writes beside a busy writer thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('saves every checkpoint while batches keep the writer thread in transactions', async () => {
    const turn = sharedWriteTurn();
    const { writer, dbPath } = await openWriterThread(dirs, { turnFlag: turn.flag });
    const main = new Database(dbPath);
    main.pragma('busy_timeout = 500');
    const checkpoints = new SqliteCheckpoints(main);
    // Enough batches queued at once that the writer thread never waits for the next one.
    const writes = Array.from({ length: 240 }, (_, b) => Promise.resolve(writer.writeBatch({ events: Array.from({ length: 250 }, (_, i) => event(b * 7 + (i % 7))) })));
    let committed = 0;
    for (const w of writes) void w.then(() => committed++);
    const allWritten = Promise.all(writes);
    let saves = 0;
    let betweenBatches = 0;
    while (committed < writes.length) {
      // Some batches answered, others still queued: the writer thread is mid-stream.
      if (committed > 0) betweenBatches++;
      turn.take(() => checkpoints.saveImportFiles([{ path: `/h/${saves}.jsonl`, size: saves, mtime_ms: 1, offset: saves, state: {} }]));
      saves++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await allWritten;
    expect(results.reduce((k, r) => k + r.inserted.length, 0)).toBe(240 * 250);
    expect(betweenBatches).toBeGreaterThan(5); // the saves really ran while the writer was busy
    expect(checkpoints.listImportFiles()).toHaveLength(saves);
    main.close();
    await writer.close();
  }, 60_000);

  it('takes the turn for every write of the main connection, and for no read', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const taken: string[] = [];
    let current = '';
    const spy: WriteTurn = (write) => {
      taken.push(current);
      return write();
    };
    const store = openSqliteStorage(path.join(dir, 'a.db'), { now: () => new Date(), idleAfterMs: 60_000 }, { writeTurn: spy });
    const { checkpoints, budgets, exportCursors } = store.ports;
    const calls: Array<[string, () => unknown]> = [
      ['listImportFiles', () => checkpoints.listImportFiles()],
      ['saveImportFiles', () => checkpoints.saveImportFiles([{ path: '/h/a.jsonl', size: 1, mtime_ms: 1, offset: 1, state: {} }])],
      ['listBudgets', () => budgets.listBudgets()],
      ['createBudget', () => budgets.createBudget('b1', { name: 'b', period: 'day', unit: 'usd', limit: 5, project: null, agent: null, thresholds: null }, new Date().toISOString())],
      ['updateBudget', () => budgets.updateBudget('b1', { name: 'b', period: 'day', unit: 'usd', limit: 6, project: null, agent: null, thresholds: null }, new Date().toISOString())],
      ['recordAlert', () => budgets.recordAlert({ budget_id: 'b1', budget_name: 'b', period: 'day', unit: 'usd', project: null, agent: null, period_start: '2026-11-29T00:00:00Z', period_end: '2026-11-30T00:00:00Z', threshold: 80, spent: 4.1, limit: 5, raised_at: new Date().toISOString() })],
      ['listAlerts', () => budgets.listAlerts(10)],
      ['deleteBudget', () => budgets.deleteBudget('b1')],
      ['cursor get', () => exportCursors.get('otlp', 'logs')],
      ['cursor save', () => exportCursors.save('otlp', 'logs', 10)],
      ['markIdleSessions', () => store.markIdleSessions(new Date())],
      ['endInactiveSessions', () => store.endInactiveSessions(new Date())],
    ];
    for (const [name, call] of calls) {
      current = name;
      call();
    }
    store.close();
    expect(taken).toEqual(['saveImportFiles', 'createBudget', 'updateBudget', 'recordAlert', 'deleteBudget', 'cursor save', 'markIdleSessions', 'endInactiveSessions']);
  });
});
