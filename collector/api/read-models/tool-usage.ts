/** GET /api/stats/tools: tool calls, failures and mean duration per tool, for any filter and range. */
import type { ToolUsageReader } from '../../core/storage.js';
import type { UsageFilter } from '../../core/usage.js';

export function toolUsageView(reader: ToolUsageReader, q: { filter: UsageFilter; since?: string; until?: string }) {
  const rows = reader.toolUsage({
    filter: q.filter,
    sinceMs: q.since ? Date.parse(q.since) : null,
    untilMs: q.until ? Date.parse(q.until) : null,
  });
  return rows.map((r) => ({
    tool_name: r.tool,
    calls: r.calls,
    errors: r.errors,
    error_rate: r.calls ? r.errors / r.calls : 0,
    timed_calls: r.timed_calls,
    mean_ms: r.timed_calls ? Math.round(r.total_ms / r.timed_calls) : null,
  }));
}
