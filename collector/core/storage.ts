/**
 * The contracts of durable storage: typed rows and narrow ports. The storage exporter
 * (exporters/sqlite) implements them; the pipeline gets a batch writer, the API and the SSE replay
 * typed readers, the files receiver a checkpoint store, the hooks receiver a tool-start lookup.
 * No SQL lives outside the storage component.
 */
import type { CanonicalEvent } from './event.js';
import type { PackedEvents } from './packed-events.js';
import type {
  BlockQuery,
  BlockRows,
  FoldedCount,
  MetricTotalRow,
  TimelineQuery,
  ToolDurationRow,
  UsageBucket,
  UsageFilter,
  UsageKey,
  UsageQuery,
  UsageRow,
} from './usage.js';

import type { AlertRecord, BudgetStore } from './budgets.js';

export type * from './usage.js';
export type * from './budgets.js';
export type * from './search.js';
export type * from './tool-latency.js';
import type { ToolLatencyReader } from './tool-latency.js';
import type { ErrorEventRow, ErrorListQuery, ErrorQuery, ErrorSummary, SearchPage, SearchQuery } from './search.js';

export interface StoredEvent extends CanonicalEvent {
  /** Monotonic storage sequence: the cursor for paging and the SSE event id. */
  seq: number;
}

export type SessionStatus = 'active' | 'idle' | 'ended';

export type SessionCounts = Record<SessionStatus, number>;

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
  /** The running sum, rounded to the micro-dollar (float noise off) wherever a row is read. */
  cost_usd: number;
  unpriced_tokens: number;
  /** Resource facts (service version, host, OS, user) and other per-session metadata. */
  metadata: Record<string, unknown>;
}

/** Spans from OTLP traces; stored beside events, linked to a session when one is known. */
export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  session_id: string | null;
  agent_type: string | null;
  name: string;
  kind: number | null;
  start_time: string;
  end_time: string | null;
  duration_ms: number | null;
  status_code: number | null;
  status_message: string | null;
  attributes: Record<string, unknown>;
  /** Span events and links, kept as they came. */
  extra: Record<string, unknown>;
}

/**
 * One data point of an OTLP metric series, as sent. Delta points are stored as they are; for
 * cumulative series the store keeps the last value per series and turns each point into the delta
 * it adds (resets included), so totals never add running totals.
 */
export interface MetricPointRecord {
  name: string;
  agent_type: string | null;
  session_id: string | null;
  /** Stable identity of the series: name + sorted attributes + resource. */
  series_key: string;
  attributes: Record<string, unknown>;
  unit: string | null;
  kind: 'sum' | 'gauge' | 'histogram' | 'exp_histogram' | 'summary';
  temporality: 'delta' | 'cumulative' | 'unspecified';
  start_time: string | null;
  time: string;
  /** Sums and gauges: the value as sent. Histograms: the sum as sent. */
  value: number;
  /** Histograms: the count as sent. */
  count: number | null;
  /**
   * Whether a sum only grows (OTLP isMonotonic). For cumulative series the receiver passes the
   * running total as sent and the store converts it to the delta above; a monotonic series that
   * goes down has been reset.
   */
  monotonic?: boolean;
}

export interface WriteBatch {
  events: CanonicalEvent[];
  /**
   * More events as worker threads packed them (collector/core/packed-events.ts), each part written
   * before `events[at]` (at = events.length: after them all), so the batch keeps its submit order.
   */
  packed?: PackedPart[];
  spans?: SpanRecord[];
  metricPoints?: MetricPointRecord[];
}

/** Packed events and their place among a write batch's `events`. */
export interface PackedPart extends PackedEvents {
  at: number;
}

export interface WriteResult {
  /** Events newly stored, with their seq, in insertion order (may be built on first read). */
  inserted: StoredEvent[];
  /** Their event_ids, in the same order, when they are cheaper to read than `inserted`. */
  insertedIds?: string[];
  /** Sessions whose row changed in this transaction. */
  sessions: SessionRow[];
  /** Ids of inserted events whose correlation key another source had already counted. */
  foldedIds: Set<string>;
  spansStored: number;
  metricPointsStored: number;
}

export interface EventQuery {
  agent_type?: string;
  event_type?: string;
  tool_name?: string;
  session_id?: string;
  branch?: string;
  model?: string;
  source?: string;
  project?: string;
  status?: string;
  machine?: string;
  /** ISO timestamps on the event's own time. */
  since?: string;
  until?: string;
  limit: number;
  /** Return events with seq lower than this (paging backwards from newest). */
  before_seq?: number;
  /** Return events with seq higher than this, oldest first (SSE resume). */
  after_seq?: number;
}

export interface SessionQuery {
  status?: SessionStatus;
  exclude_status?: SessionStatus;
  agent_type?: string;
  project?: string;
  branch?: string;
  /** Sessions whose `models` include this one. */
  model?: string;
  /** Sessions active in the range: last_seen >= since and first_seen < until (ISO). */
  since?: string;
  until?: string;
  limit: number;
  /** Text contained (case-insensitive) in the session id, project, branch, cwd or a model. */
  q?: string;
  /** Sort column (default last_seen) and direction (default desc); ties broken by session_id. */
  sort?: SessionSort;
  order?: 'asc' | 'desc';
  /** Paging for any sort: sessions after this (sort value, session_id) in the sort order. */
  after?: { value: string | number; session_id: string };
}

/** Columns the sessions table sorts by (tokens: input + output + cache; duration: end or last seen − first seen). */
export const SESSION_SORTS = ['last_seen', 'first_seen', 'duration', 'events', 'tokens', 'cost', 'errors'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

/**
 * A session's value in a sort, as the storage compares it: times as stored (ISO strings), whole
 * milliseconds for the duration, micro-dollars for the cost. The paging cursor carries it.
 */
export function sessionSortValue(s: SessionRow, sort: SessionSort): string | number {
  switch (sort) {
    case 'last_seen':
      return s.last_seen;
    case 'first_seen':
      return s.first_seen;
    case 'duration':
      return Date.parse(s.ended_at ?? s.last_seen) - Date.parse(s.first_seen);
    case 'events':
      return s.event_count;
    case 'errors':
      return s.error_count;
    case 'tokens':
      return s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens;
    case 'cost':
      return Math.round(s.cost_usd * 1e6);
  }
}

/** One history file the importer has read: how far, and the parser state to resume with. */
export interface ImportFileRecord {
  path: string;
  size: number;
  mtime_ms: number;
  /** Bytes consumed (always at a line boundary). */
  offset: number;
  /** Parser state (last usage snapshot, calls awaiting their result, …), JSON-serialisable. */
  state: Record<string, unknown>;
}

/** Handed to every exporter after a commit (and after a sweep changed sessions). */
export interface CommittedBatch {
  /** The stored events (built on first read: an exporter that only counts reads `eventsStored`). */
  events: StoredEvent[];
  eventsStored: number;
  sessions: SessionRow[];
  /** Spans and metric points written in the same transaction (how many; absent = none). */
  spansStored?: number;
  metricPointsStored?: number;
  /** Budget alerts just raised (published by the alerts exporter; the SSE exporter streams them). */
  alerts?: AlertRecord[];
}

/** The pipeline's one way into storage: one transaction per call, resolved once committed. */
export interface BatchWriter {
  writeBatch(batch: WriteBatch): WriteResult | Promise<WriteResult>;
  /** Writes batches sent during a transaction together in the next (the pipeline sends at once). */
  readonly coalesces?: boolean;
  /** Stores `WriteBatch.packed` (unpacking it where it writes); otherwise the pipeline unpacks first. */
  readonly takesPacked?: boolean;
}

/** Tool calls for a filter and range (GET /api/stats/tools). */
export interface ToolUsageQuery {
  filter: UsageFilter;
  sinceMs: number | null;
  untilMs: number | null;
}

export interface ToolUsageRow {
  tool: string;
  calls: number;
  errors: number;
  /** Calls that carry a duration, and their summed duration. */
  timed_calls: number;
  total_ms: number;
}

/** Completed tool calls per tool for any filter, read from stored events. */
export interface ToolUsageReader {
  /** Most calls first (counted sightings only). */
  toolUsage(query: ToolUsageQuery): ToolUsageRow[];
}

export interface EventReader {
  listEvents(query: EventQuery): StoredEvent[];
  eventCount(): number;
  maxSeq(): number;
}

export interface SessionReader {
  listSessions(query: SessionQuery): SessionRow[];
  getSession(sessionId: string): SessionRow | null;
  /** Sessions whose parent_session_id is this one (subagents), oldest first. */
  childSessions(sessionId: string): SessionRow[];
  /** Spans of one session, ordered by start time. */
  listSpans(sessionId: string, limit: number): SpanRecord[];
}

/** Usage as stored: rollup rows and side tables, typed. The API shapes them (collector/api/read-models). */
export interface StatsReader {
  /** Usage per dimension value, highest cost first (all time: ties by most events). */
  usage(query: UsageQuery): UsageRow[];
  /** Usage per hour or local day, oldest first; hours without events are left out. */
  timeline(query: TimelineQuery): UsageBucket[];
  /** Every value each dimension has seen. */
  usageKeys(): UsageKey[];
  sessionCounts(): SessionCounts;
  /** Duration histogram of completed tool calls, by tool then bucket. */
  toolDurations(): ToolDurationRow[];
  /** Folded sightings per source. */
  folded(): FoldedCount[];
  /** OTLP metric running totals, by name then key. */
  metricTotals(): MetricTotalRow[];
  /** 5-hour billing blocks, from the hourly rollup. */
  billingBlocks(query: BlockQuery): BlockRows;
}

/** Full-text search over what is stored (search.ts has the query language and rows). */
export interface SearchReader {
  /** Newest match first. Throws SearchQueryError for a query the index cannot run. */
  search(query: SearchQuery): SearchPage;
}

/** API errors and failed tool calls: counts over time and by kind, and the list of them. */
export interface ErrorReader {
  errorSummary(query: ErrorQuery): ErrorSummary;
  /** Newest first. */
  recentErrors(query: ErrorListQuery): ErrorEventRow[];
}

/** Per-file read positions of the history importer. */
export interface CheckpointStore {
  /** Every file read so far. */
  listImportFiles(): ImportFileRecord[];
  /** Saves (inserts or replaces) bookkeeping rows in one transaction. */
  saveImportFiles(records: ImportFileRecord[]): void;
}

/** When a tool call started, for a Post hook whose Pre hook arrived before a restart. */
export interface ToolStartLookup {
  toolStartMs(agentType: string, sessionId: string, toolUseId: string): number | null;
}

/**
 * Where each forwarding exporter (`otlp`, `otlp/team`) has got to in each signal: the seq of the
 * last event it delivered. The events table itself is the forwarding queue; this is its read mark.
 */
export interface ExportCursorStore {
  /** The last position saved for this exporter and signal, or null before its first delivery. */
  get(exporterId: string, signal: string): number | null;
  save(exporterId: string, signal: string, position: number): void;
}

/** One stored record and its position in its table (the forwarding cursor). */
export interface FeedEntry<T> {
  position: number;
  item: T;
}

/**
 * Stored spans or metric points in storage order, for forwarding (exporters/otlp): spans by rowid,
 * metric points by id. A span stored again (same trace and span id) moves to a new position.
 */
export interface TelemetryFeed<T> {
  /** Up to `limit` records after `position`, oldest first. */
  after(position: number, limit: number): Array<FeedEntry<T>>;
  /** Position of the newest stored record (0 when there is none). */
  newest(): number;
}

export interface StoragePorts {
  writer: BatchWriter;
  /** Spans and metric points in storage order (what the `otlp` exporter forwards). */
  spanFeed: TelemetryFeed<SpanRecord>;
  metricFeed: TelemetryFeed<MetricPointRecord>;
  /** Budgets made in the dashboard, and the alerts raised (once per budget, period and threshold). */
  budgets: BudgetStore;
  exportCursors: ExportCursorStore;
  events: EventReader;
  sessions: SessionReader;
  stats: StatsReader;
  toolUsage: ToolUsageReader;
  search: SearchReader;
  errors: ErrorReader;
  checkpoints: CheckpointStore;
  toolStarts: ToolStartLookup;
  tools: ToolLatencyReader;
}
