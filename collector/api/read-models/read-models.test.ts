/**
 * The API's read models: JSON names, nesting, rounding and derived figures built from the
 * StatsReader's typed rows. The reader here is a stand-in holding fixed rows, so each figure can
 * be checked against hand arithmetic; the SQLite reader's rows are tested beside it
 * (exporters/sqlite/ports.test.ts) and the whole path end to end in test/.
 */
import { describe, expect, it } from 'vitest';
import type { StatsReader, UsageCounters, UsageDimension, UsageRow } from '../../core/storage.js';
import { BLOCK_HOURS, emptyUsageCounters, type UsageBlock } from '../../core/usage.js';
import { statsView, percentile } from './stats.js';
import { costView } from './cost.js';
import { blocksView } from './blocks.js';
import { filterOptionsView } from './filter-options.js';
import { shapeMetrics } from './metrics.js';

const usage = (dim: UsageDimension, key: string, c: Partial<UsageCounters>): UsageRow => ({ dim, key, ...emptyUsageCounters(), ...c });

/** A StatsReader answering from fixed rows (filtered by dimension, as the real one does). */
function reader(rows: Partial<{ [K in keyof StatsReader]: ReturnType<StatsReader[K]> }>): StatsReader {
  return {
    usage: (q) => (rows.usage ?? []).filter((r) => q.dims.includes(r.dim)),
    timeline: () => rows.timeline ?? [],
    usageKeys: () => rows.usageKeys ?? [],
    sessionCounts: () => rows.sessionCounts ?? { active: 0, idle: 0, ended: 0 },
    toolDurations: () => rows.toolDurations ?? [],
    folded: () => rows.folded ?? [],
    metricTotals: () => rows.metricTotals ?? [],
    billingBlocks: () => rows.billingBlocks ?? { total: 0, blocks: [] },
  };
}

describe('statsView', () => {
  it('names, nests and derives the /api/stats figures from usage rows', () => {
    const view = statsView(
      reader({
        usage: [
          usage('all', '', { events: 10, errors: 2, tokens_in: 100, tokens_out: 50, cache_read_tokens: 7, cache_write_tokens: 3, reasoning_tokens: 5, cost_usd: 0.1 + 0.2, api_requests: 4 }),
          usage('agent', 'claude_code', { events: 10, cost_usd: 0.30000000000000004 }),
          usage('tool', 'Read', { events: 3 }),
          usage('tool', 'Bash', { events: 5, errors: 1 }),
          usage('event_type', 'tool_use', { events: 8 }),
          usage('source', 'hook', { events: 10 }),
        ],
        sessionCounts: { active: 1, idle: 2, ended: 3 },
        toolDurations: [
          { tool: 'Bash', upper_ms: 9.6, count: 3 },
          { tool: 'Bash', upper_ms: 1000.4, count: 2 },
        ],
        folded: [{ source: 'otlp', count: 4 }],
      }),
    );
    expect(view).toMatchObject({
      total_events: 10,
      total_sessions: 6,
      active_sessions: 1,
      idle_sessions: 2,
      ended_sessions: 3,
      total_tokens: 160,
      tokens: { input: 100, output: 50, cache_read: 7, cache_write: 3, reasoning: 5 },
      total_cost_usd: 0.3,
      error_count: 2,
      error_rate: 0.2,
      api_requests: 4,
      events_by_type: { tool_use: 8 },
      events_by_agent: { claude_code: 10 },
      events_by_source: { hook: 10 },
      folded_duplicates: { otlp: 4 },
    });
    expect(view.agent_breakdown).toEqual([
      { agent_type: 'claude_code', events: 10, errors: 0, tokens_in: 0, tokens_out: 0, cache_read_tokens: 0, cache_write_tokens: 0,
        reasoning_tokens: 0, cost_usd: 0.3, unpriced_tokens: 0, api_requests: 0, total_tokens: 0, error_rate: 0 },
    ]);
    // Most called first; percentiles are bucket upper bounds in whole ms; no histogram, no percentile.
    expect(view.tools).toEqual([
      { tool_name: 'Bash', calls: 5, errors: 1, error_rate: 0.2, p50_ms: 10, p95_ms: 1000 },
      { tool_name: 'Read', calls: 3, errors: 0, error_rate: 0, p50_ms: null, p95_ms: null },
    ]);
    expect(Object.keys(view).slice(0, 6)).toEqual(['total_events', 'total_sessions', 'active_sessions', 'idle_sessions', 'ended_sessions', 'total_tokens']);
  });

  it('reports zeros, not NaN, for an empty store', () => {
    const view = statsView(reader({}));
    expect(view).toMatchObject({ total_events: 0, error_rate: 0, total_cost_usd: 0, tools: [], agent_breakdown: [], folded_duplicates: {} });
    expect(view.metrics).toMatchObject({ lines_added: 0, by_agent: {}, totals: [] });
  });

  it('takes a percentile from the bucket where the cumulative count reaches it', () => {
    const hist = [1, 2, 3, 4].map((i) => ({ tool: 't', upper_ms: i * 10, count: 25 }));
    expect(percentile(hist, 0.5)).toBe(20);
    expect(percentile(hist, 0.95)).toBe(40);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('shapeMetrics', () => {
  it("turns the agents' own metric names into figures, overall and per agent, leaving tokens and cost out", () => {
    const m = shapeMetrics([
      { name: 'claude_code.lines_of_code.count', key: 'added', value: 40, count: 0 },
      { name: 'claude_code.lines_of_code.count', key: 'removed', value: 7, count: 0 },
      { name: 'gemini_cli.lines.changed', key: 'added', value: 25, count: 0 },
      { name: 'claude_code.active_time.total', key: 'user', value: 120.5, count: 0 },
      { name: 'claude_code.active_time.total', key: 'cli', value: 33.25, count: 0 },
      { name: 'claude_code.code_edit_tool.decision', key: 'accept', value: 5, count: 0 },
      { name: 'claude_code.commit.count', key: '', value: 3, count: 0 },
      { name: 'claude_code.token.usage', key: 'input', value: 999, count: 0 },
    ]);
    expect(m).toMatchObject({ lines_added: 65, lines_removed: 7, commits: 3, active_time_seconds: 153.75, edits_accepted: 5, edits_rejected: 0 });
    expect(m.active_time_by_type).toEqual({ user: 120.5, cli: 33.25 });
    expect(m.by_agent.gemini_cli).toMatchObject({ lines_added: 25, commits: 0 });
    expect(m.by_agent.claude_code).toMatchObject({ lines_added: 40, lines_removed: 7 });
    expect(m.totals).toHaveLength(8);
  });
});

describe('costView', () => {
  it('builds breakdowns, the dedupe audit, unpriced models and the timeline', () => {
    const view = costView(
      reader({
        usage: [
          usage('all', '', { events: 6, cost_usd: 1.5, unpriced_tokens: 40 }),
          usage('model', 'opus', { events: 3, cost_usd: 1.5 }),
          usage('model', 'mystery', { events: 1, unpriced_tokens: 30 }),
          usage('model', '', { events: 2, unpriced_tokens: 10 }),
          usage('source', 'hook', { events: 5 }),
          usage('source', 'import', { events: 1 }),
          usage('tool', 'Read', { events: 1 }), // not a cost dimension: left out
        ],
        folded: [{ source: 'otlp', count: 5 }, { source: 'import', count: 2 }],
        timeline: [{ bucket: '2026-11-20', start: '2026-11-19T23:00:00.000Z', ...emptyUsageCounters(), events: 2, tokens_in: 3, tokens_out: 4, cost_usd: 0.1 + 0.2 }],
      }),
      { since: '2026-11-01', bucket: 'day', tz: 'Europe/Berlin' },
    );
    expect(view).toMatchObject({ since: '2026-11-01', until: null, bucket: 'day', tz: 'Europe/Berlin', totals: { events: 6, cost_usd: 1.5 } });
    expect(view.by_model.map((m) => m.model)).toEqual(['opus', 'mystery', '']);
    expect(view.by_source.map((s) => [s.source, s.events])).toEqual([['hook', 5], ['import', 1]]);
    expect(view.folded_duplicates).toEqual({ otlp: 5, import: 2 });
    expect(view.dedupe).toEqual([
      { source: 'hook', counted: 5, folded: 0, seen: 5 },
      { source: 'otlp', counted: 0, folded: 5, seen: 5 },
      { source: 'import', counted: 1, folded: 2, seen: 3 },
    ]);
    expect(view.unpriced_models).toEqual([{ model: 'mystery', unpriced_tokens: 30 }]);
    expect(view.timeline).toEqual([
      { bucket: '2026-11-20', start: '2026-11-19T23:00:00.000Z', events: 2, errors: 0, tokens_in: 3, tokens_out: 4, cache_read_tokens: 0,
        cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0.3, unpriced_tokens: 0, api_requests: 0, total_tokens: 7, error_rate: 0 },
    ]);
  });
});

describe('blocksView', () => {
  const HOUR = 3_600_000;
  const start = Date.parse('2026-11-24T10:00:00Z');
  const block = (startMs: number, lastHours: number, c: Partial<UsageCounters>): UsageBlock => ({
    start_ms: startMs, end_ms: startMs + BLOCK_HOURS * HOUR, last_hour_ms: startMs + lastHours * HOUR, ...emptyUsageCounters(), ...c,
  });

  it('gives the active block a burn rate to now and a projection to its end; a finished one to its last active hour', () => {
    const finished = block(start - 10 * HOUR, 1, { tokens_in: 600, tokens_out: 600, cost_usd: 1.2, events: 3, api_requests: 2 });
    const active = block(start, 0, { tokens_in: 900, tokens_out: 300, cost_usd: 0.6 });
    const now = new Date(start + 60 * 60_000); // one hour into the active block
    const view = blocksView(reader({ billingBlocks: { total: 7, blocks: [finished, active] } }), { limit: 2 }, now);
    expect(view).toMatchObject({ block_hours: 5, agent_type: null, now: now.toISOString(), total_blocks: 7 });
    expect(view.blocks[0]).toMatchObject({
      start: '2026-11-24T00:00:00.000Z', end: '2026-11-24T05:00:00.000Z', last_activity_hour: '2026-11-24T01:00:00.000Z',
      is_active: false, events: 3, api_requests: 2, total_tokens: 1200, elapsed_minutes: 120,
      tokens: { input: 600, output: 600, cache_read: 0, cache_write: 0, reasoning: 0 },
      burn_rate: { tokens_per_minute: 10, cost_usd_per_hour: 0.6 }, projection: null,
    });
    expect(view.active).toEqual(view.blocks[1]);
    expect(view.active).toMatchObject({
      is_active: true, elapsed_minutes: 60, burn_rate: { tokens_per_minute: 20, cost_usd_per_hour: 0.6 },
      projection: { remaining_minutes: 240, total_tokens: 1200 + 20 * 240, cost_usd: 0.6 + 0.01 * 240 },
    });
  });

  it('has no active block when now is past every block, and counts at least one minute elapsed', () => {
    const b = block(start, 0, { tokens_in: 10 });
    const view = blocksView(reader({ billingBlocks: { total: 1, blocks: [b] } }), { agent_type: 'codex', limit: 5 }, new Date(start + 6 * HOUR));
    expect(view.active).toBeNull();
    expect(view.agent_type).toBe('codex');
    expect(view.blocks[0]).toMatchObject({ elapsed_minutes: 60, burn_rate: { tokens_per_minute: 0.17 } });
    const atStart = blocksView(reader({ billingBlocks: { total: 1, blocks: [b] } }), { limit: 5 }, new Date(start));
    expect(atStart.active).toMatchObject({ elapsed_minutes: 1, burn_rate: { tokens_per_minute: 10 } });
  });
});

describe('filterOptionsView', () => {
  it('maps dimensions to option lists, sorted, without the empty value', () => {
    const view = filterOptionsView(
      reader({
        usageKeys: [
          { dim: 'model', key: 'opus' },
          { dim: 'model', key: '' },
          { dim: 'model', key: 'haiku' },
          { dim: 'agent', key: 'codex' },
          { dim: 'all', key: '' },
          { dim: 'branch', key: 'main' },
          { dim: 'tool', key: 'Read' },
          { dim: 'event_type', key: 'tool_use' },
          { dim: 'source', key: 'hook' },
          { dim: 'project', key: 'app' },
          { dim: 'machine', key: '' },
          { dim: 'machine', key: 'build-box' },
        ],
      }),
    );
    expect(view).toEqual({
      agent_types: ['codex'], event_types: ['tool_use'], tool_names: ['Read'], models: ['haiku', 'opus'],
      projects: ['app'], branches: ['main'], sources: ['hook'], machines: ['build-box'],
    });
  });
});
