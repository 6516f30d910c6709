/**
 * Retention on a real SQLite file: pruning raw rows leaves every number the API reads exact, a
 * pruned event sent again is still a repeat, a late sighting of a pruned call still folds, the
 * size bound goes oldest first, and each step is a transaction of its own (another connection
 * that will not wait can write between steps).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { MetricPointRecord, SpanRecord } from '../../collector/core/storage.js';
import { TestStore as SqliteStore } from '../../test/helpers/sqlite-store.js';
import { Pruner, type PruneRequest, type PruneStep } from './retention.js';
import { usedBytes } from './space.js';

const DAY = 86_400_000;
const OLD = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2026, 0, 1);

let dir: string;
let store: SqliteStore;
let pruner: Pruner;
let ids = 0;

function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 100, tokens_out: 20, cost_usd: 0.0125, ...fields },
    { now: () => new Date(NOW), newId: () => `ev-${ids++}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

/** `n` events a minute apart from `startMs`, over 7 sessions, every third a tool call. */
function history(n: number, startMs: number, extra: Record<string, unknown> = {}): CanonicalEvent[] {
  return Array.from({ length: n }, (_, i) =>
    event({
      session_id: `s-${i % 7}`,
      client_timestamp: new Date(startMs + i * 60_000).toISOString(),
      ...(i % 3 === 0 ? { event_type: 'tool_use', tool_name: 'Bash', duration_ms: 10 + i, tokens_in: null, tokens_out: null, cost_usd: null } : {}),
      ...extra,
    }),
  );
}

/** Everything the API shows that retention must not change. */
function numbers() {
  return {
    stats: store.stats(),
    cost: store.costStats({ bucket: 'day', tz: 'UTC' }),
    costRange: store.costStats({ since: '2025-01-01T00:00:00Z', until: '2025-01-03T00:00:00Z', bucket: 'hour', tz: 'UTC' }),
    sessions: store.listSessions({ limit: 100 }),
    blocks: store.billingBlocks({ limit: 100, now: new Date(NOW) }),
    eventCount: store.eventCount(),
  };
}

function pruneAll(req: PruneRequest): PruneStep[] {
  const steps: PruneStep[] = [];
  for (;;) {
    const step = pruner.step(req);
    if (step.deleted === 0) return steps;
    steps.push(step);
  }
}

const byAge = (olderThanMs: number, rows = 1000): PruneRequest => ({ olderThanMs, maxBytes: null, rows });
const events = () => store.listEvents({ limit: 100_000 });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentstats-retention-'));
  store = new SqliteStore(path.join(dir, 'agentstats.db'), { now: () => new Date(NOW), idleAfterMs: 30 * 60_000 });
  pruner = new Pruner(store.db);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention by age', () => {
  it('prunes old events in steps of at most `rows`, and every number stays exactly the same', () => {
    store.writeBatch({ events: history(2500, OLD) });
    store.writeBatch({ events: history(10, NOW - 60_000) });
    const before = numbers();

    const steps = pruneAll(byAge(NOW - DAY));

    expect(steps.map((s) => s.deleted)).toEqual([1000, 1000, 500]);
    expect(steps.every((s) => s.table === 'events' && s.reason === 'age')).toBe(true);
    expect(events()).toHaveLength(10);
    expect(events().every((e) => Date.parse(e.client_timestamp!) >= NOW - DAY)).toBe(true);
    expect(numbers()).toEqual(before);
    expect((before.stats as { total_events: number }).total_events).toBe(2510);
  });

  it('commits each step on its own: a connection that will not wait writes between steps', () => {
    store.writeBatch({ events: history(3000, OLD) });
    store.writeBatch({ events: history(1, NOW) });
    const other = new Database(path.join(dir, 'agentstats.db'));
    other.pragma('busy_timeout = 0');
    try {
      let steps = 0;
      while (pruner.step(byAge(NOW - DAY, 500)).deleted > 0) {
        steps++;
        // Throws SQLITE_BUSY if the pruner still held the write lock.
        other.exec("INSERT INTO import_files (path, size, mtime_ms, offset) VALUES ('between-" + steps + "', 0, 0, 0)");
      }
      expect(steps).toBe(6);
    } finally {
      other.close();
    }
    expect(events()).toHaveLength(1);
  });

  it('a pruned event sent again is a repeat; a new event as old is stored and counted', () => {
    const old = history(50, OLD);
    store.writeBatch({ events: old });
    store.writeBatch({ events: history(1, NOW) });
    pruneAll(byAge(NOW - DAY));
    const before = numbers();

    const again = store.writeBatch({ events: old });
    expect(again.inserted).toHaveLength(0);
    expect(numbers()).toEqual(before);

    const fresh = event({ session_id: 's-0', client_timestamp: new Date(OLD + 5 * 60_000).toISOString() });
    expect(store.writeBatch({ events: [fresh] }).inserted).toHaveLength(1);
    expect((store.stats() as { total_events: number }).total_events).toBe(52);
  });

  it('a late sighting of a pruned call still folds into it (the correlations survive)', () => {
    const key = 'api:req_123';
    store.writeBatch({ events: [event({ session_id: 's-1', source: 'otlp', correlation_key: key, client_timestamp: new Date(OLD).toISOString() })] });
    store.writeBatch({ events: history(1, NOW) });
    pruneAll(byAge(NOW - DAY));
    expect(events()).toHaveLength(1);
    const before = numbers();

    // The same call from the transcript import: another id, same key, arriving after the prune.
    const late = event({ session_id: 's-1', source: 'import', correlation_key: key, client_timestamp: new Date(OLD).toISOString() });
    const result = store.writeBatch({ events: [late] });

    expect(result.inserted).toHaveLength(1);
    expect([...result.foldedIds]).toEqual([late.event_id]);
    const after = numbers();
    expect(after.stats.total_cost_usd).toBe(before.stats.total_cost_usd);
    expect(after.stats.total_events).toBe(before.stats.total_events);
    expect(after.sessions).toEqual(before.sessions);
    expect(after.stats.folded_duplicates).toEqual({ import: 1 });
  });

  it('keeps the newest event by seq, so the next event never reuses a seq', () => {
    store.writeBatch({ events: history(20, OLD) });
    const newest = Math.max(...events().map((e) => e.seq));
    pruneAll(byAge(NOW));
    expect(events().map((e) => e.seq)).toEqual([newest]);
    const next = store.writeBatch({ events: history(1, NOW) }).inserted[0];
    expect(next.seq).toBe(newest + 1);
  });

  it('prunes old spans and metric points in arrival order; metric totals stay and a re-sent point is not counted again', () => {
    const span = (i: number, start: number): SpanRecord => ({
      trace_id: `t${i}`, span_id: `s${i}`, parent_span_id: null, session_id: 's-0', agent_type: 'claude_code',
      name: 'llm_request', kind: 1, start_time: new Date(start).toISOString(), end_time: null, duration_ms: 5,
      status_code: 0, status_message: null, attributes: {}, extra: {},
    });
    const point = (i: number, time: number, value: number): MetricPointRecord => ({
      name: 'claude_code.lines_of_code.count', agent_type: 'claude_code', session_id: 's-0',
      series_key: 'loc|added', attributes: { type: 'added' }, unit: null, kind: 'sum', temporality: 'cumulative',
      monotonic: true, start_time: new Date(OLD).toISOString(), time: new Date(time).toISOString(), value, count: null,
    });
    const oldPoints = Array.from({ length: 30 }, (_, i) => point(i, OLD + i * 60_000, (i + 1) * 10));
    store.writeBatch({ events: [], spans: Array.from({ length: 40 }, (_, i) => span(i, OLD + i * 1000)) });
    store.writeBatch({ events: [], metricPoints: oldPoints });
    store.writeBatch({ events: [], spans: [span(99, NOW)], metricPoints: [point(99, NOW, 400)] });
    const before = numbers();

    const steps = pruneAll(byAge(NOW - DAY, 25));

    expect(steps.map((s) => [s.table, s.deleted])).toEqual([['spans', 25], ['spans', 15], ['metric_points', 25], ['metric_points', 5]]);
    expect(store.listSpans('s-0', 100).map((s) => s.trace_id)).toEqual(['t99']);
    expect(store.db.prepare('SELECT COUNT(*) FROM metric_points').pluck().get()).toBe(1);
    expect(numbers()).toEqual(before);
    expect((before.stats.metrics as { lines_added: number }).lines_added).toBe(400);
    // A retrying exporter sends an old cumulative point again: the series state says it is not new.
    store.writeBatch({ events: [], metricPoints: [oldPoints[29]] });
    expect(numbers()).toEqual(before);
    // The newest span and point stay however old they are, so no later one reuses their position.
    const newestSpan = store.db.prepare('SELECT max(rowid) FROM spans').pluck().get() as number;
    const newestPoint = store.db.prepare('SELECT max(id) FROM metric_points').pluck().get() as number;
    pruneAll(byAge(NOW + DAY));
    expect(store.db.prepare('SELECT rowid FROM spans').pluck().all()).toEqual([newestSpan]);
    expect(store.db.prepare('SELECT id FROM metric_points').pluck().all()).toEqual([newestPoint]);
    store.writeBatch({ events: [], spans: [span(100, NOW)], metricPoints: [point(100, NOW + 1000, 500)] });
    expect(store.db.prepare('SELECT max(rowid) FROM spans').pluck().get()).toBe(newestSpan + 1);
    expect(store.db.prepare('SELECT max(id) FROM metric_points').pluck().get()).toBe(newestPoint + 1);
  });
});

describe('retention by size', () => {
  it('prunes the oldest events first until the pages in use are under the bound', () => {
    const big = { metadata: { note: 'x'.repeat(2000) } };
    // Written newest first, so time order and arrival order disagree: time order must win.
    store.writeBatch({ events: history(1500, OLD + 2000 * 60_000, big) });
    store.writeBatch({ events: history(1500, OLD, big) });
    const before = numbers();
    const full = usedBytes(store.db);
    const bound = Math.floor(full / 2);

    const steps = pruneAll({ olderThanMs: null, maxBytes: bound, rows: 200 });

    expect(steps.every((s) => s.reason === 'size' && s.deleted <= 200)).toBe(true);
    expect(usedBytes(store.db)).toBeLessThanOrEqual(bound);
    // The newest seq (the last event written, from the older range) is always kept; the rest of
    // what is left must be the newest events by time.
    const [lastWritten, ...rest] = events();
    expect(lastWritten.client_timestamp).toBe(new Date(OLD + 1499 * 60_000).toISOString());
    const kept = rest.map((e) => Date.parse(e.client_timestamp!)).sort((a, b) => b - a);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(2999);
    const newer = Array.from({ length: 1500 }, (_, i) => OLD + (2000 + i) * 60_000);
    const older = Array.from({ length: 1499 }, (_, i) => OLD + i * 60_000);
    expect(kept).toEqual([...newer, ...older].sort((a, b) => b - a).slice(0, kept.length));
    expect(numbers()).toEqual(before);
  });

  it('stops and says so when the derived tables alone are over the bound', () => {
    store.writeBatch({ events: history(30, OLD) });
    const steps = pruneAll({ olderThanMs: null, maxBytes: 1, rows: 1000 });
    expect(steps.map((s) => s.deleted)).toEqual([29]);
    const last = pruner.step({ olderThanMs: null, maxBytes: 1, rows: 1000 });
    expect(last).toMatchObject({ table: null, deleted: 0, overBound: true });
    expect(events()).toHaveLength(1);
  });
});
