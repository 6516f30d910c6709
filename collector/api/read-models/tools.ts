/**
 * GET /api/tools: calls, failures and p50/p95/p99 per tool from the latency histogram rows the
 * storage returns (5 % buckets: each percentile within the reader's stated error of the exact
 * nearest-rank value).
 */
import type { ToolLatencyQuery, ToolLatencyReader, ToolLatencyRow } from '../../core/storage.js';

export function toolsView(reader: ToolLatencyReader, q: ToolLatencyQuery) {
  const byTool = new Map<string, ToolLatencyRow[]>();
  for (const row of reader.toolLatency(q)) {
    const list = byTool.get(row.tool);
    if (list) list.push(row);
    else byTool.set(row.tool, [row]);
  }
  const tools = [...byTool].map(([tool, rows]) => {
    const calls = rows.reduce((n, r) => n + r.count, 0);
    const errors = rows.reduce((n, r) => n + r.errors, 0);
    const timed = rows.filter((r) => r.bucket >= 0).sort((a, b) => a.bucket - b.bucket);
    const timedCalls = timed.reduce((n, r) => n + r.count, 0);
    const at = (p: number) => nearestRank(timed, timedCalls, p, (b) => reader.latencyValueMs(b));
    return {
      tool_name: tool,
      calls,
      errors,
      error_rate: calls ? errors / calls : 0,
      timed_calls: timedCalls,
      p50_ms: at(0.5),
      p95_ms: at(0.95),
      p99_ms: at(0.99),
    };
  });
  tools.sort((a, b) => b.calls - a.calls || a.tool_name.localeCompare(b.tool_name));
  return { max_relative_error: reader.latencyMaxError(), tools };
}

/** The p-quantile by nearest rank (the ⌈p·n⌉-th smallest), as its bucket's value in whole ms. */
export function nearestRank(sorted: readonly ToolLatencyRow[], total: number, p: number, value: (bucket: number) => number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const r of sorted) {
    seen += r.count;
    if (seen >= rank) return Math.round(value(r.bucket));
  }
  return Math.round(value(sorted[sorted.length - 1].bucket));
}
