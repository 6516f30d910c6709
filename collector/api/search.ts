/** GET /api/search (full-text, newest first) and GET /api/errors (the errors view). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ErrorEventRow, ErrorReader, SearchReader } from '../core/storage.js';
import { SearchQueryError } from '../core/search.js';
import { replyError } from '../server/errors.js';
import {
  ERROR_RESPONSES,
  ERRORS_DEFAULT_LIMIT,
  ErrorsQuery,
  ErrorsResponse,
  SEARCH_DEFAULT_LIMIT,
  SearchPage,
  SearchQuery,
  type ErrorEvent,
} from './schemas/index.js';
import { isTimeZone } from '../core/calendar.js';

function errorEvent({ ts, ...row }: ErrorEventRow): ErrorEvent {
  return { ...row, time: new Date(ts).toISOString() };
}

export function registerSearchRoutes(server: FastifyInstance, search: SearchReader, errors: ErrorReader): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/search',
    { schema: { querystring: SearchQuery, response: { 200: SearchPage, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const limit = q.limit ?? SEARCH_DEFAULT_LIMIT;
      try {
        const page = search.search({
          text: q.q,
          agent_type: q.agent_type,
          since: q.since,
          until: q.until,
          limit,
          before_seq: q.cursor === undefined ? undefined : Number(q.cursor),
        });
        const last = page.hits[page.hits.length - 1];
        return {
          hits: page.hits.map(({ ts, ...hit }) => ({ ...hit, time: new Date(ts).toISOString() })),
          next_cursor: page.hits.length === limit && last ? String(last.seq) : null,
          pending: Math.max(0, page.max_seq - page.indexed_seq),
        };
      } catch (error) {
        if (error instanceof SearchQueryError) return replyError(reply, 'bad_request', `querystring/q: the search index cannot run this query (${error.message})`);
        throw error;
      }
    },
  );

  app.get(
    '/api/errors',
    { schema: { querystring: ErrorsQuery, response: { 200: ErrorsResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const tz = q.tz ?? 'UTC';
      if (!isTimeZone(tz)) return replyError(reply, 'bad_request', `querystring/tz: unknown time zone "${tz}"`);
      const limit = q.limit ?? ERRORS_DEFAULT_LIMIT;
      let before: { ts: number; seq: number } | undefined;
      if (q.cursor) {
        const [ts, seq] = q.cursor.split(':').map(Number);
        before = { ts, seq };
      }
      const range = { since: q.since, until: q.until, agent_type: q.agent_type };
      // A next page of the list needs no summary again.
      const summary = before ? null : errors.errorSummary({ ...range, bucket: q.bucket ?? 'day', tz });
      const rows = limit > 0 ? errors.recentErrors({ ...range, kind: q.kind, limit, before }) : [];
      const last = rows[rows.length - 1];
      return {
        summary,
        recent: rows.map(errorEvent),
        next_cursor: rows.length === limit && last ? `${last.ts}:${last.seq}` : null,
      };
    },
  );
}
