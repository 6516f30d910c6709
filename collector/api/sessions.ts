/** GET /api/sessions and GET /api/sessions/:id. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sessionSortValue, type EventReader, type SessionReader, type SessionRow, type SessionSort } from '../core/storage.js';
import { replyError } from '../server/errors.js';
import { rangeError } from './range.js';
import {
  DETAIL_DEFAULT_EVENTS,
  ERROR_RESPONSES,
  SESSIONS_DEFAULT_LIMIT,
  SessionDetail,
  SessionDetailQuery,
  SessionParams,
  SessionsPage,
  SessionsQuery,
} from './schemas/index.js';

export function registerSessionRoutes(server: FastifyInstance, store: SessionReader, events: EventReader): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/sessions',
    { schema: { querystring: SessionsQuery, response: { 200: SessionsPage, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const limit = q.limit ?? SESSIONS_DEFAULT_LIMIT;
      const sort = q.sort ?? 'last_seen';
      const order = q.order ?? 'desc';
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, sort, order);
      if (after === null) return replyError(reply, 'bad_request', 'querystring/cursor: not a cursor from next_cursor for this sort and order');
      const badRange = rangeError(q);
      if (badRange) return replyError(reply, 'bad_request', badRange);
      const sessions = store.listSessions({
        status: q.status,
        exclude_status: q.exclude_status,
        agent_type: q.agent_type,
        project: q.project,
        branch: q.branch,
        model: q.model,
        since: q.since && new Date(q.since).toISOString(),
        until: q.until && new Date(q.until).toISOString(),
        q: q.q,
        sort,
        order,
        limit,
        after,
      });
      const last = sessions[sessions.length - 1];
      return { sessions, next_cursor: sessions.length === limit && last ? encodeCursor(last, sort, order) : null };
    },
  );

  app.get(
    '/api/sessions/:id',
    {
      schema: {
        params: SessionParams,
        querystring: SessionDetailQuery,
        response: { 200: SessionDetail, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const session = store.getSession(request.params.id);
      if (!session) return replyError(reply, 'not_found', 'unknown session');
      return {
        session,
        events: events.listEvents({ session_id: session.session_id, limit: request.query.events ?? DETAIL_DEFAULT_EVENTS }),
        children: store.childSessions(session.session_id),
        spans: store.listSpans(session.session_id, 2000),
      };
    },
  );
}

/**
 * Opaque paging cursor: the sort, its order and the last row's (sort value, session_id), so ties page
 * exactly. A cursor of the first version ([last_seen, session_id]) still pages the default order.
 */
function encodeCursor(row: SessionRow, sort: SessionSort, order: 'asc' | 'desc'): string {
  const value = sessionSortValue(row, sort);
  const body = sort === 'last_seen' && order === 'desc' ? [value, row.session_id] : [sort, order, value, row.session_id];
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string, sort: SessionSort, order: 'asc' | 'desc'): { value: string | number; session_id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v)) return null;
    if (v.length === 2 && sort === 'last_seen' && order === 'desc' && typeof v[0] === 'string' && typeof v[1] === 'string') {
      return { value: v[0], session_id: v[1] };
    }
    const [s, o, value, id] = v as unknown[];
    if (v.length === 4 && s === sort && o === order && (typeof value === 'string' || typeof value === 'number') && typeof id === 'string') {
      return { value, session_id: id };
    }
  } catch {
    // fall through: not one of ours
  }
  return null;
}
