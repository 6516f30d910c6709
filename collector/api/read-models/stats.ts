/**
 * GET /api/stats (and the SSE `stats` message): all-time totals, breakdowns, tool latency
 * percentiles, session counts and the agents' metric figures, from the StatsReader's typed rows.
 */
import type { StatsReader, ToolDurationRow, UsageDimension } from '../../core/storage.js';
import { UsageByDimension } from './usage.js';
import { shapeMetrics } from './metrics.js';

const STATS_DIMS: readonly UsageDimension[] = ['all', 'agent', 'model', 'project', 'branch', 'tool', 'event_type', 'source'];

export function statsView(reader: StatsReader) {
  const usage = new UsageByDimension(reader.usage({ dims: STATS_DIMS }));
  const total = usage.total();
  const sessions = reader.sessionCounts();
  const durations = byTool(reader.toolDurations());

  const tools = usage.rows('tool').map((row) => {
    const hist = durations.get(row.key) ?? [];
    return {
      tool_name: row.key,
      calls: row.events,
      errors: row.errors,
      error_rate: row.events ? row.errors / row.events : 0,
      p50_ms: percentile(hist, 0.5),
      p95_ms: percentile(hist, 0.95),
    };
  });
  tools.sort((a, b) => b.calls - a.calls);

  return {
    total_events: total.events,
    total_sessions: sessions.active + sessions.idle + sessions.ended,
    active_sessions: sessions.active,
    idle_sessions: sessions.idle,
    ended_sessions: sessions.ended,
    total_tokens: total.total_tokens,
    tokens: {
      input: total.tokens_in,
      output: total.tokens_out,
      cache_read: total.cache_read_tokens,
      cache_write: total.cache_write_tokens,
      reasoning: total.reasoning_tokens,
    },
    total_cost_usd: total.cost_usd,
    unpriced_tokens: total.unpriced_tokens,
    error_count: total.errors,
    error_rate: total.error_rate,
    api_requests: total.api_requests,
    events_by_type: usage.eventsByKey('event_type'),
    events_by_agent: usage.eventsByKey('agent'),
    events_by_source: usage.eventsByKey('source'),
    tools,
    agent_breakdown: usage.breakdown('agent', 'agent_type'),
    model_breakdown: usage.breakdown('model', 'model'),
    project_breakdown: usage.breakdown('project', 'project'),
    folded_duplicates: foldedBySource(reader),
    metrics: shapeMetrics(reader.metricTotals()),
  };
}

/** `{ source: sightings folded }`, all time. */
export function foldedBySource(reader: StatsReader): Record<string, number> {
  return Object.fromEntries(reader.folded().map((f) => [f.source, f.count]));
}

function byTool(rows: ToolDurationRow[]): Map<string, ToolDurationRow[]> {
  const out = new Map<string, ToolDurationRow[]>();
  for (const row of rows) {
    const list = out.get(row.tool);
    if (list) list.push(row);
    else out.set(row.tool, [row]);
  }
  return out;
}

/** The q-quantile (nearest rank) of a duration histogram: the value of the bucket it falls in, whole ms. */
export function percentile(hist: readonly ToolDurationRow[], q: number): number | null {
  const total = hist.reduce((n, h) => n + h.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const h of hist) {
    seen += h.count;
    if (seen >= q * total) return Math.round(h.value_ms);
  }
  return Math.round(hist[hist.length - 1].value_ms);
}
