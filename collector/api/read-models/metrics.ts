/**
 * The `metrics` part of /api/stats, from the metric running totals: the figures users read off the
 * agents' OTLP metrics (lines of code, commits, pull requests, active time, edit accept/reject),
 * overall and per agent, plus every metric total. Token and cost metrics appear only in `totals`: token and cost figures elsewhere in
 * /api/stats come from log events, and metrics never add to them.
 */
import type { MetricTotalRow } from '../../core/usage.js';

const FIGURE_NAMES = [
  'lines_added',
  'lines_removed',
  'commits',
  'pull_requests',
  'active_time_seconds',
  'edits_accepted',
  'edits_rejected',
] as const;

type Figure = (typeof FIGURE_NAMES)[number];
type Figures = Record<Figure, number>;

/** Which agent metric (and split key, when it matters) feeds which figure: the agents' own names. */
const SOURCES: Array<{ metric: string; key?: string; figure: Figure }> = [
  { metric: 'claude_code.lines_of_code.count', key: 'added', figure: 'lines_added' },
  { metric: 'claude_code.lines_of_code.count', key: 'removed', figure: 'lines_removed' },
  { metric: 'gemini_cli.lines.changed', key: 'added', figure: 'lines_added' },
  { metric: 'gemini_cli.lines.changed', key: 'removed', figure: 'lines_removed' },
  { metric: 'claude_code.commit.count', figure: 'commits' },
  { metric: 'claude_code.pull_request.count', figure: 'pull_requests' },
  { metric: 'claude_code.active_time.total', figure: 'active_time_seconds' },
  { metric: 'claude_code.code_edit_tool.decision', key: 'accept', figure: 'edits_accepted' },
  { metric: 'claude_code.code_edit_tool.decision', key: 'reject', figure: 'edits_rejected' },
];

function emptyFigures(): Figures {
  return Object.fromEntries(FIGURE_NAMES.map((f) => [f, 0])) as Figures;
}

function agentOfMetric(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

export function shapeMetrics(rows: MetricTotalRow[]): Figures & {
  active_time_by_type: Record<string, number>;
  by_agent: Record<string, Figures>;
  totals: MetricTotalRow[];
} {
  const all = emptyFigures();
  const byAgent: Record<string, Figures> = {};
  const activeByType: Record<string, number> = {};
  for (const row of rows) {
    for (const source of SOURCES) {
      if (source.metric !== row.name || (source.key !== undefined && source.key !== row.key)) continue;
      const agent = agentOfMetric(row.name);
      byAgent[agent] ??= emptyFigures();
      byAgent[agent][source.figure] += row.value;
      all[source.figure] += row.value;
      if (source.figure === 'active_time_seconds') activeByType[row.key || 'total'] = (activeByType[row.key || 'total'] ?? 0) + row.value;
    }
  }
  return { ...all, active_time_by_type: activeByType, by_agent: byAgent, totals: rows };
}
