/**
 * The SQLite writer on an in-memory database (real better-sqlite3): one transaction per batch,
 * duplicates by event_id, session rows and rollups written with the events, correlation keys
 * folded, and the idle rules. Read back through the storage's own reader ports.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { SpanRecord, StoragePorts, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import { openSqliteStorage, type SqliteStorage } from './open.js';
import { EVENT_COLUMNS, toRow } from './writer.js';

const NOW = new Date('2026-11-24T11:15:00Z');
const ALL_DIMS = ['all', 'agent', 'model', 'project', 'branch', 'tool', 'event_type', 'source'] as const;

let ids = 0;
function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { session_id: 's1', agent_type: 'claude_code', event_type: 'user_prompt', client_timestamp: '2026-11-24T11:00:00Z', ...fields },
    { now: () => NOW, newId: () => `gen-${++ids}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

let storage: SqliteStorage;
let ports: StoragePorts;
let clock: Date;

beforeEach(() => {
  clock = NOW;
  storage = openSqliteStorage(':memory:', { now: () => clock, idleAfterMs: 30 * 60_000 });
  ports = storage.ports;
});
afterEach(() => storage.close());

function span(spanId: string): SpanRecord {
  return {
    trace_id: 'tr', span_id: spanId, parent_span_id: null, session_id: 's1', agent_type: 'claude_code', name: 'claude_code.interaction',
    kind: 1, start_time: '2026-11-24T10:00:00Z', end_time: null, duration_ms: 5, status_code: null, status_message: null,
    attributes: { a: 1 }, extra: {},
  };
}

// The connection's own writer commits synchronously (the server's threaded one is async).
const writeSync = (batch: WriteBatch) => ports.writer.writeBatch(batch) as WriteResult;
const write = (events: CanonicalEvent[], extra: { spans?: SpanRecord[] } = {}) => writeSync({ events, ...extra });
const allTime = () => ports.stats.usage({ dims: ALL_DIMS });
const usageOf = (dim: string, key: string) => allTime().find((r) => r.dim === dim && r.key === key);

describe('SQLite writer: one transaction per batch', () => {
  it('leaves nothing behind when the batch fails late (a bad span after events, sessions and rollups)', () => {
    const events = [
      event({ event_id: 'e1', event_type: 'api_request', model: 'm', tokens_in: 10, cost_usd: 0.5 }),
      event({ event_id: 'e2', event_type: 'tool_use', tool_name: 'Bash', duration_ms: 20, correlation_key: 'tool:s1:t1' }),
    ];
    const badSpan = { ...span('x'), name: null } as unknown as SpanRecord;
    expect(() => write(events, { spans: [badSpan] })).toThrow(/NOT NULL/);

    expect(ports.events.maxSeq()).toBe(0);
    expect(ports.events.eventCount()).toBe(0);
    expect(ports.sessions.getSession('s1')).toBeNull();
    expect(allTime()).toEqual([]);
    expect(ports.stats.toolDurations()).toEqual([]);
    expect(ports.stats.folded()).toEqual([]);

    // Nothing half-written blocks the retry: the same events (ids, correlation key) store in full.
    const retry = write(events);
    expect(retry.inserted.map((e) => e.event_id)).toEqual(['e1', 'e2']);
    expect(retry.foldedIds.size).toBe(0);
    expect(usageOf('all', '')).toMatchObject({ events: 2, tokens_in: 10, cost_usd: 0.5, api_requests: 1 });
  });

  it('stores spans and metric points in the same transaction, and counts a re-sent point once', () => {
    const point = {
      name: 'claude_code.lines_of_code.count', agent_type: 'claude_code', session_id: 's1', series_key: 'k1',
      attributes: { type: 'added' }, unit: null, kind: 'sum' as const, temporality: 'delta' as const,
      start_time: '2026-11-24T10:00:00Z', time: '2026-11-24T10:01:00Z', value: 12, count: null,
    };
    const first = writeSync({ events: [event({})], spans: [span('sp')], metricPoints: [point] });
    expect(first).toMatchObject({ spansStored: 1, metricPointsStored: 1 });
    const again = writeSync({ events: [], metricPoints: [point] });
    expect(again.metricPointsStored).toBe(0);
    expect(ports.stats.metricTotals()).toEqual([{ name: 'claude_code.lines_of_code.count', key: 'added', value: 12, count: 0 }]);
    expect(ports.sessions.listSpans('s1', 10)).toEqual([span('sp')]);
  });
});

describe('SQLite writer: duplicates by event_id', () => {
  it('stores and counts an event once, whether repeated in one batch or sent again later', () => {
    const a = event({ event_id: 'a', event_type: 'api_request', tokens_in: 5 });
    const b = event({ event_id: 'b' });
    const first = write([a, a, b]);
    expect(first.inserted.map((e) => e.event_id)).toEqual(['a', 'b']);
    expect(first.inserted[1].seq).toBeGreaterThan(first.inserted[0].seq);

    const second = write([a, event({ event_id: 'c' })]);
    expect(second.inserted.map((e) => e.event_id)).toEqual(['c']);

    expect(ports.events.listEvents({ limit: 10 }).map((e) => e.event_id)).toEqual(['c', 'b', 'a']);
    expect(usageOf('all', '')).toMatchObject({ events: 3, tokens_in: 5 });
    expect(ports.sessions.getSession('s1')).toMatchObject({ event_count: 3, prompt_count: 2, api_request_count: 1 });
    // A batch of nothing new changes no session.
    expect(write([a, b]).sessions).toEqual([]);
  });
});

describe('SQLite writer: sessions and rollups with the events', () => {
  it('returns the changed session rows as the readers then read them, and rolls up every dimension', () => {
    const result = write([
      event({ event_type: 'session_start', cwd: '/work/app', branch: 'main', client_timestamp: '2026-11-24T10:00:00Z' }),
      event({ event_type: 'api_request', model: 'opus', tokens_in: 100, tokens_out: 40, reasoning_tokens: 10, cache_read_tokens: 7, cost_usd: 0.1 }),
      event({ event_type: 'api_request', model: 'opus', tokens_in: 1, cost_usd: 0.2 }),
      event({ event_type: 'tool_use', tool_name: 'Bash', status: 'error', duration_ms: 100 }),
      event({ session_id: 's2', agent_type: 'codex', event_type: 'api_request', model: 'gpt-5', tokens_in: 3 }),
    ]);
    expect(result.sessions.map((s) => s.session_id).sort()).toEqual(['s1', 's2']);
    for (const changed of result.sessions) expect(ports.sessions.getSession(changed.session_id)).toEqual(changed);

    const s1 = ports.sessions.getSession('s1')!;
    expect(s1).toMatchObject({
      status: 'active', project: 'app', branch: 'main', cwd: '/work/app', models: ['opus'],
      first_seen: '2026-11-24T10:00:00.000Z', last_seen: '2026-11-24T11:00:00.000Z',
      event_count: 4, api_request_count: 2, tool_count: 1, error_count: 1,
      tokens_in: 101, tokens_out: 40, reasoning_tokens: 10, cache_read_tokens: 7, unpriced_tokens: 0,
    });
    // The session's cost is a float sum read to the micro-dollar; the rollup keeps it as stored.
    expect(s1.cost_usd).toBe(0.3);
    expect(usageOf('model', 'opus')!.cost_usd).toBeCloseTo(0.3, 12);
    // The codex call names no price: its tokens are unpriced, never $0.
    expect(ports.sessions.getSession('s2')).toMatchObject({ agent_type: 'codex', unpriced_tokens: 3, cost_usd: 0 });

    expect(usageOf('all', '')).toMatchObject({ events: 5, errors: 1, api_requests: 3, tokens_in: 104, unpriced_tokens: 3 });
    expect(usageOf('agent', 'codex')).toMatchObject({ events: 1, tokens_in: 3 });
    expect(usageOf('tool', 'Bash')).toMatchObject({ events: 1, errors: 1 });
    expect(usageOf('model', '')).toMatchObject({ events: 2 }); // events naming no model add up under ''
    expect(usageOf('branch', 'main')).toMatchObject({ events: 1 });
    // Durations land in 5 %-wide log-spaced buckets; a reader gets each bucket's middle (within 2.5 %).
    const [bash] = ports.stats.toolDurations();
    expect(bash).toMatchObject({ tool: 'Bash', count: 1 });
    expect(Math.abs(bash.value_ms - 100) / 100).toBeLessThanOrEqual(0.025);
    // The hourly rollup holds the same numbers: a bounded read of that hour sees them all.
    const hour = ports.stats.usage({ since: '2026-11-24T11:00:00Z', until: '2026-11-24T12:00:00Z', dims: ['all'] });
    expect(hour).toEqual([expect.objectContaining({ dim: 'all', key: '', events: 4 })]);
    expect(ports.stats.sessionCounts()).toEqual({ active: 2, idle: 0, ended: 0 });
  });

  it('ends a session on session_end and keeps it ended when a late event arrives', () => {
    write([event({ event_type: 'session_end', client_timestamp: '2026-11-24T11:05:00Z', reason: 'logout' })]);
    const late = write([event({ event_type: 'api_request', client_timestamp: '2026-11-24T11:00:00Z', tokens_in: 2 })]);
    expect(late.sessions[0]).toMatchObject({ status: 'ended', end_reason: 'logout', ended_at: '2026-11-24T11:05:00.000Z', tokens_in: 2 });
  });

  it('writes a session idle when its last activity is older than the timeout, and the sweep marks quiet ones', () => {
    const result = write([event({ session_id: 'old', client_timestamp: '2026-11-24T09:00:00Z' }), event({ session_id: 'fresh' })]);
    expect(Object.fromEntries(result.sessions.map((s) => [s.session_id, s.status]))).toEqual({ old: 'idle', fresh: 'active' });

    expect(storage.markIdleSessions(new Date('2026-11-24T10:59:00Z'))).toEqual([]);
    const swept = storage.markIdleSessions(new Date('2026-11-24T11:30:00Z'));
    expect(swept.map((s) => [s.session_id, s.status])).toEqual([['fresh', 'idle']]);
    expect(ports.stats.sessionCounts()).toEqual({ active: 0, idle: 2, ended: 0 });
    // Activity never runs ahead of the server clock: a client clock an hour fast counts as now.
    const skewed = write([event({ session_id: 'skew', client_timestamp: '2026-11-24T12:59:00Z' })]);
    expect(skewed.sessions[0].last_seen).toBe(NOW.toISOString());
  });
});

describe('SQLite writer: correlation keys', () => {
  const key = 'tool:s1:toolu_1';
  const hook = () => event({ event_id: 'hook-1', source: 'hook', event_type: 'tool_use', tool_name: 'Read', duration_ms: 5, correlation_key: key });
  const otlp = () => event({ event_id: 'otlp-1', source: 'otlp', event_type: 'tool_use', tool_name: 'Read', duration_ms: 5, correlation_key: key });

  it('stores a second sighting but counts it nowhere, and marks it counted_elsewhere', () => {
    write([hook()]);
    const second = write([otlp()]);
    expect(second.inserted.map((e) => e.event_id)).toEqual(['otlp-1']);
    expect([...second.foldedIds]).toEqual(['otlp-1']);
    expect(second.inserted[0].metadata).toMatchObject({ counted_elsewhere: true });

    expect(usageOf('all', '')).toMatchObject({ events: 1 });
    expect(usageOf('tool', 'Read')).toMatchObject({ events: 1 });
    expect(usageOf('source', 'hook')).toMatchObject({ events: 1 });
    expect(usageOf('source', 'otlp')).toBeUndefined();
    expect(ports.stats.toolDurations()).toEqual([expect.objectContaining({ tool: 'Read', count: 1 })]);
    expect(ports.stats.folded()).toEqual([{ source: 'otlp', count: 1 }]);
    expect(ports.sessions.getSession('s1')).toMatchObject({ event_count: 1, tool_count: 1 });
    // Readers see what the live stream saw; /api/health counts every stored sighting.
    const [latest, first] = ports.events.listEvents({ limit: 10 });
    expect(latest.metadata.counted_elsewhere).toBe(true);
    expect(first.metadata.counted_elsewhere).toBeUndefined();
    expect(ports.events.eventCount()).toBe(2);
  });

  it('folds within one batch too, and a re-sent folded sighting is a duplicate, not a second fold', () => {
    const result = write([hook(), otlp()]);
    expect([...result.foldedIds]).toEqual(['otlp-1']);
    expect(write([otlp()]).inserted).toEqual([]);
    expect(ports.stats.folded()).toEqual([{ source: 'otlp', count: 1 }]);
    expect(usageOf('all', '')).toMatchObject({ events: 1 });
  });

  it('counts events without a key, or with different keys, each on their own', () => {
    write([event({ correlation_key: 'a' }), event({ correlation_key: 'b' }), event({}), event({})]);
    expect(usageOf('all', '')).toMatchObject({ events: 4 });
    expect(ports.stats.folded()).toEqual([]);
  });
});

describe('SQLite writer: event rows', () => {
  it('binds every column in EVENT_COLUMNS order (toRow is written out by hand)', () => {
    const e = event({ event_id: 'r1', event_type: 'api_request', model: 'm', tool_name: 't', metadata: { a: 1 }, machine: 'box', correlation_key: 'k' });
    const fields: Record<string, unknown> = { ...e, ts: 123, metadata: JSON.stringify(e.metadata) };
    // Every column distinct enough that a swapped pair shows: give each null field a value of its own.
    for (const col of EVENT_COLUMNS) if (fields[col] === null || fields[col] === undefined) fields[col] = `v:${col}`;
    const row = toRow(fields as unknown as CanonicalEvent, 123);
    expect(row).toEqual(EVENT_COLUMNS.map((col) => (col === 'metadata' ? JSON.stringify(fields.metadata) : fields[col])));
  });
});
