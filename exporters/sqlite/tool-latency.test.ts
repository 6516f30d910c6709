/**
 * The tool-latency histogram: bucket bounds and the stated error, and migration 11's (tool latency) rebuild from
 * stored events giving exactly the rows the writer keeps as it writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvent } from '../../collector/core/event.js';
import { openSqliteStorage } from './open.js';
import { MIGRATIONS } from './schema.js';
import { LATENCY_MAX_ERROR, latencyBucket, latencyValueMs } from './tool-latency.js';

describe('latency buckets', () => {
  it('report every duration within the stated error, which is under 5 %', () => {
    expect(LATENCY_MAX_ERROR).toBeLessThan(0.05);
    for (let ms = 1.001; ms < 1e9; ms *= 1.0137) {
      const got = latencyValueMs(latencyBucket(ms));
      expect(Math.abs(got - ms) / ms).toBeLessThanOrEqual(LATENCY_MAX_ERROR + 1e-12);
    }
    // 58 minutes stays 58 minutes (the old 25 % buckets said 64).
    expect(latencyValueMs(latencyBucket(58 * 60_000)) / 60_000).toBeGreaterThan(57);
    expect(latencyValueMs(latencyBucket(58 * 60_000)) / 60_000).toBeLessThan(59.5);
    expect(latencyBucket(null)).toBe(-1);
    expect(latencyBucket(0)).toBe(0);
  });
});

describe('migration 11 (tool latency) on a database written before it', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds the per-day and all-time histograms the writer would have kept', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentstats-latency-'));
    const dbPath = path.join(dir, 'a.db');
    const now = new Date('2026-11-24T12:00:00Z');
    const storage = openSqliteStorage(dbPath, { now: () => now, idleAfterMs: 3_600_000 });
    const events = Array.from({ length: 300 }, (_, i) => {
      const r = validateEvent(
        {
          event_id: `e${i}`, session_id: `s${i % 5}`, agent_type: i % 3 ? 'claude_code' : 'codex', event_type: i % 10 === 9 ? 'api_request' : 'tool_use',
          tool_name: ['Bash', 'Read', 'Edit'][i % 3], status: i % 7 === 0 ? 'error' : i % 11 === 0 ? null : 'success',
          ...(i % 13 === 0 ? {} : { duration_ms: 1 + ((i * 7919) % 50_000) / 3 }),
          client_timestamp: new Date(now.getTime() - i * 997_000).toISOString(),
        },
        { now: () => now, newId: () => `g${i}` },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.event;
    });
    void storage.ports.writer.writeBatch({ events });
    storage.close();
    const rows = (db: Database.Database) => ({
      days: db.prepare('SELECT * FROM tool_latency_days ORDER BY day, agent_type, tool, bucket').all(),
      all: db.prepare('SELECT * FROM tool_latency ORDER BY agent_type, tool, bucket').all(),
    });
    const db = new Database(dbPath);
    const written = rows(db);
    expect(written.days.length).toBeGreaterThan(50);
    db.exec(`DROP TABLE tool_latency; DROP TABLE tool_latency_days; DROP INDEX events_tool_duration;
      CREATE TABLE tool_durations (tool TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (tool, bucket)) WITHOUT ROWID;`);
    // The migration's own SQL, run on the file as it was before it (later migrations left as they are).
    const migration = MIGRATIONS.find((sql) => sql.includes('CREATE TABLE tool_latency ('));
    expect(migration).toBeDefined();
    db.exec(migration!);
    expect(rows(db)).toEqual(written);
    db.close();
  });
});
