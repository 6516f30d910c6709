/**
 * The shapes the API and the stream send. Duplicated from the server on purpose: web/ speaks only
 * HTTP and imports nothing from the server code.
 */

export interface StoredEvent {
  seq: number;
  event_id: string;
  session_id: string;
  agent_type: string;
  event_type: string;
  source: string;
  tool_name: string | null;
  status: string | null;
  model: string | null;
  project: string | null;
  branch: string | null;
  cwd: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  cost_source: string | null;
  duration_ms: number | null;
  client_timestamp: string | null;
  created_at: string;
  parent_session_id: string | null;
  request_id: string | null;
  prompt_id: string | null;
  tool_use_id: string | null;
  correlation_key: string | null;
  metadata: Record<string, unknown>;
  payload_truncated: 0 | 1;
}

export type SessionStatus = 'active' | 'idle' | 'ended';

export interface SessionRow {
  session_id: string;
  agent_type: string;
  status: SessionStatus;
  project: string | null;
  branch: string | null;
  cwd: string | null;
  models: string[];
  parent_session_id: string | null;
  first_seen: string;
  last_seen: string;
  ended_at: string | null;
  end_reason: string | null;
  event_count: number;
  prompt_count: number;
  tool_count: number;
  error_count: number;
  api_request_count: number;
  tokens_in: number;
  tokens_out: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced_tokens: number;
  metadata: Record<string, unknown>;
}

export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  session_id: string | null;
  name: string;
  start_time: string;
  end_time: string | null;
  duration_ms: number | null;
  status_code: number | null;
  status_message: string | null;
  attributes: Record<string, unknown>;
}

export interface SessionDetail {
  session: SessionRow;
  events: StoredEvent[];
  children: SessionRow[];
  spans: SpanRecord[];
}

export interface ToolStat {
  tool_name: string;
  calls: number;
  errors: number;
  error_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface Counters {
  events: number;
  errors: number;
  api_requests: number;
  tokens_in: number;
  tokens_out: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced_tokens: number;
  total_tokens: number;
  error_rate: number;
}

export interface Stats {
  total_events: number;
  total_sessions: number;
  active_sessions: number;
  idle_sessions: number;
  ended_sessions: number;
  total_tokens: number;
  total_cost_usd: number;
  unpriced_tokens: number;
  error_count: number;
  error_rate: number;
  api_requests: number;
  tools: ToolStat[];
  events_by_agent: Record<string, number>;
  metrics: MetricStats;
  generated_at?: string;
}

/** Figures read off the agents' OTLP metrics (exporters/sqlite/metric-stats.ts), all time. */
export interface MetricFigures {
  lines_added: number;
  lines_removed: number;
  commits: number;
  pull_requests: number;
  active_time_seconds: number;
  edits_accepted: number;
  edits_rejected: number;
}

export interface MetricStats extends MetricFigures {
  /** Active seconds by the metric's split key (e.g. user / cli), `total` when it has none. */
  active_time_by_type: Record<string, number>;
  /** Keyed by the metric's prefix (claude_code, gemini_cli), not by agent_type. */
  by_agent: Record<string, MetricFigures>;
  /** Every metric's total: name, split key ('' when none), summed value and point count. */
  totals: Array<{ name: string; key: string; value: number; count: number }>;
}

export type Breakdown<K extends string> = Array<Counters & Record<K, string>>;

export interface CostStats {
  since: string | null;
  until: string | null;
  bucket: 'hour' | 'day';
  tz: string;
  totals: Counters;
  by_model: Breakdown<'model'>;
  by_project: Breakdown<'project'>;
  by_branch: Breakdown<'branch'>;
  by_agent: Breakdown<'agent_type'>;
  timeline: Array<Counters & { bucket: string; start: string }>;
}

export interface FilterOptions {
  agent_types: string[];
  event_types: string[];
  tool_names: string[];
  models: string[];
  projects: string[];
  branches: string[];
  sources: string[];
}

export interface Hello {
  max_feed: number;
  store_prompts: boolean;
  heartbeat_ms: number;
  stats_interval_ms: number;
  seq: number;
}

/** A 5-hour usage block, from /api/stats/blocks. */
export interface Block {
  start: string;
  end: string;
  cost_usd: number;
  tokens: number;
  unpriced_tokens: number;
  active: boolean;
  /** USD per hour over the block's elapsed time. */
  burn_usd_per_hour: number | null;
  projected_usd: number | null;
}

export type ConnectionState = 'connecting' | 'live' | 'offline' | 'unauthorized';
