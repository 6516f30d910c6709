/**
 * The ErrorReader port: API errors and failed tool calls (an error is what the rollups count as one:
 * status `error`, or an `api_error`; folded sightings are not counted twice).
 *
 * For all agents, counts come from the quarter-hour rollup's rows that hold errors (the
 * `quarter_errors` partial index): exact to the quarter hour in every zone, and kept whatever
 * retention prunes. The rollups have one dimension per row, so for one agent they cannot split by
 * type, model or tool: those numbers come from the stored error events (`events_errors`), which
 * retention may have pruned. Error classes (metadata.error_type, status codes) live only in
 * events, and so does the recent list.
 */
import type Database from 'better-sqlite3';
import type {
  ErrorBucket,
  ErrorCount,
  ErrorEventRow,
  ErrorListQuery,
  ErrorQuery,
  ErrorSummary,
} from '../../collector/core/search.js';
import type { ErrorReader } from '../../collector/core/storage.js';
import { dayStartMs, localDayFormatter } from './local-day.js';
import { HOUR_MS, QUARTER_MS, quarterBounds } from './quarters.js';
import { Statements } from './statements.js';

/** The rollups' error rule, word for word the events_errors index's condition (so the index is used). */
const IS_ERROR = "(status = 'error' OR event_type = 'api_error')";
const OPEN_START = -Number.MAX_SAFE_INTEGER;
const OPEN_END = Number.MAX_SAFE_INTEGER;

interface Range {
  /** Quarter hours [from, to); bounds off the quarter hour widen outward, as every range does. */
  from: number;
  to: number;
}

function rangeOf(q: { since?: string; until?: string }): Range {
  const b = quarterBounds(q);
  return { from: b.from ?? OPEN_START, to: b.to ?? OPEN_END };
}

/** Epoch ms bounds of a quarter range (open ends stay open). */
function msRange(r: Range): [number, number] {
  return [r.from === OPEN_START ? OPEN_START : r.from * QUARTER_MS, r.to === OPEN_END ? OPEN_END : r.to * QUARTER_MS];
}

function sorted(map: Map<string, number>): ErrorCount[] {
  return [...map].map(([key, errors]) => ({ key, errors })).filter((r) => r.errors > 0).sort((a, b) => b.errors - a.errors || (a.key < b.key ? -1 : 1));
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

type Meta = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** An error's class: metadata.error_type, else its HTTP status, else a tool's exit code. */
export function errorTypeOf(m: Meta): string | null {
  const error = m.error && typeof m.error === 'object' ? (m.error as Meta) : null;
  const response = m.tool_response && typeof m.tool_response === 'object' ? (m.tool_response as Meta) : null;
  const type = str(m.error_type) ?? str(m.error_code);
  if (type) return type;
  const status = m.status_code ?? m.http_status;
  if (typeof status === 'number' || typeof status === 'string') return `HTTP ${status}`;
  const exit = error?.exit_code ?? response?.exit_code ?? m.exit_code;
  if (typeof exit === 'number') return `exit ${exit}`;
  return null;
}

/** Error text, when prompt storage kept it. */
function messageOf(m: Meta): string | null {
  const error = m.error && typeof m.error === 'object' ? (m.error as Meta) : null;
  return str(m.error) ?? str(error?.message) ?? str(m.error_message) ?? null;
}

export class SqliteErrorReader implements ErrorReader {
  private readonly statements: Statements;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
  }

  errorSummary(q: ErrorQuery): ErrorSummary {
    const range = rangeOf(q);
    const bucketOf = this.bucketer(q);
    const buckets = new Map<string, ErrorBucket>();
    const count = (ms: number, eventType: string, n: number) => {
      const [key, start] = bucketOf(ms);
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { bucket: key, start, api_errors: 0, tool_errors: 0, other_errors: 0 }));
      if (eventType === 'api_error') b.api_errors += n;
      else if (eventType === 'tool_use') b.tool_errors += n;
      else b.other_errors += n;
    };
    const byType = new Map<string, number>();
    const byModel = new Map<string, number>();
    const byTool = new Map<string, number>();
    let source: ErrorSummary['source'];

    if (!q.agent_type) {
      source = 'rollups';
      const rows = (dim: string) =>
        this.statements
          .get(`SELECT quarter, key, errors FROM quarter_hours WHERE dim = ? AND quarter >= ? AND quarter < ? AND errors > 0`)
          .raw(true)
          .all(dim, range.from, range.to) as Array<[number, string, number]>;
      for (const [quarter, key, n] of rows('event_type')) {
        count(quarter * QUARTER_MS, key, n);
        add(byType, key, n);
      }
      for (const [, key, n] of rows('model')) if (key !== '') add(byModel, key, n);
      for (const [, key, n] of rows('tool')) add(byTool, key, n);
    } else {
      source = 'events';
      const [since, until] = msRange(range);
      const rows = this.statements
        .get(
          `SELECT ts, event_type, model, tool_name FROM events INDEXED BY events_errors
           WHERE ${IS_ERROR} AND counted = 1 AND ts >= ? AND ts < ? AND agent_type = ?`,
        )
        .raw(true)
        .all(since, until, q.agent_type) as Array<[number, string, string | null, string | null]>;
      for (const [ts, eventType, model, tool] of rows) {
        count(ts, eventType, 1);
        add(byType, eventType, 1);
        if (model) add(byModel, model, 1);
        if (eventType === 'tool_use' && tool) add(byTool, tool, 1);
      }
    }

    const timeline = [...buckets.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const by_event_type = sorted(byType);
    const total = by_event_type.reduce((s, r) => s + r.errors, 0);
    return {
      source,
      total,
      api_errors: byType.get('api_error') ?? 0,
      tool_errors: byType.get('tool_use') ?? 0,
      timeline,
      by_event_type,
      by_model: sorted(byModel),
      by_tool: sorted(byTool),
      by_error_type: this.errorTypes(range, q.agent_type),
    };
  }

  /** API error classes from the stored api_error events in range. */
  private errorTypes(range: Range, agent?: string): ErrorCount[] {
    const [since, until] = msRange(range);
    const rows = this.statements
      .get(
        `SELECT metadata FROM events INDEXED BY events_errors
         WHERE ${IS_ERROR} AND event_type = 'api_error' AND counted = 1 AND ts >= ? AND ts < ?${agent ? ' AND agent_type = ?' : ''}`,
      )
      .pluck()
      .all(since, until, ...(agent ? [agent] : [])) as string[];
    const byClass = new Map<string, number>();
    for (const metadata of rows) add(byClass, errorTypeOf(JSON.parse(metadata) as Meta) ?? 'unknown', 1);
    return sorted(byClass);
  }

  recentErrors(q: ErrorListQuery): ErrorEventRow[] {
    const [since, until] = msRange(rangeOf(q));
    const where = [IS_ERROR, 'counted = 1', 'ts >= ?', 'ts < ?'];
    const params: unknown[] = [since, until];
    if (q.agent_type) {
      where.push('agent_type = ?');
      params.push(q.agent_type);
    }
    if (q.kind === 'api') where.push("event_type = 'api_error'");
    if (q.kind === 'tool') where.push("event_type = 'tool_use'");
    if (q.before) {
      where.push('(ts < ? OR (ts = ? AND seq < ?))');
      params.push(q.before.ts, q.before.ts, q.before.seq);
    }
    const rows = this.statements
      .get(
        `SELECT seq, session_id, agent_type, event_type, tool_name, model, project, ts, duration_ms, metadata
         FROM events INDEXED BY events_errors WHERE ${where.join(' AND ')} ORDER BY ts DESC, seq DESC LIMIT ?`,
      )
      .all(...params, q.limit) as Array<Omit<ErrorEventRow, 'error_type' | 'message'> & { metadata: string }>;
    return rows.map(({ metadata, ...r }) => {
      const m = JSON.parse(metadata) as Meta;
      return { ...r, error_type: errorTypeOf(m), message: messageOf(m) };
    });
  }

  /** The bucket of an instant: its hour (ISO start) or its local day in q.tz. */
  private bucketer(q: ErrorQuery): (ms: number) => [string, string] {
    if (q.bucket === 'hour') {
      return (ms) => {
        const iso = new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
        return [iso, iso];
      };
    }
    const dayOf = localDayFormatter(q.tz);
    const starts = new Map<string, string>();
    return (ms) => {
      const day = dayOf(ms);
      let start = starts.get(day);
      if (start === undefined) starts.set(day, (start = new Date(dayStartMs(ms, dayOf)).toISOString()));
      return [day, start];
    };
  }
}
