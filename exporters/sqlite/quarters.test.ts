/**
 * The quarter-hour rollup: range plans (whole hours plus edge quarters), the invariant that an hour's
 * quarters add up to its hourly row, and the migration that builds the rollup for a database written
 * before it existed (in batches, resumable, and safe where raw events are gone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { openSqliteStorage } from './open.js';
import { migrate, MIGRATIONS } from './schema.js';
import { backfillCombo, backfillQuarterHours } from './rollup-backfill.js';
import { planRange } from './quarters.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const QUARTER = 900_000;

describe('range plan', () => {
  const q = (iso: string) => Date.parse(iso) / QUARTER;
  const h = (iso: string) => Date.parse(iso) / 3_600_000;

  it('reads whole hours from the hourly rollup and the edge quarters around them', () => {
    expect(planRange({ since: '2026-01-14T18:30:00Z', until: '2026-01-15T18:30:00Z' })).toEqual({
      fromHour: h('2026-01-14T19:00:00Z'),
      toHour: h('2026-01-15T18:00:00Z'),
      edges: [
        [q('2026-01-14T18:30:00Z'), q('2026-01-14T19:00:00Z')],
        [q('2026-01-15T18:00:00Z'), q('2026-01-15T18:30:00Z')],
      ],
    });
    // On whole hours: no edges.
    expect(planRange({ since: '2026-01-14T18:00:00Z', until: '2026-01-14T20:00:00Z' }).edges).toEqual([]);
    // Open ends stay open.
    const open = planRange({ since: '2026-01-14T18:45:00Z' });
    expect(open.edges).toEqual([[q('2026-01-14T18:45:00Z'), q('2026-01-14T19:00:00Z')]]);
    expect(open.toHour).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('widens a bound off the quarter hour outward, and keeps a short range in quarters', () => {
    expect(planRange({ since: '2026-01-14T18:37:10Z', until: '2026-01-14T18:52:00Z' })).toEqual({
      fromHour: 0,
      toHour: 0,
      edges: [[q('2026-01-14T18:30:00Z'), q('2026-01-14T19:00:00Z')]],
    });
    // Across an hour boundary with no whole hour between: one piece per hour.
    expect(planRange({ since: '2026-01-14T18:15:00Z', until: '2026-01-14T19:45:00Z' }).edges).toEqual([
      [q('2026-01-14T18:15:00Z'), q('2026-01-14T19:00:00Z')],
      [q('2026-01-14T19:00:00Z'), q('2026-01-14T19:45:00Z')],
    ]);
    expect(planRange({ since: '2026-01-14T19:00:00Z', until: '2026-01-14T18:00:00Z' }).edges).toEqual([]);
  });
});

let ids = 0;
function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { session_id: 's1', agent_type: 'claude_code', event_type: 'api_request', ...fields },
    { now: () => NOW, newId: () => `q-${++ids}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

/** 300 events over ten hours at odd minutes: three agents, models, tools, errors, token kinds, priced and not, one folded twin. */
function history(): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  const start = Date.parse('2026-11-20T08:00:00Z');
  for (let i = 0; i < 300; i++) {
    const at = new Date(start + i * 2 * 60_000 + (i % 7) * 13_000).toISOString();
    const tool = i % 5 === 0;
    out.push(
      event({
        session_id: `s${i % 4}`,
        agent_type: ['claude_code', 'codex', 'gemini_cli'][i % 3],
        event_type: tool ? 'tool_use' : i % 11 === 0 ? 'api_error' : 'api_request',
        tool_name: tool ? ['Bash', 'Read'][i % 2] : undefined,
        duration_ms: tool ? 20 + i : undefined,
        status: tool && i % 3 === 0 ? 'error' : undefined,
        model: tool ? undefined : ['opus', 'haiku'][i % 2],
        project: ['a', 'b', undefined][i % 3],
        tokens_in: tool ? undefined : i,
        tokens_out: tool ? undefined : 2 * i,
        cache_read_tokens: tool || i % 3 === 0 ? undefined : 3 * i,
        cache_write_tokens: tool || i % 7 === 0 ? undefined : i % 50,
        reasoning_tokens: i % 6 === 1 ? i : undefined,
        cost_usd: tool || i % 4 === 0 ? undefined : i / 1000,
        client_timestamp: at,
      }),
    );
  }
  // The same call seen twice (same correlation key): the second is stored, not counted.
  out.push(event({ tokens_in: 5, correlation_key: 'req:1', client_timestamp: '2026-11-20T09:07:00Z' }));
  out.push(event({ tokens_in: 5, correlation_key: 'req:1', source: 'otlp', client_timestamp: '2026-11-20T09:07:00Z' }));
  return out;
}

/** The rollup's rows; cost to 1e-9 (a float sum depends on the order it was added in, e.g. batches). */
const quarterRows = (db: Database.Database) =>
  (db.prepare('SELECT * FROM quarter_hours ORDER BY quarter, dim, key').all() as Array<{ cost_usd: number }>).map((r) => ({
    ...r,
    cost_usd: Math.round(r.cost_usd * 1e9) / 1e9,
  }));

/** The hourly and running-total rows, cost to 1e-9. */
const rollupRows = (db: Database.Database) =>
  (
    db.prepare("SELECT 'h' AS t, hour, dim, key, events, tokens_in, cost_usd FROM hourly UNION ALL SELECT 't', 0, dim, key, events, tokens_in, cost_usd FROM totals ORDER BY 1, 2, 3, 4").all() as Array<{
      cost_usd: number;
    }>
  ).map((r) => ({ ...r, cost_usd: Math.round(r.cost_usd * 1e9) / 1e9 }));

/** (hour, dim, key) rows of the hourly rollup that their quarters do not add up to. */
function mismatches(db: Database.Database): unknown[] {
  return db
    .prepare(
      `SELECT h.hour, h.dim, h.key FROM hourly h LEFT JOIN (
         SELECT quarter >> 2 AS hour, dim, key, SUM(events) AS events, SUM(tokens_in) AS tokens_in, SUM(errors) AS errors,
           SUM(api_requests) AS api_requests, SUM(unpriced_tokens) AS unpriced_tokens, SUM(cost_usd) AS cost_usd
         FROM quarter_hours GROUP BY 1, 2, 3) q USING (hour, dim, key)
       WHERE q.events IS NOT h.events OR q.tokens_in IS NOT h.tokens_in OR q.errors IS NOT h.errors
         OR q.api_requests IS NOT h.api_requests OR q.unpriced_tokens IS NOT h.unpriced_tokens
         OR abs(q.cost_usd - h.cost_usd) > 1e-9`,
    )
    .all();
}

describe('quarter-hour rollup on disk', () => {
  let dir: string;
  let dbPath: string;
  let written: unknown[];
  let writtenRollups: unknown[];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentstats-quarters-'));
    dbPath = path.join(dir, 'agentstats.db');
    const storage = openSqliteStorage(dbPath, { now: () => NOW, idleAfterMs: 3_600_000 });
    const events = history();
    // The connection's own writer commits synchronously.
    for (let i = 0; i < events.length; i += 25) void storage.ports.writer.writeBatch({ events: events.slice(i, i + 25) });
    storage.close();
    const db = new Database(dbPath);
    written = quarterRows(db);
    writtenRollups = rollupRows(db);
    db.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Turns the file back into one written before migration 7: no quarter-hour rollup. */
  function downgrade(before?: (db: Database.Database) => void): void {
    const db = new Database(dbPath);
    before?.(db);
    // Also back to before the migrations after it: no machine column, combined rows, budgets, export
    // cursors, tool latency tables (tool_durations as it was), search or error indexes.
    db.exec('DROP TABLE search_fts; DROP TABLE search_state; DROP INDEX events_errors;');
    db.exec(`DROP TABLE quarter_hours; DROP TABLE rollup_backfill; DROP INDEX hourly_combo;
      DELETE FROM hourly WHERE dim IN ('machine', 'combo'); DELETE FROM totals WHERE dim IN ('machine', 'combo');
      ALTER TABLE events DROP COLUMN machine;
      DROP TABLE budgets; DROP TABLE budget_alerts; DROP TABLE export_cursors;
      DROP TABLE tool_latency; DROP TABLE tool_latency_days; DROP INDEX events_tool_duration;
      CREATE TABLE tool_durations (tool TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (tool, bucket)) WITHOUT ROWID;
      PRAGMA user_version = 6;`);
    db.close();
  }

  it('keeps every hour\'s quarters adding up to its hourly row as batches are written', () => {
    const db = new Database(dbPath);
    expect(written.length).toBeGreaterThan(100);
    expect(mismatches(db)).toEqual([]);
    db.close();
  });

  it('builds the rollup of an older database from its events when it opens, as the writer would have', () => {
    downgrade();
    const storage = openSqliteStorage(dbPath, { now: () => NOW, idleAfterMs: 3_600_000 });
    storage.close();
    const db = new Database(dbPath);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(quarterRows(db)).toEqual(written);
    expect(rollupRows(db)).toEqual(writtenRollups);
    expect(db.prepare('SELECT COUNT(*) AS n FROM rollup_backfill').get()).toEqual({ n: 0 });
    db.close();
  });

  it('builds it in batches and resumes after a run cut short', () => {
    downgrade();
    const db = new Database(dbPath);
    migrate(db);
    const cut = backfillQuarterHours(db, { batch: 7, maxBatches: 5 });
    expect(cut).toMatchObject({ seqs: 35, batches: 5, done: false });
    expect(db.prepare("SELECT next_seq FROM rollup_backfill WHERE name = 'quarter_hours'").pluck().get()).toBe(36);
    const rest = backfillQuarterHours(db, { batch: 7 });
    expect(rest).toMatchObject({ seqs: 302 - 35, done: true, unsplitHours: 0 });
    // The combined rows (migration 8) have a cursor of their own, cut short and resumed too.
    expect(backfillCombo(db, { batch: 11, maxBatches: 3 })).toMatchObject({ seqs: 33, done: false });
    expect(backfillCombo(db, { batch: 11 })).toMatchObject({ seqs: 302 - 33, done: true });
    expect(quarterRows(db)).toEqual(written);
    expect(rollupRows(db)).toEqual(writtenRollups);
    // Nothing left to do: a second open does not fold anything again.
    expect(backfillQuarterHours(db)).toMatchObject({ seqs: 0, done: true });
    expect(quarterRows(db)).toEqual(written);
    db.close();
  });

  it('keeps an hour whose raw events are gone whole in its first quarter, so totals stay exact', () => {
    const hour = Date.parse('2026-11-20T10:00:00Z');
    downgrade((db) => db.prepare('DELETE FROM events WHERE ts >= ? AND ts < ?').run(hour, hour + 3_600_000));
    const db = new Database(dbPath);
    migrate(db);
    expect(backfillQuarterHours(db, { batch: 50 })).toMatchObject({ done: true, unsplitHours: 1 });
    expect(mismatches(db)).toEqual([]);
    const inHour = db.prepare("SELECT quarter FROM quarter_hours WHERE quarter >= ? AND quarter < ? AND dim = 'all'").pluck();
    expect(inHour.all(hour / QUARTER, hour / QUARTER + 4)).toEqual([hour / QUARTER]);
    db.close();
  });
});
