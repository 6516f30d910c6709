/**
 * Schema and migrations. `seq` (the rowid) is the time-ordered key every hot index hangs off, so
 * inserts append to the end of the B-trees instead of landing at random pages.
 */
import type Database from 'better-sqlite3';
import { LATENCY_BUCKET_SQL } from './tool-latency.js';

export const MIGRATIONS: string[] = [
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    agent_type TEXT NOT NULL,
    event_type TEXT NOT NULL,
    source TEXT NOT NULL,
    tool_name TEXT,
    status TEXT,
    model TEXT,
    project TEXT,
    branch TEXT,
    cwd TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    cache_read_tokens INTEGER,
    cache_write_tokens INTEGER,
    reasoning_tokens INTEGER,
    cost_usd REAL,
    cost_source TEXT,
    duration_ms REAL,
    ts INTEGER NOT NULL,
    client_timestamp TEXT,
    created_at TEXT NOT NULL,
    parent_session_id TEXT,
    request_id TEXT,
    prompt_id TEXT,
    tool_use_id TEXT,
    correlation_key TEXT,
    counted INTEGER NOT NULL DEFAULT 1,
    metadata TEXT NOT NULL,
    payload_truncated INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX events_event_id ON events(event_id);
  CREATE INDEX events_session ON events(session_id, seq);
  CREATE INDEX events_type ON events(event_type, seq);
  CREATE INDEX events_tool ON events(tool_name, seq) WHERE tool_name IS NOT NULL;
  CREATE INDEX events_ts ON events(ts);

  CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    agent_type TEXT NOT NULL,
    status TEXT NOT NULL,
    project TEXT,
    branch TEXT,
    cwd TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    parent_session_id TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT,
    event_count INTEGER NOT NULL DEFAULT 0,
    prompt_count INTEGER NOT NULL DEFAULT 0,
    tool_count INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    api_request_count INTEGER NOT NULL DEFAULT 0,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced_tokens INTEGER NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX sessions_last_seen ON sessions(last_seen);
  CREATE INDEX sessions_status ON sessions(status, last_seen);
  CREATE INDEX sessions_parent ON sessions(parent_session_id) WHERE parent_session_id IS NOT NULL;

  -- Running totals per dimension value (dim = 'all' | agent | model | project | branch | tool |
  -- event_type | source): stats read O(values), not O(events).
  CREATE TABLE totals (
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced_tokens INTEGER NOT NULL DEFAULT 0,
    api_requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, key)
  ) WITHOUT ROWID;

  -- The same counters per hour (epoch hour) for the time-bounded views and timelines.
  CREATE TABLE hourly (
    hour INTEGER NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced_tokens INTEGER NOT NULL DEFAULT 0,
    api_requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, dim, key)
  ) WITHOUT ROWID;

  -- Tool call durations as a log-spaced histogram, for p50/p95 without reading events.
  CREATE TABLE tool_durations (
    tool TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (tool, bucket)
  ) WITHOUT ROWID;

  -- First event seen for each correlation key: later sightings from other sources are stored
  -- but not counted again.
  CREATE TABLE correlations (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    source TEXT NOT NULL
  ) WITHOUT ROWID;

  -- How many sightings each source had folded into an earlier one (the dedupe audit).
  CREATE TABLE folded (
    source TEXT PRIMARY KEY,
    count INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE spans (
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    session_id TEXT,
    agent_type TEXT,
    name TEXT NOT NULL,
    kind INTEGER,
    start_time TEXT NOT NULL,
    end_time TEXT,
    duration_ms REAL,
    status_code INTEGER,
    status_message TEXT,
    attributes TEXT NOT NULL,
    extra TEXT NOT NULL,
    PRIMARY KEY (trace_id, span_id)
  );
  CREATE INDEX spans_session ON spans(session_id, start_time) WHERE session_id IS NOT NULL;

  CREATE TABLE metric_points (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    agent_type TEXT,
    session_id TEXT,
    series_key TEXT NOT NULL,
    attributes TEXT NOT NULL,
    unit TEXT,
    kind TEXT NOT NULL,
    temporality TEXT NOT NULL,
    start_time TEXT,
    time TEXT NOT NULL,
    value REAL NOT NULL,
    count REAL
  );
  CREATE INDEX metric_points_name ON metric_points(name, time);

  -- Running total per metric name (deltas summed) so /api/stats reads no points.
  CREATE TABLE metric_totals (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,
    count REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (name, key)
  ) WITHOUT ROWID;

  -- Files already imported, so an unchanged history is skipped and appended lines picked up.
  CREATE TABLE import_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT '{}'
  ) WITHOUT ROWID;
  `,
  // OTLP metrics: the last value of every cumulative series, so its points become deltas across
  // restarts without counting a running total twice; and one row per (series, time window), so a
  // point re-sent by a retrying exporter is stored and counted once.
  `
  CREATE TABLE metric_series (
    series_key TEXT PRIMARY KEY,
    start_time TEXT,
    time TEXT NOT NULL,
    value REAL NOT NULL,
    count REAL
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX metric_points_window ON metric_points(series_key, time, COALESCE(start_time, ''));
  `,
  // The cost timeline reads the 'all' rows of every hour in range. Keyed (hour, dim, key), the
  // hourly table makes that a walk over every dimension's rows (~90 per hour); this small covering
  // partial index holds just the 'all' rows, so a year's timeline reads 8,760 entries
  // (docs/benchmarks.md: /api/stats/cost at 5M events).
  `
  CREATE INDEX hourly_all_timeline ON hourly(hour, events, errors, tokens_in, tokens_out, cache_read_tokens,
    cache_write_tokens, reasoning_tokens, cost_usd, unpriced_tokens, api_requests)
    WHERE dim = 'all' AND key = '';
  `,
  // GET /api/sessions?branch=: without it a rare branch walks every session by last_seen (~40 ms
  // at 200k sessions); with it the branch's rows are read newest first (~0.1 ms). The model
  // filter reads the JSON `models` column and stays a scan (~50 ms worst case at 200k).
  `
  CREATE INDEX sessions_branch ON sessions(branch, last_seen);
  `,
  // Retention (retention.ts): a 64-bit fingerprint of every pruned event's id, so a pruned event
  // sent again (a history file re-read, a replayed spool) is still a repeat and counts once; and
  // the newest event time pruned, so ingest checks fingerprints only for events that old.
  `
  CREATE TABLE pruned_events (id INTEGER PRIMARY KEY);
  CREATE TABLE retention_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // Claude calls without a request id are paired by their figures (call-pairs.ts): one row per
  // sighting still waiting for its twin from another source, its base key as a 52-bit digest
  // (~60 bytes a row with the index). AUTOINCREMENT, because a pair's number is part of its
  // correlation key and must never be given out again once the row is gone.
  `
  CREATE TABLE call_pending (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    base_hash INTEGER NOT NULL,
    source TEXT NOT NULL,
    ts INTEGER NOT NULL
  );
  CREATE INDEX call_pending_base ON call_pending(base_hash, source, ts);
  `,
  // The hourly counters again per quarter hour (epoch ms / 900,000), read only where a cut falls
  // inside an hour: local midnight in zones whose offset is not whole hours (India, Nepal, Adelaide,
  // Newfoundland), or a since/until off the hour (quarters.ts). Events stored before this migration
  // are folded in from the events table by quarter-backfill.ts, in batches, from `next_seq` to the
  // `end_seq` the events table had here; later events are rolled up as they are written.
  `
  CREATE TABLE quarter_hours (
    quarter INTEGER NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced_tokens INTEGER NOT NULL DEFAULT 0,
    api_requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (quarter, dim, key)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_backfill (
    name TEXT PRIMARY KEY,
    next_seq INTEGER NOT NULL,
    end_seq INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO rollup_backfill (name, next_seq, end_seq)
    SELECT 'quarter_hours', MIN(seq), MAX(seq) FROM events HAVING COUNT(*) > 0;
  `,
  // Filters and machines (combo.ts): each event's machine (null: this one; set by central mode),
  // and the combined (agent, project, branch, model, source, machine) rollup rows that usage
  // narrowed by a filter is read from. Their hourly rows get a covering index of their own, like
  // the 'all' rows', so a filtered year reads only the combined rows of each hour. Events stored
  // before this migration are folded in by rollup-backfill.ts (job 'combo').
  `
  ALTER TABLE events ADD COLUMN machine TEXT;
  CREATE INDEX hourly_combo ON hourly(hour, key, events, errors, tokens_in, tokens_out, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, unpriced_tokens, api_requests) WHERE dim = 'combo';
  INSERT INTO rollup_backfill (name, next_seq, end_seq)
    SELECT 'combo', MIN(seq), MAX(seq) FROM events HAVING COUNT(*) > 0;
  `,
  // Budgets made in the dashboard (config budgets live in the config file), and every alert raised:
  // one row per (budget, period start, threshold), so an alert is raised once per period and a
  // restart never raises it again (budgets.ts). Alerts keep the budget as it was (history).
  `
  CREATE TABLE budgets (
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE budget_alerts (
    id INTEGER PRIMARY KEY,
    budget_id TEXT NOT NULL,
    period_start TEXT NOT NULL,
    threshold REAL NOT NULL,
    raised_at TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE UNIQUE INDEX budget_alerts_once ON budget_alerts(budget_id, period_start, threshold);
  `,
  // Forwarding (exporters/otlp): the events table is the queue; each exporter id keeps the seq of
  // the last event it delivered, per signal, so a restart resumes where delivery stopped.
  `
  CREATE TABLE export_cursors (
    exporter TEXT NOT NULL,
    signal TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (exporter, signal)
  ) WITHOUT ROWID;
  `,
  // Tool latency the Tools view can trust (tool-latency.ts): the old tool_durations histogram had
  // buckets 25 % wide (a 58-minute call read as 64 minutes) and no agent or time. Buckets are now
  // 5 % wide (percentiles within 2.5 %), per agent, all time and per UTC day (a range reads whole
  // days here and its partial edge days from events), rebuilt here from the stored events; and an
  // index to read a tool's slowest calls from the top.
  `
  CREATE TABLE tool_latency (
    agent_type TEXT NOT NULL,
    tool TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (agent_type, tool, bucket)
  ) WITHOUT ROWID;
  CREATE TABLE tool_latency_days (
    day INTEGER NOT NULL,
    agent_type TEXT NOT NULL,
    tool TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (day, agent_type, tool, bucket)
  ) WITHOUT ROWID;
  INSERT INTO tool_latency_days (day, agent_type, tool, bucket, count, errors)
    SELECT ts / 86400000, agent_type, tool_name, ${LATENCY_BUCKET_SQL}, COUNT(*), COUNT(CASE WHEN status = 'error' THEN 1 END)
    FROM events WHERE event_type = 'tool_use' AND tool_name IS NOT NULL AND counted = 1
    GROUP BY 1, 2, 3, 4;
  INSERT INTO tool_latency (agent_type, tool, bucket, count, errors)
    SELECT agent_type, tool, bucket, SUM(count), SUM(errors) FROM tool_latency_days GROUP BY 1, 2, 3;
  DROP TABLE tool_durations;
  CREATE INDEX events_tool_duration ON events(tool_name, duration_ms)
    WHERE event_type = 'tool_use' AND duration_ms IS NOT NULL;
  `,
  // Full-text search (search-index.ts): one row per event, its rowid the event's seq. Contentless
  // (the text is the event's own, re-derived for snippets), with deletes for retention. An indexer
  // on the writer's connection follows the events table by seq; `search_state.indexed_seq` is how
  // far it got, so events stored before this migration (or by an importer) are indexed as it catches up.
  `
  CREATE VIRTUAL TABLE search_fts USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
  CREATE TABLE search_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO search_state (key, value) VALUES ('indexed_seq', 0);
  `,
  // The errors view (errors-reader.ts): quarter-hour rows that hold errors, per dimension, so error
  // timelines and breakdowns read only those; and stored error events by time (the recent list, and
  // the numbers for one agent, which the single-dimension rollups cannot split).
  `
  CREATE INDEX quarter_errors ON quarter_hours(dim, quarter, key, errors) WHERE errors > 0;
  CREATE INDEX events_errors ON events(ts, agent_type) WHERE status = 'error' OR event_type = 'api_error';
  `,
];

/**
 * Applies pending migrations, each in an IMMEDIATE transaction that re-reads the version: the
 * server and the importer may open a new database at the same moment, and only one may migrate.
 */
/** The schema version this code writes and reads (`PRAGMA user_version` after every migration). */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const step = db.transaction((): boolean => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction until none is left
  }
}

export function tune(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  // A large page cache keeps the event_id index hot even when clients send random ids.
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  // No memory-mapped reads: a mapped page whose file cannot be read (disk full, file system gone
  // read-only, file truncated) raises SIGBUS and kills the process; pread answers with an error.
  db.pragma('mmap_size = 0');
  // Checkpoint every ~40 MB of WAL instead of 4 MB: hot pages (rollups, sessions, index tails)
  // are copied back once per checkpoint instead of ten times (docs/benchmarks.md).
  db.pragma('wal_autocheckpoint = 10000');
}
