/**
 * The storage's PASSIVE checkpoint on a real database file in WAL mode: it copies what the WAL
 * holds into the main file, and does not wait for a reader that still uses older pages (what lets
 * a run-once import's shutdown copy the WAL while the writer thread finishes the search index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { WriteResult } from '../../collector/core/storage.js';
import { openSqliteStorage, type SqliteStorage } from './open.js';

const NOW = new Date('2026-11-30T12:00:00Z');
let ids = 0;
function events(n: number): CanonicalEvent[] {
  return Array.from({ length: n }, () => {
    const result = validateEvent(
      { session_id: `s${ids % 7}`, agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4', tokens_in: 10, tokens_out: 5 },
      { now: () => NOW, newId: () => `ev-${++ids}` },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.event;
  });
}

let dir: string;
let dbPath: string;
let storage: SqliteStorage;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentstats-checkpoint-'));
  dbPath = path.join(dir, 'a.db');
  storage = openSqliteStorage(dbPath, { now: () => NOW, idleAfterMs: 30 * 60_000 });
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

// The connection's own writer commits synchronously.
const write = (n: number) => storage.ports.writer.writeBatch({ events: events(n) }) as WriteResult;

describe('checkpoint()', () => {
  it('copies every frame of the WAL into the main file when nobody reads older pages', () => {
    write(50);
    const done = storage.checkpoint();
    expect(done.walFrames).toBeGreaterThan(0);
    expect(done.copied).toBe(done.walFrames);
  });

  it('does not wait for a reader: frames newer than its snapshot stay for a later call', () => {
    write(50);
    const reader = new Database(dbPath, { readonly: true });
    try {
      reader.prepare('BEGIN').run();
      expect(reader.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 50 }); // holds this snapshot
      write(50);

      // What the reader's snapshot allows is copied, the frames after it are left. (A mode that
      // waits for readers would sit out busy_timeout, 5 s, and fail this test by its timeout.)
      const partial = storage.checkpoint();
      expect(partial.copied).toBeGreaterThan(0);
      expect(partial.copied).toBeLessThan(partial.walFrames);

      reader.prepare('COMMIT').run();
      const rest = storage.checkpoint();
      expect(rest.copied).toBe(rest.walFrames);
    } finally {
      reader.close();
    }
    expect(storage.ports.events.eventCount()).toBe(100);
  });
});
