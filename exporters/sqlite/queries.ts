/**
 * The read side. Stats come from the running totals and hourly rollups, never from scanning events.
 */
import type Database from 'better-sqlite3';
import type {
  CostQuery,
  EventQuery,
  SessionQuery,
  SessionRow,
  SpanRecord,
  StoredEvent,
} from '../../collector/core/storage.js';
import { bucketUpperMs, COUNTER_COLUMNS, emptyCounters, type Counters } from './rollups.js';
import { sessionForApi } from './sessions.js';
import { localDayFormatter } from './local-day.js';
import { dedupeAudit, unpricedModels } from './cost-audit.js';
import { shapeMetrics } from './metric-stats.js';

const EVENT_FILTER_COLUMNS = [
  'agent_type',
  'event_type',
  'tool_name',
  'session_id',
  'branch',
  'model',
  'source',
  'project',
  'status',
] as const;

type Row = Record<string, unknown>;

function eventFromRow(row: Row): StoredEvent {
  const { ts: _ts, counted, metadata, ...rest } = row;
  const event = { ...rest, metadata: JSON.parse(metadata as string) as Record<string, unknown> } as unknown as StoredEvent;
  if (counted === 0) event.metadata = { ...event.metadata, counted_elsewhere: true };
  return event;
}

function sumCounters(rows: Row[]): Counters {
  const c = emptyCounters();
  for (const row of rows) for (const col of COUNTER_COLUMNS) c[col] += Number(row[col] ?? 0);
  return c;
}

function withDerived(c: Counters): Counters & { total_tokens: number; error_rate: number } {
  const total_tokens = c.tokens_in + c.tokens_out + c.cache_read_tokens + c.cache_write_tokens;
  return { ...c, cost_usd: roundUsd(c.cost_usd), total_tokens, error_rate: c.events ? c.errors / c.events : 0 };
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export class Queries {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  listEvents(q: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const col of EVENT_FILTER_COLUMNS) {
      const value = q[col];
      if (value !== undefined) {
        where.push(`${col} = ?`);
        params.push(value);
      }
    }
    if (q.since) {
      where.push('ts >= ?');
      params.push(Date.parse(q.since));
    }
    if (q.until) {
      where.push('ts < ?');
      params.push(Date.parse(q.until));
    }
    if (q.before_seq !== undefined) {
      where.push('seq < ?');
      params.push(q.before_seq);
    }
    if (q.after_seq !== undefined) {
      where.push('seq > ?');
      params.push(q.after_seq);
    }
    const order = q.after_seq !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY seq ${order} LIMIT ?`;
    return (this.stmt(sql).all(...params, q.limit) as Row[]).map(eventFromRow);
  }

  listSessions(q: SessionQuery): SessionRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.exclude_status) {
      where.push('status != ?');
      params.push(q.exclude_status);
    }
    if (q.agent_type) {
      where.push('agent_type = ?');
      params.push(q.agent_type);
    }
    if (q.project) {
      where.push('project = ?');
      params.push(q.project);
    }
    if (q.branch) {
      where.push('branch = ?');
      params.push(q.branch);
    }
    if (q.model) {
      // `models` is a JSON array of the models the session used.
      where.push('EXISTS (SELECT 1 FROM json_each(sessions.models) WHERE value = ?)');
      params.push(q.model);
    }
    if (q.before) {
      // session_id breaks ties, so sessions sharing a last_seen are neither skipped nor repeated.
      where.push('(last_seen < ? OR (last_seen = ? AND session_id < ?))');
      params.push(q.before.last_seen, q.before.last_seen, q.before.session_id);
    }
    const sql = `SELECT * FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY last_seen DESC, session_id DESC LIMIT ?`;
    return (this.stmt(sql).all(...params, q.limit) as never[]).map(sessionForApi);
  }

  getSession(sessionId: string): SessionRow | null {
    const row = this.stmt('SELECT * FROM sessions WHERE session_id = ?').get(sessionId);
    return row ? sessionForApi(row as never) : null;
  }

  childSessions(sessionId: string): SessionRow[] {
    return (
      this.stmt('SELECT * FROM sessions WHERE parent_session_id = ? ORDER BY first_seen').all(sessionId) as never[]
    ).map(sessionForApi);
  }

  listSpans(sessionId: string, limit: number): SpanRecord[] {
    const rows = this.stmt(
      'SELECT * FROM spans WHERE session_id = ? ORDER BY start_time LIMIT ?',
    ).all(sessionId, limit) as Row[];
    return rows.map((r) => ({
      ...(r as unknown as SpanRecord),
      attributes: JSON.parse(r.attributes as string) as Record<string, unknown>,
      extra: JSON.parse(r.extra as string) as Record<string, unknown>,
    }));
  }

  markIdleSessions(olderThan: Date): SessionRow[] {
    const rows = this.stmt(
      "UPDATE sessions SET status = 'idle' WHERE status = 'active' AND last_seen < ? RETURNING *",
    ).all(olderThan.toISOString());
    return (rows as never[]).map(sessionForApi);
  }

  private totalsByDim(): Map<string, Array<Row>> {
    const byDim = new Map<string, Row[]>();
    for (const row of this.stmt('SELECT * FROM totals ORDER BY cost_usd DESC, events DESC').all() as Row[]) {
      const dim = row.dim as string;
      const list = byDim.get(dim);
      if (list) list.push(row);
      else byDim.set(dim, [row]);
    }
    return byDim;
  }

  private toolDurations(): Map<string, Array<{ bucket: number; count: number }>> {
    const byTool = new Map<string, Array<{ bucket: number; count: number }>>();
    const rows = this.stmt('SELECT tool, bucket, count FROM tool_durations ORDER BY tool, bucket').all() as Array<{
      tool: string;
      bucket: number;
      count: number;
    }>;
    for (const { tool, bucket, count } of rows) {
      const list = byTool.get(tool);
      if (list) list.push({ bucket, count });
      else byTool.set(tool, [{ bucket, count }]);
    }
    return byTool;
  }

  sessionCounts(): Record<string, number> {
    const counts: Record<string, number> = { active: 0, idle: 0, ended: 0 };
    for (const row of this.stmt('SELECT status, COUNT(*) AS n FROM sessions GROUP BY status').all() as Row[]) {
      counts[row.status as string] = Number(row.n);
    }
    return counts;
  }

  folded(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.stmt('SELECT source, count FROM folded').all() as Row[]) {
      out[row.source as string] = Number(row.count);
    }
    return out;
  }

  metricTotals(): Array<{ name: string; key: string; value: number; count: number }> {
    return this.stmt('SELECT name, key, value, count FROM metric_totals ORDER BY name, key').all() as never[];
  }

  stats(): Record<string, unknown> {
    const byDim = this.totalsByDim();
    const total = withDerived(sumCounters(byDim.get('all') ?? []));
    const sessions = this.sessionCounts();
    const durations = this.toolDurations();
    const breakdown = (dim: string, name: string) =>
      (byDim.get(dim) ?? []).map((row) => ({ [name]: row.key as string, ...withDerived(sumCounters([row])) }));
    const keyed = (dim: string) =>
      Object.fromEntries((byDim.get(dim) ?? []).map((row) => [row.key as string, Number(row.events)]));

    const tools = (byDim.get('tool') ?? []).map((row) => {
      const hist = durations.get(row.key as string) ?? [];
      return {
        tool_name: row.key as string,
        calls: Number(row.events),
        errors: Number(row.errors),
        error_rate: Number(row.events) ? Number(row.errors) / Number(row.events) : 0,
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
      events_by_type: keyed('event_type'),
      events_by_agent: keyed('agent'),
      events_by_source: keyed('source'),
      tools,
      agent_breakdown: breakdown('agent', 'agent_type'),
      model_breakdown: breakdown('model', 'model'),
      project_breakdown: breakdown('project', 'project'),
      folded_duplicates: this.folded(),
      metrics: shapeMetrics(this.metricTotals()),
    };
  }

  costStats(q: CostQuery): Record<string, unknown> {
    const bounded = Boolean(q.since || q.until);
    const fromHour = q.since ? Math.floor(Date.parse(q.since) / 3_600_000) : -1;
    const toHour = q.until ? Math.ceil(Date.parse(q.until) / 3_600_000) : Number.MAX_SAFE_INTEGER;

    let byDim: Map<string, Row[]>;
    if (bounded) {
      byDim = new Map();
      const rows = this.stmt(
        `SELECT dim, key, ${COUNTER_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
         FROM hourly WHERE hour >= ? AND hour < ? AND dim IN ('all','model','project','branch','agent','source')
         GROUP BY dim, key ORDER BY cost_usd DESC`,
      ).all(fromHour, toHour) as Row[];
      for (const row of rows) {
        const list = byDim.get(row.dim as string);
        if (list) list.push(row);
        else byDim.set(row.dim as string, [row]);
      }
    } else {
      byDim = this.totalsByDim();
    }
    const breakdown = (dim: string, name: string) =>
      (byDim.get(dim) ?? []).map((row) => ({ [name]: row.key as string, ...withDerived(sumCounters([row])) }));
    const folded = this.folded();

    return {
      since: q.since ?? null,
      until: q.until ?? null,
      bucket: q.bucket,
      tz: q.tz,
      totals: withDerived(sumCounters(byDim.get('all') ?? [])),
      by_model: breakdown('model', 'model'),
      by_project: breakdown('project', 'project'),
      by_branch: breakdown('branch', 'branch'),
      by_agent: breakdown('agent', 'agent_type'),
      by_source: breakdown('source', 'source'),
      folded_duplicates: folded,
      dedupe: dedupeAudit(byDim.get('source') ?? [], folded),
      unpriced_models: unpricedModels(byDim.get('model') ?? []),
      timeline: this.timeline(fromHour, toHour, q),
    };
  }

  /** Cost and tokens per hour or per local day (cut at midnight in q.tz), oldest first. */
  private timeline(fromHour: number, toHour: number, q: CostQuery): Array<Record<string, unknown>> {
    // Rows as arrays: an 11-key object per hour costs five times the query itself (8,760 a year).
    const rows = this.stmt(
      `SELECT hour, ${COUNTER_COLUMNS.join(', ')} FROM hourly
       WHERE dim = 'all' AND key = '' AND hour >= ? AND hour < ? ORDER BY hour`,
    )
      .raw(true)
      .all(fromHour, toHour) as number[][];
    const dayOf = q.bucket === 'day' ? localDayFormatter(q.tz) : null;
    const buckets = new Map<string, { start: string; c: Counters }>();
    for (const row of rows) {
      const start = new Date(row[0] * 3_600_000);
      const key = dayOf ? dayOf(start) : start.toISOString();
      let b = buckets.get(key);
      if (!b) {
        // A day bucket starts at the first hour of that local day (local midnight, to the hour).
        const first = dayOf ? firstHourOfDay(start, key, dayOf) : start;
        buckets.set(key, (b = { start: first.toISOString(), c: emptyCounters() }));
      }
      for (let i = 0; i < COUNTER_COLUMNS.length; i++) b.c[COUNTER_COLUMNS[i]] += row[i + 1];
    }
    return [...buckets.entries()].map(([key, b]) => ({
      bucket: key,
      start: b.start,
      ...withDerived(b.c),
    }));
  }

  filterOptions(): Record<string, string[]> {
    const options: Record<string, string[]> = {
      agent_types: [],
      event_types: [],
      tool_names: [],
      models: [],
      projects: [],
      branches: [],
      sources: [],
    };
    const names: Record<string, string> = {
      agent: 'agent_types',
      event_type: 'event_types',
      tool: 'tool_names',
      model: 'models',
      project: 'projects',
      branch: 'branches',
      source: 'sources',
    };
    for (const row of this.stmt('SELECT dim, key FROM totals ORDER BY dim, events DESC').all() as Row[]) {
      const name = names[row.dim as string];
      if (name && row.key !== '') options[name].push(row.key as string);
    }
    for (const list of Object.values(options)) list.sort();
    return options;
  }

  eventCount(): number {
    const all = this.stmt("SELECT events FROM totals WHERE dim = 'all' AND key = ''").get() as Row | undefined;
    const folded = this.stmt('SELECT COALESCE(SUM(count), 0) AS n FROM folded').get() as Row;
    return Number(all?.events ?? 0) + Number(folded.n);
  }

  maxSeq(): number {
    const row = this.stmt('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as Row;
    return Number(row.seq);
  }
}

function percentile(hist: Array<{ bucket: number; count: number }>, q: number): number | null {
  const total = hist.reduce((n, h) => n + h.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const h of hist) {
    seen += h.count;
    if (seen >= q * total) return Math.round(bucketUpperMs(h.bucket));
  }
  return Math.round(bucketUpperMs(hist[hist.length - 1].bucket));
}

/** The earliest whole hour that still falls on `day` (as `dayOf` reads it), stepping back from `hour`. */
function firstHourOfDay(hour: Date, day: string, dayOf: (d: Date) => string): Date {
  let first = hour;
  for (let i = 0; i < 26; i++) {
    const previous = new Date(first.getTime() - 3_600_000);
    if (dayOf(previous) !== day) break;
    first = previous;
  }
  return first;
}
