/** GET /api/sessions and GET /api/sessions/:id. */
import type { FastifyInstance } from 'fastify';
import type { SessionStatus, Store } from '../store.js';

const STATUS = { type: 'string', enum: ['active', 'idle', 'ended'] } as const;

const listSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: STATUS,
    exclude_status: STATUS,
    agent_type: { type: 'string', minLength: 1, maxLength: 256 },
    project: { type: 'string', minLength: 1, maxLength: 4096 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', maxLength: 64 },
  },
} as const;

interface ListQuery {
  status?: SessionStatus;
  exclude_status?: SessionStatus;
  agent_type?: string;
  project?: string;
  limit: number;
  cursor?: string;
}

const detailSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    events: { type: 'integer', minimum: 0, maximum: 5000, default: 200 },
  },
} as const;

export function registerSessionRoutes(server: FastifyInstance, store: Store): void {
  server.get<{ Querystring: ListQuery }>('/api/sessions', { schema: { querystring: listSchema } }, async (request) => {
    const q = request.query;
    const sessions = store.listSessions({
      status: q.status,
      exclude_status: q.exclude_status,
      agent_type: q.agent_type,
      project: q.project,
      limit: q.limit,
      before_last_seen: q.cursor,
    });
    const last = sessions[sessions.length - 1];
    return { sessions, next_cursor: sessions.length === q.limit && last ? last.last_seen : null };
  });

  server.get<{ Params: { id: string }; Querystring: { events: number } }>(
    '/api/sessions/:id',
    { schema: { querystring: detailSchema } },
    async (request, reply) => {
      const session = store.getSession(request.params.id);
      if (!session) return reply.code(404).send({ error: 'not_found', message: 'unknown session' });
      return {
        session,
        events: store.listEvents({ session_id: session.session_id, limit: request.query.events }),
        children: store.childSessions(session.session_id),
        spans: store.listSpans(session.session_id, 2000),
      };
    },
  );
}
