/**
 * Typed rows of the search and errors read side (the SearchReader and ErrorReader ports in
 * storage.ts). The storage returns them as stored; the API names and shapes what it sends.
 */

export interface SearchQuery {
  /**
   * What the user typed: words (every one must match, whole words; `word*` for a prefix) and
   * "quoted phrases". Never passed to the index as syntax: every word is quoted by the storage.
   */
  text: string;
  agent_type?: string;
  /** ISO bounds on the event's own time, [since, until). */
  since?: string;
  until?: string;
  limit: number;
  /** Paging: matches with a seq lower than this. */
  before_seq?: number;
}

/** One matching event, with the text it matched on. */
export interface SearchHit {
  seq: number;
  event_id: string;
  session_id: string;
  agent_type: string;
  event_type: string;
  tool_name: string | null;
  status: string | null;
  model: string | null;
  project: string | null;
  /** The event's time (client timestamp, else receipt), epoch ms. */
  ts: number;
  /** A window of the indexed text around the first match. */
  snippet: string;
  /** [start, end) character ranges of matched words in `snippet`. */
  highlights: Array<[number, number]>;
}

export interface SearchPage {
  hits: SearchHit[];
  /** The highest event seq the index has taken in, and the highest stored: the index trails by the difference. */
  indexed_seq: number;
  max_seq: number;
}

/** A query the full-text index refused (its own syntax error): the client's fault, a 400. */
export class SearchQueryError extends Error {}

export interface ErrorQuery {
  since?: string;
  until?: string;
  agent_type?: string;
  bucket: 'hour' | 'day';
  /** IANA zone day buckets are cut in. */
  tz: string;
}

/** Errors counted per bucket, split into API errors, failed tool calls and the rest. */
export interface ErrorBucket {
  /** Hour (ISO start) or local day (YYYY-MM-DD). */
  bucket: string;
  start: string;
  api_errors: number;
  tool_errors: number;
  other_errors: number;
}

/** Errors of one key of a breakdown (event type, model, tool, error type). */
export interface ErrorCount {
  key: string;
  errors: number;
}

export interface ErrorSummary {
  /** Where the numbers come from: the rollups (all agents), or stored error events (one agent). */
  source: 'rollups' | 'events';
  total: number;
  api_errors: number;
  tool_errors: number;
  timeline: ErrorBucket[];
  by_event_type: ErrorCount[];
  by_model: ErrorCount[];
  by_tool: ErrorCount[];
  /** API error classes (metadata.error_type, status code), from stored error events. */
  by_error_type: ErrorCount[];
}

export interface ErrorListQuery {
  since?: string;
  until?: string;
  agent_type?: string;
  /** 'api' (api_error events), 'tool' (failed tool calls) or all errors. */
  kind?: 'api' | 'tool';
  limit: number;
  /** Paging: errors after this one in (ts, seq) descending order. */
  before?: { ts: number; seq: number };
}

export interface ErrorEventRow {
  seq: number;
  session_id: string;
  agent_type: string;
  event_type: string;
  tool_name: string | null;
  model: string | null;
  project: string | null;
  ts: number;
  /** metadata.error_type, else the status code or exit code, else null. */
  error_type: string | null;
  /** Error text when it was stored (prompt storage on), else null. */
  message: string | null;
  duration_ms: number | null;
}
