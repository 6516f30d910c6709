/**
 * The tables GET /api/export/:table sends: the cost report's breakdowns and timeline, the sessions
 * list and the tool table for the filters and range, every row (never a page), with a totals row.
 * Numbers are as the JSON API has them: cost in dollars to the micro-dollar, tokens as integers.
 */
import { sessionSortValue, type SessionReader, type SessionRow, type SessionSort, type StatsReader, type ToolUsageReader, type UsageFilter } from '../../core/storage.js';
import type { ExportTable } from '../schemas/index.js';
import { costView } from './cost.js';
import { roundUsd } from './usage.js';
import { toolUsageView } from './tool-usage.js';
import type { Cell } from './csv.js';

export interface ExportRequest {
  table: ExportTable;
  filter: UsageFilter;
  since?: string;
  until?: string;
  bucket: 'hour' | 'day';
  tz: string;
  status?: SessionRow['status'];
  /** sessions: text search, sort and order as GET /api/sessions takes them. */
  q?: string;
  sort?: SessionSort;
  order?: 'asc' | 'desc';
}

export interface Table {
  columns: string[];
  rows: Cell[][];
  totals: Cell[] | null;
}

const COUNTERS = ['events', 'errors', 'tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost_usd', 'unpriced_tokens', 'api_requests'] as const;

const KEY_OF = { by_model: 'model', by_project: 'project', by_branch: 'branch', by_agent: 'agent_type', by_source: 'source', by_machine: 'machine' } as const;

/** Sessions read per page while exporting them all. */
const PAGE = 1000;

export interface ExportSources {
  stats: StatsReader;
  sessions: SessionReader;
  tools: ToolUsageReader;
}

export function exportTable(src: ExportSources, q: ExportRequest): Table {
  if (q.table === 'sessions') return sessionsTable(src.sessions, q);
  if (q.table === 'tools') return toolsTable(src.tools, q);
  const cost = costView(src.stats, { since: q.since, until: q.until, bucket: q.bucket, tz: q.tz, filter: q.filter });
  const totals = cost.totals as unknown as Record<string, number>;
  if (q.table === 'timeline') {
    const rows = cost.timeline.map((b) => [b.bucket, b.start, ...COUNTERS.map((c) => (b as unknown as Record<string, number>)[c])]);
    return { columns: ['bucket', 'start', ...COUNTERS], rows, totals: ['Total', null, ...COUNTERS.map((c) => totals[c])] };
  }
  const key = KEY_OF[q.table];
  const list = cost[q.table] as unknown as Array<Record<string, string | number>>;
  const rows = list.map((r) => [r[key], ...COUNTERS.map((c) => r[c])]);
  return { columns: [key, ...COUNTERS], rows, totals: ['Total', ...COUNTERS.map((c) => totals[c])] };
}

const SESSION_COLUMNS = [
  'session_id', 'agent_type', 'status', 'project', 'branch', 'models', 'parent_session_id', 'first_seen', 'last_seen', 'ended_at',
  'duration_ms', 'events', 'prompts', 'tool_calls', 'errors', 'api_requests', 'tokens_in', 'tokens_out', 'cache_read_tokens',
  'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost_usd', 'unpriced_tokens',
];

function sessionsTable(reader: SessionReader, q: ExportRequest): Table {
  const rows: Cell[][] = [];
  const sums = new Array<number>(SESSION_COLUMNS.length).fill(0);
  // In the list's order (newest first unless sorted), paged by the (sort value, session_id) of the last row read.
  const sort = q.sort ?? 'last_seen';
  const order = q.order ?? 'desc';
  let after: { value: string | number; session_id: string } | undefined;
  for (;;) {
    const page = reader.listSessions({
      status: q.status,
      agent_type: q.filter.agent_type || undefined,
      project: q.filter.project || undefined,
      branch: q.filter.branch || undefined,
      model: q.filter.model || undefined,
      since: q.since && new Date(q.since).toISOString(),
      until: q.until && new Date(q.until).toISOString(),
      q: q.q,
      limit: PAGE,
      sort,
      order,
      after,
    });
    for (const s of page) {
      const row = sessionRow(s);
      row.forEach((v, i) => {
        if (i >= 10 && typeof v === 'number') sums[i] += v;
      });
      rows.push(row);
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1];
    after = { value: sessionSortValue(last, sort), session_id: last.session_id };
  }
  const totals: Cell[] = SESSION_COLUMNS.map((c, i) => (i === 0 ? 'Total' : i < 10 ? null : c === 'cost_usd' ? roundUsd(sums[i]) : sums[i]));
  return { columns: SESSION_COLUMNS, rows, totals };
}

function sessionRow(s: SessionRow): Cell[] {
  const total = s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens;
  const duration = Date.parse(s.ended_at ?? s.last_seen) - Date.parse(s.first_seen);
  return [
    s.session_id, s.agent_type, s.status, s.project, s.branch, s.models.join(' '), s.parent_session_id, s.first_seen, s.last_seen, s.ended_at,
    duration, s.event_count, s.prompt_count, s.tool_count, s.error_count, s.api_request_count, s.tokens_in, s.tokens_out, s.cache_read_tokens,
    s.cache_write_tokens, s.reasoning_tokens, total, s.cost_usd, s.unpriced_tokens,
  ];
}

function toolsTable(reader: ToolUsageReader, q: ExportRequest): Table {
  const view = toolUsageView(reader, { filter: q.filter, since: q.since, until: q.until });
  const rows = view.map((t) => [t.tool_name, t.calls, t.errors, t.error_rate, t.timed_calls, t.mean_ms]);
  const calls = view.reduce((n, t) => n + t.calls, 0);
  const errors = view.reduce((n, t) => n + t.errors, 0);
  return {
    columns: ['tool_name', 'calls', 'errors', 'error_rate', 'timed_calls', 'mean_ms'],
    rows,
    totals: ['Total', calls, errors, calls ? errors / calls : 0, view.reduce((n, t) => n + t.timed_calls, 0), null],
  };
}
