/** GET /api/sessions and GET /api/sessions/:id. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventReader, SessionReader } from '../core/storage.js';
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
      const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (before === null) return replyError(reply, 'bad_request', 'querystring/cursor: not a cursor from next_cursor');
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
        limit,
        before,
      });
      const last = sessions[sessions.length - 1];
      return { sessions, next_cursor: sessions.length === limit && last ? encodeCursor(last) : null };
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

/** Opaque paging cursor: the last row's (last_seen, session_id), so ties in last_seen page exactly. */
function encodeCursor(row: { last_seen: string; session_id: string }): string {
  return Buffer.from(JSON.stringify([row.last_seen, row.session_id])).toString('base64url');
}

function decodeCursor(cursor: string): { last_seen: string; session_id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { last_seen: value[0], session_id: value[1] };
    }
  } catch {
    // fall through: not one of ours
  }
  return null;
}
