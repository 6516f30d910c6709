/**
 * The retention pass over a real store: it steps until nothing is left, reports what it pruned in
 * one log line, is off when both limits are 0, and logs a lasting failure once, not every pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { validateEvent } from '../../collector/core/event.js';
import type { Logger } from '../../collector/core/component.js';
import { TestStore as SqliteStore } from '../../test/helpers/sqlite-store.js';
import { Pruner } from './retention.js';
import { RetentionRunner, retentionEnabled, type RetentionSettings } from './retention-runner.js';

const NOW = Date.UTC(2026, 0, 1);
let dir: string;
let store: SqliteStore;
let lines: Array<[string, string]>;
const logger: Logger = {
  debug: () => {},
  info: (msg) => lines.push(['info', msg]),
  warn: (msg) => lines.push(['warn', msg]),
  error: (msg) => lines.push(['error', msg]),
};

function runner(settings: Partial<RetentionSettings>): RetentionRunner {
  const pruner = new Pruner(store.db);
  return new RetentionRunner({
    settings: { retention_days: 0, max_db_mb: 0, prune_batch_rows: 1000, ...settings },
    step: (req) => pruner.step(req),
    now: () => NOW,
    logger,
  });
}

beforeEach(() => {
  lines = [];
  dir = mkdtempSync(path.join(tmpdir(), 'agentstats-retention-runner-'));
  store = new SqliteStore(path.join(dir, 'agentstats.db'), { now: () => new Date(NOW), idleAfterMs: 30 * 60_000 });
  let n = 0;
  const events = Array.from({ length: 2501 }, (_, i) => {
    const r = validateEvent(
      { session_id: 's', agent_type: 'codex', event_type: 'tool_use', tool_name: 'shell', client_timestamp: new Date(NOW - (2501 - i) * 3_600_000).toISOString() },
      { now: () => new Date(NOW), newId: () => `e${n++}` },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.event;
  });
  store.writeBatch({ events });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('prunes in steps until nothing is left and says so in one line', async () => {
  const summary = await runner({ retention_days: 1, prune_batch_rows: 400 }).pass();
  // 2,501 events an hour apart, the last 1 h before now: all but the last 24 are older than a day.
  expect(summary).toMatchObject({ events: 2501 - 24, spans: 0, metric_points: 0, transactions: Math.ceil((2501 - 24) / 400) });
  expect(lines).toHaveLength(1);
  expect(lines[0][1]).toMatch(/^retention: pruned 2477 events, 0 spans, 0 metric points in 7 transactions \(older than 2025-12-31T00:00:00.000Z\)/);
  expect((await runner({ retention_days: 1 }).pass()).transactions).toBe(0);
  expect(lines).toHaveLength(1); // a pass with nothing to do is silent
});

it('is off when both limits are 0', () => {
  expect(retentionEnabled({ retention_days: 0, max_db_mb: 0, prune_batch_rows: 1000 })).toBe(false);
  expect(retentionEnabled({ retention_days: 0, max_db_mb: 1, prune_batch_rows: 1000 })).toBe(true);
});

it('logs a lasting failure once, and again only after a pass succeeded', async () => {
  const readOnly = new Database(path.join(dir, 'agentstats.db'));
  readOnly.pragma('query_only = ON'); // every write fails, as on a database made read-only
  const pruners = { failing: new Pruner(readOnly), working: new Pruner(store.db) };
  let use: keyof typeof pruners = 'failing';
  const r = new RetentionRunner({
    settings: { retention_days: 1, max_db_mb: 0, prune_batch_rows: 1000 },
    step: (req) => pruners[use].step(req),
    now: () => NOW,
    logger,
  });
  try {
    await r.pass();
    await r.pass();
    expect(lines).toEqual([['warn', expect.stringMatching(/^retention: pruning paused until the next pass: .*readonly/i)]]);
    use = 'working';
    expect((await r.pass()).events).toBe(2477);
    use = 'failing';
    await r.pass();
    expect(lines.map(([level]) => level)).toEqual(['warn', 'info', 'warn']);
  } finally {
    readOnly.close();
  }
});
