/**
 * GET /api/stats/tools (tool calls per tool for any filter and range) and GET /api/export/:table
 * (a whole table as CSV or JSON for the filters and range: what the dashboard's Export menu downloads).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { SessionReader, StatsReader, ToolUsageReader } from '../core/storage.js';
import { USAGE_FILTER_FIELDS, type UsageFilter } from '../core/usage.js';
import { replyError } from '../server/errors.js';
import { ERROR_RESPONSES, ExportParams, ExportQuery, ToolUsageQuery, ToolUsageResponse } from './schemas/index.js';
import { rangeError } from './range.js';
import { toolUsageView } from './read-models/tool-usage.js';
import { exportTable } from './read-models/export.js';
import { csvTable } from './read-models/csv.js';
import { isTimeZone } from '../core/calendar.js';

function filterOf(q: Partial<Record<(typeof USAGE_FILTER_FIELDS)[number], string>>): UsageFilter {
  const filter: UsageFilter = {};
  for (const f of USAGE_FILTER_FIELDS) if (q[f] !== undefined) filter[f] = q[f];
  return filter;
}

/** `agentstats-by_model-2026-01-01_2026-01-31.csv`: the table and the range in the name. */
function fileName(table: string, since: string | undefined, until: string | undefined, ext: string): string {
  const day = (iso: string) => iso.replace(/:/g, '').replace(/\.\d+/, '').replace(/[^0-9A-Za-z+-]/g, '-');
  const range = since || until ? `${since ? day(since) : 'start'}_${until ? day(until) : 'now'}` : 'all-time';
  return `agentstats-${table}-${range}.${ext}`;
}

export function registerExportRoutes(
  server: FastifyInstance,
  src: { stats: StatsReader; sessions: SessionReader; tools: ToolUsageReader },
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/stats/tools',
    { schema: { querystring: ToolUsageQuery, response: { 200: ToolUsageResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const bad = rangeError(q);
      if (bad) return replyError(reply, 'bad_request', bad);
      const filter = filterOf(q);
      return { since: q.since ?? null, until: q.until ?? null, filter: { ...filter }, tools: toolUsageView(src.tools, { filter, since: q.since, until: q.until }) };
    },
  );

  app.get(
    '/api/export/:table',
    { schema: { params: ExportParams, querystring: ExportQuery, response: { ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const { table } = request.params;
      const bad = rangeError(q);
      if (bad) return replyError(reply, 'bad_request', bad);
      const tz = q.tz ?? 'UTC';
      if (!isTimeZone(tz)) return replyError(reply, 'bad_request', `querystring/tz: unknown time zone "${tz}"`);
      if (table === 'sessions') {
        // Sessions carry no source or machine, and "none" is not a session filter.
        for (const f of ['source', 'machine'] as const) if (q[f] !== undefined) return replyError(reply, 'bad_request', `querystring/${f}: not a filter of the sessions table`);
        for (const f of ['project', 'branch', 'agent_type', 'model'] as const) {
          if (q[f] === '') return replyError(reply, 'bad_request', `querystring/${f}: the sessions table takes a value, not ''`);
        }
      } else {
        for (const f of ['status', 'q', 'sort', 'order'] as const) {
          if (q[f] !== undefined) return replyError(reply, 'bad_request', `querystring/${f}: only the sessions table takes a ${f}`);
        }
      }
      const filter = filterOf(q);
      const t = exportTable(src, { table, filter, since: q.since, until: q.until, bucket: q.bucket ?? 'day', tz, status: q.status, q: q.q, sort: q.sort, order: q.order });
      const format = q.format ?? 'csv';
      reply.header('content-disposition', `attachment; filename="${fileName(table, q.since, q.until, format)}"`);
      reply.header('cache-control', 'no-store');
      if (format === 'json') {
        const obj = (row: readonly unknown[]) => Object.fromEntries(t.columns.map((c, i) => [c, row[i] ?? null]));
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify({ table, since: q.since ?? null, until: q.until ?? null, filter, columns: t.columns, rows: t.rows.map(obj), totals: t.totals ? obj(t.totals) : null }) as never);
      }
      return reply.type('text/csv; charset=utf-8').send(csvTable(t.columns, t.totals ? [...t.rows, t.totals] : t.rows) as never);
    },
  );
}
