/**
 * `npm run import` with no server running ends with the search index complete: every stored event
 * is in it and its position is the last seq, so Search finds the history as soon as a server opens
 * the file (a server that stops leaves the rest to its next start instead), and with everything in
 * the main file (no WAL left behind).
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/server.js';
import { CLI, layoutClaude, layoutCodex } from './import-fixtures.js';

describe('a run-once import', () => {
  const dir = makeTempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the search index complete when it ends', async () => {
    layoutClaude(path.join(dir, '.claude', 'projects'));
    layoutCodex(path.join(dir, '.codex', 'sessions'));
    const dbPath = path.join(dir, 'agentstats.db');
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, AGENTSTATS_DB_PATH: dbPath, AGENTSTATS_LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { stored: number };
    expect(summary.stored).toBeGreaterThan(50);
    // Everything is in the main file: no WAL is left (every connection was closed), so the file
    // alone can be copied or backed up.
    const wal = `${dbPath}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    try {
      const maxSeq = db.prepare('SELECT max(seq) FROM events').pluck().get() as number;
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(summary.stored);
      expect(db.prepare("SELECT value FROM search_state WHERE key = 'indexed_seq'").pluck().get()).toBe(maxSeq);
      expect(db.prepare('SELECT count(*) FROM search_fts').pluck().get()).toBe(summary.stored);
    } finally {
      db.close();
    }
  });
});
