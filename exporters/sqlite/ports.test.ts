/**
 * The SQLite storage's narrow ports on an in-memory database (real better-sqlite3): each port holds
 * only its calls; the tool-start lookup, the importer's checkpoints, and the usage reader's typed
 * rows (all-time vs. bounded, timeline buckets in a time zone, billing blocks).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { MetricPointRecord, SpanRecord, StoragePorts, WriteResult } from '../../collector/core/storage.js';
import { openSqliteStorage, type SqliteStorage } from './open.js';

const NOW = new Date('2026-11-24T12:00:00Z');
let ids = 0;
function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { session_id: 's1', agent_type: 'claude_code', event_type: 'api_request', ...fields },
    { now: () => NOW, newId: () => `gen-${++ids}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

let storage: SqliteStorage;
let ports: StoragePorts;
beforeEach(() => {
  storage = openSqliteStorage(':memory:', { now: () => NOW, idleAfterMs: 24 * 3_600_000 });
  ports = storage.ports;
});
afterEach(() => storage.close());
// The connection's own writer commits synchronously.
const write = (...events: CanonicalEvent[]) => ports.writer.writeBatch({ events }) as WriteResult;

describe('storage ports', () => {
  it('are separate objects, each with only its own calls', () => {
    const calls = (port: object) => {
      const names = new Set<string>();
      for (let p = port; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) {
          if (name !== 'constructor' && typeof (port as Record<string, unknown>)[name] === 'function') names.add(name);
        }
      }
      return [...names].sort();
    };
    expect(calls(ports.writer)).toEqual(['writeBatch']);
    expect(calls(ports.events)).toEqual(['eventCount', 'listEvents', 'maxSeq']);
    expect(calls(ports.sessions)).toEqual(['childSessions', 'getSession', 'listSessions', 'listSpans']);
    expect(calls(ports.checkpoints)).toEqual(['listImportFiles', 'saveImportFiles']);
    expect(calls(ports.toolStarts)).toEqual(['toolStartMs']);
    expect(calls(ports.exportCursors)).toEqual(['get', 'save']);
    expect(calls(ports.spanFeed)).toEqual(['after', 'newest']);
    expect(calls(ports.metricFeed)).toEqual(['after', 'newest']);
    expect(calls(ports.toolUsage)).toEqual(['toolUsage']);
    expect(calls(ports.stats)).toEqual(
      ['billingBlocks', 'folded', 'metricTotals', 'sessionCounts', 'timeline', 'toolDurations', 'usage', 'usageKeys'],
    );
    expect(calls(ports.budgets)).toEqual(
      ['createBudget', 'deleteBudget', 'getBudget', 'listAlerts', 'listBudgets', 'raisedThresholds', 'recordAlert', 'updateBudget'],
    );
    expect(calls(ports.tools)).toEqual(['latencyMaxError', 'latencyValueMs', 'toolCalls', 'toolLatency']);
    expect(calls(ports.search)).toEqual(['search']);
    expect(calls(ports.errors)).toEqual(['errorSummary', 'recentErrors']);
    expect(new Set(Object.values(ports)).size).toBe(14);
  });

  it('budgets: stored, changed, deleted; an alert recorded once per budget, period and threshold', () => {
    const spec = { name: 'daily', period: 'day' as const, unit: 'usd' as const, limit: 5, project: null, agent: 'codex', thresholds: null };
    const made = ports.budgets.createBudget('b-1', spec, '2026-06-10T00:00:00.000Z');
    expect(made).toMatchObject({ id: 'b-1', name: 'daily', agent: 'codex', thresholds: null, created_at: '2026-06-10T00:00:00.000Z' });
    expect(ports.budgets.updateBudget('b-1', { ...spec, limit: 7, thresholds: [90] }, '2026-06-11T00:00:00.000Z')).toMatchObject({ limit: 7, thresholds: [90], updated_at: '2026-06-11T00:00:00.000Z' });
    expect(ports.budgets.updateBudget('nope', spec, 'x')).toBeNull();
    expect(ports.budgets.listBudgets().map((b) => b.id)).toEqual(['b-1']);

    const alert = {
      budget_id: 'b-1', budget_name: 'daily', period: 'day' as const, unit: 'usd' as const, project: null, agent: 'codex',
      period_start: '2026-06-10T00:00:00.000Z', period_end: '2026-06-11T00:00:00.000Z', threshold: 50, spent: 3, limit: 5, raised_at: '2026-06-10T12:00:00.000Z',
    };
    const first = ports.budgets.recordAlert(alert);
    expect(first).toMatchObject({ ...alert, id: expect.any(Number) });
    expect(ports.budgets.recordAlert({ ...alert, spent: 4 })).toBeNull();
    expect(ports.budgets.recordAlert({ ...alert, period_start: '2026-06-11T00:00:00.000Z' })).not.toBeNull();
    expect(ports.budgets.raisedThresholds('b-1', alert.period_start)).toEqual([50]);
    expect(ports.budgets.deleteBudget('b-1')).toBe(true);
    expect(ports.budgets.deleteBudget('b-1')).toBe(false);
    // The history outlives the budget.
    expect(ports.budgets.listAlerts(10).map((a) => a.period_start)).toEqual(['2026-06-11T00:00:00.000Z', '2026-06-10T00:00:00.000Z']);
  });
});

describe('export cursors', () => {
  it('keep a position per exporter id and signal, replaced on save', () => {
    expect(ports.exportCursors.get('otlp', 'events')).toBeNull();
    ports.exportCursors.save('otlp', 'events', 10);
    ports.exportCursors.save('otlp/team', 'events', 3);
    ports.exportCursors.save('otlp', 'events', 42);
    expect(ports.exportCursors.get('otlp', 'events')).toBe(42);
    expect(ports.exportCursors.get('otlp/team', 'events')).toBe(3);
  });
});

describe('telemetry feeds', () => {
  const span = (id: string, fields: Partial<SpanRecord> = {}): SpanRecord => ({
    trace_id: 'a'.repeat(32), span_id: id, parent_span_id: null, session_id: 's1', agent_type: 'codex', name: `op-${id}`, kind: 1,
    start_time: '2026-11-24T11:00:00.000Z', end_time: '2026-11-24T11:00:01.000Z', duration_ms: 1000, status_code: 0, status_message: null,
    attributes: { k: 'v' }, extra: { scope: 'x' }, ...fields,
  });
  const point = (time: string, value: number): MetricPointRecord => ({
    name: 'tokens', agent_type: 'claude_code', session_id: 's1', series_key: 'k1', attributes: { type: 'input' }, unit: null,
    kind: 'sum', temporality: 'cumulative', monotonic: true, start_time: '2026-11-24T10:00:00.000Z', time, value, count: null,
  });

  it('spans after a position in storage order; a span stored again moves to the end', () => {
    expect(ports.spanFeed.newest()).toBe(0);
    void ports.writer.writeBatch({ events: [], spans: [span('1'.repeat(16)), span('2'.repeat(16))] });
    const all = ports.spanFeed.after(0, 10);
    expect(all.map((e) => e.item.span_id)).toEqual(['1'.repeat(16), '2'.repeat(16)]);
    expect(all[0].item).toEqual(span('1'.repeat(16)));
    expect(ports.spanFeed.after(all[0].position, 10).map((e) => e.item.span_id)).toEqual(['2'.repeat(16)]);
    void ports.writer.writeBatch({ events: [], spans: [span('1'.repeat(16), { name: 'renamed' })] });
    const moved = ports.spanFeed.after(all[1].position, 10);
    expect(moved.map((e) => e.item.name)).toEqual(['renamed']);
    expect(ports.spanFeed.newest()).toBe(moved[0].position);
  });

  it('metric points after an id, cumulative values as the deltas stored', () => {
    void ports.writer.writeBatch({ events: [], metricPoints: [point('2026-11-24T11:00:00.000Z', 5), point('2026-11-24T11:01:00.000Z', 8)] });
    const all = ports.metricFeed.after(0, 10);
    expect(all.map((e) => e.item.value)).toEqual([5, 3]);
    expect(all[1].item).toMatchObject({ series_key: 'k1', attributes: { type: 'input' }, kind: 'sum', temporality: 'cumulative' });
    expect(ports.metricFeed.after(all[0].position, 1).map((e) => e.position)).toEqual([all[1].position]);
    expect(ports.metricFeed.newest()).toBe(all[1].position);
  });
});

describe('tool-start lookup', () => {
  const start = (id: string, fields: Record<string, unknown> = {}) =>
    event({ event_type: 'tool_start', tool_name: 'Bash', tool_use_id: id, client_timestamp: '2026-11-24T11:00:00.250Z', ...fields });

  it('answers when the stored tool_start of that agent, session and call happened', () => {
    write(start('toolu_1'), start('toolu_2', { client_timestamp: '2026-11-24T11:00:05Z' }));
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_1')).toBe(Date.parse('2026-11-24T11:00:00.250Z'));
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_2')).toBe(Date.parse('2026-11-24T11:00:05Z'));
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_9')).toBeNull();
    expect(ports.toolStarts.toolStartMs('codex', 's1', 'toolu_1')).toBeNull();
    expect(ports.toolStarts.toolStartMs('claude_code', 's2', 'toolu_1')).toBeNull();
  });

  it('takes the latest start of a call id, uses created_at without a client time, and ignores other event types', () => {
    write(start('toolu_1'), event({ event_type: 'tool_use', tool_use_id: 'toolu_3', client_timestamp: '2026-11-24T11:00:00Z' }));
    write(start('toolu_1', { client_timestamp: '2026-11-24T11:30:00Z' }), start('toolu_4', { client_timestamp: null }));
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_1')).toBe(Date.parse('2026-11-24T11:30:00Z'));
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_4')).toBe(NOW.getTime());
    expect(ports.toolStarts.toolStartMs('claude_code', 's1', 'toolu_3')).toBeNull();
  });
});

describe('checkpoint store', () => {
  it('saves and lists read positions with their parser state, replacing a file\'s row on save', () => {
    expect(ports.checkpoints.listImportFiles()).toEqual([]);
    ports.checkpoints.saveImportFiles([]);
    const a = { path: '/h/.claude/projects/p/a.jsonl', size: 100, mtime_ms: 1700000000123, offset: 80, state: { usage: { in: 1 }, pending: ['t1'] } };
    const b = { path: '/h/.codex/sessions/b.jsonl', size: 5, mtime_ms: 1700000000000, offset: 5, state: {} };
    ports.checkpoints.saveImportFiles([a, b]);
    const byPath = (list: ReturnType<typeof ports.checkpoints.listImportFiles>) => [...list].sort((x, y) => x.path.localeCompare(y.path));
    expect(byPath(ports.checkpoints.listImportFiles())).toEqual(byPath([a, b]));

    const grown = { ...a, size: 180, offset: 180, mtime_ms: 1700000000999.6, state: { usage: { in: 2 } } };
    ports.checkpoints.saveImportFiles([grown]);
    expect(byPath(ports.checkpoints.listImportFiles())).toEqual(byPath([{ ...grown, mtime_ms: 1700000001000 }, b]));
  });
});

describe('usage reader', () => {
  beforeEach(() => {
    write(
      event({ client_timestamp: '2026-11-20T22:30:00Z', model: 'opus', tokens_in: 10, cost_usd: 1, project: 'a' }),
      event({ client_timestamp: '2026-11-20T23:30:00Z', model: 'opus', tokens_in: 20, cost_usd: 2, project: 'b' }),
      event({ client_timestamp: '2026-11-21T01:10:00Z', model: 'haiku', tokens_in: 30, cost_usd: 0.5, project: 'a' }),
      event({ client_timestamp: '2026-11-21T09:00:00Z', agent_type: 'codex', session_id: 'c1', model: 'gpt-5', tokens_in: 40 }),
    );
  });

  it('reads all-time totals and a bounded range of hours, cost first, only the dimensions asked for', () => {
    const all = ports.stats.usage({ dims: ['model'] });
    expect(all.map((r) => [r.key, r.events, r.cost_usd])).toEqual([['opus', 2, 3], ['haiku', 1, 0.5], ['gpt-5', 1, 0]]);
    const bounded = ports.stats.usage({ since: '2026-11-20T23:00:00Z', until: '2026-11-21T02:00:00Z', dims: ['all', 'project'] });
    expect(bounded.map((r) => [r.dim, r.key, r.events, r.tokens_in])).toEqual([
      ['all', '', 2, 50],
      ['project', 'b', 1, 20],
      ['project', 'a', 1, 30],
    ]);
    // A range reads the quarter hours it touches: 23:59 reads from 23:45 (the 23:30 event is before it),
    // 23:31 from 23:30.
    expect(ports.stats.usage({ since: '2026-11-20T23:59:00Z', until: '2026-11-21T00:00:00Z', dims: ['all'] })).toEqual([]);
    expect(ports.stats.usage({ since: '2026-11-20T23:31:00Z', until: '2026-11-21T00:00:00Z', dims: ['all'] })[0].events).toBe(1);
    expect(ports.stats.usage({ since: '2026-11-20T00:00:00Z', dims: [] })).toEqual([]);
  });

  it('buckets the timeline per hour, or per local day cut at midnight in the zone', () => {
    const hours = ports.stats.timeline({ bucket: 'hour', tz: 'UTC' });
    expect(hours.map((b) => [b.bucket, b.events])).toEqual([
      ['2026-11-20T22:00:00.000Z', 1],
      ['2026-11-20T23:00:00.000Z', 1],
      ['2026-11-21T01:00:00.000Z', 1],
      ['2026-11-21T09:00:00.000Z', 1],
    ]);
    // Berlin is UTC+1 in November: 23:30 UTC is already the 21st there, 22:30 UTC is not. A day
    // starts at local midnight, whether or not that hour had usage.
    const days = ports.stats.timeline({ bucket: 'day', tz: 'Europe/Berlin' });
    expect(days.map((b) => [b.bucket, b.start, b.events, b.tokens_in, b.cost_usd])).toEqual([
      ['2026-11-20', '2026-11-19T23:00:00.000Z', 1, 10, 1],
      ['2026-11-21', '2026-11-20T23:00:00.000Z', 3, 90, 2.5],
    ]);
    const utcDays = ports.stats.timeline({ bucket: 'day', tz: 'UTC', since: '2026-11-21T00:00:00Z' });
    expect(utcDays.map((b) => [b.bucket, b.start, b.events])).toEqual([['2026-11-21', '2026-11-21T00:00:00.000Z', 2]]);
  });

  it('chains 5-hour billing blocks from the first usage hour, per agent, most recent last', () => {
    const all = ports.stats.billingBlocks({ limit: 10 });
    expect(all.total).toBe(2);
    expect(all.blocks.map((b) => [new Date(b.start_ms).toISOString(), new Date(b.end_ms).toISOString(), new Date(b.last_hour_ms).toISOString(), b.events])).toEqual([
      ['2026-11-20T22:00:00.000Z', '2026-11-21T03:00:00.000Z', '2026-11-21T01:00:00.000Z', 3],
      ['2026-11-21T09:00:00.000Z', '2026-11-21T14:00:00.000Z', '2026-11-21T09:00:00.000Z', 1],
    ]);
    expect(ports.stats.billingBlocks({ limit: 1 })).toMatchObject({ total: 2, blocks: [{ events: 1, tokens_in: 40 }] });
    expect(ports.stats.billingBlocks({ agent_type: 'claude_code', limit: 10 }).blocks.map((b) => b.tokens_in)).toEqual([60]);
    // A `since` inside a block keeps the whole block, started where its chain started.
    const since = ports.stats.billingBlocks({ since: '2026-11-21T01:00:00Z', limit: 10 });
    expect(since.blocks.map((b) => [new Date(b.start_ms).toISOString(), b.events])).toEqual([
      ['2026-11-20T22:00:00.000Z', 3],
      ['2026-11-21T09:00:00.000Z', 1],
    ]);
  });

  it('cuts ranges, day buckets and a block\'s until inside an hour at the quarter hour', () => {
    write(event({ client_timestamp: '2026-11-21T01:40:00Z', model: 'haiku', tokens_in: 5 }));
    const tokens = (since: string, until: string) => ports.stats.usage({ since, until, dims: ['all'] })[0]?.tokens_in ?? 0;
    expect(tokens('2026-11-21T01:30:00Z', '2026-11-21T02:00:00Z')).toBe(5);
    expect(tokens('2026-11-21T01:00:00Z', '2026-11-21T01:30:00Z')).toBe(30);
    expect(tokens('2026-11-20T22:45:00Z', '2026-11-21T01:15:00Z')).toBe(50);
    // India (UTC+5:30): local midnight of the 21st is 18:30 UTC on the 20th, inside an hour.
    const kolkata = ports.stats.timeline({ bucket: 'day', tz: 'Asia/Kolkata', until: '2026-11-21T18:30:00Z' });
    expect(kolkata.map((b) => [b.bucket, b.start, b.tokens_in])).toEqual([['2026-11-21', '2026-11-20T18:30:00.000Z', 105]]);
    // A block's until at 01:30 leaves out the 01:40 call of the hour it falls in.
    const blocks = (until: string) => ports.stats.billingBlocks({ agent_type: 'claude_code', until, limit: 10 }).blocks.map((b) => b.tokens_in);
    expect(blocks('2026-11-21T01:30:00Z')).toEqual([60]);
    expect(blocks('2026-11-21T01:45:00Z')).toEqual([65]);
    expect(blocks('2026-11-21T01:00:00Z')).toEqual([30]);
  });

  it('lists the values each dimension has seen, and the side tables as typed rows', () => {
    const keys = ports.stats.usageKeys();
    expect(keys.filter((k) => k.dim === 'model').map((k) => k.key).sort()).toEqual(['gpt-5', 'haiku', 'opus']);
    expect(keys.filter((k) => k.dim === 'branch')).toEqual([{ dim: 'branch', key: '' }]);
    // Both sessions' last activity is days before NOW: written idle.
    expect(ports.stats.sessionCounts()).toEqual({ active: 0, idle: 2, ended: 0 });
    expect(ports.stats.folded()).toEqual([]);
    expect(ports.stats.metricTotals()).toEqual([]);
    expect(ports.events.eventCount()).toBe(4);
    expect(ports.events.maxSeq()).toBe(4);
  });
});
