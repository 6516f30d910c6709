/** The Tools view's tool-call latency: its query, rows and the storage port that reads them. */

/** Filters of the Tools view: a time range (epoch ms, `until` exclusive; null = open) and an agent. */
export interface ToolLatencyQuery {
  sinceMs: number | null;
  untilMs: number | null;
  agent_type?: string;
  /** toolCalls only (the histograms are per agent): the drill-down's values, each exact. */
  project?: string;
  branch?: string;
  model?: string;
  machine?: string;
}

/** Tool calls in one duration bucket (tool-latency.ts: 5 % wide, log-spaced; -1 = no duration). */
export interface ToolLatencyRow {
  tool: string;
  bucket: number;
  count: number;
  errors: number;
}

/** One stored tool call, for the slowest/failed drill-down. */
export interface ToolCallRow {
  seq: number;
  session_id: string;
  agent_type: string;
  /** Event time, epoch ms. */
  ts: number;
  duration_ms: number | null;
  status: string | null;
  error: string | null;
}

/** Tool-call latency for the Tools view (exporters/sqlite/tool-latency.ts). */
export interface ToolLatencyReader {
  toolLatency(query: ToolLatencyQuery): ToolLatencyRow[];
  toolCalls(tool: string, kind: 'slowest' | 'failed', query: ToolLatencyQuery, limit: number): ToolCallRow[];
  /** What a percentile falling in a bucket reports, in ms. */
  latencyValueMs(bucket: number): number;
  /** The largest relative error of that value against the exact nearest-rank percentile. */
  latencyMaxError(): number;
}
