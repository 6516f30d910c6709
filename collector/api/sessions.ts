/** GET /api/sessions and GET /api/sessions/:id. */
import type { FastifyInstance } from 'fastify';
import type { EventReader, SessionReader, SessionStatus } from '../core/storage.js';

const STATUS = { type: 'string', enum: ['active', 'idle', 'ended'] } as const;

const listSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: STATUS,
    exclude_status: STATUS,
    agent_type: { type: 'string', minLength: 1, maxLength: 256 },
    project: { type: 'string', minLength: 1, maxLength: 4096 },
    branch: { type: 'string', minLength: 1, maxLength: 4096 },
    /** Sessions that used this model (one of their `models`). */
    model: { type: 'string', minLength: 1, maxLength: 256 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', maxLength: 2048 },
  },
} as const;

interface ListQuery {
  status?: SessionStatus;
  exclude_status?: SessionStatus;
  agent_type?: string;
  project?: string;
  branch?: string;
  model?: string;
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

export function registerSessionRoutes(server: FastifyInstance, store: SessionReader, events: EventReader): void {
  server.get<{ Querystring: ListQuery }>('/api/sessions', { schema: { querystring: listSchema } }, async (request, reply) => {
    const q = request.query;
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (before === null) return reply.code(400).send({ error: 'bad_request', message: 'querystring/cursor: not a cursor from next_cursor' });
    const sessions = store.listSessions({
      status: q.status,
      exclude_status: q.exclude_status,
      agent_type: q.agent_type,
      project: q.project,
      branch: q.branch,
      model: q.model,
      limit: q.limit,
      before,
    });
    const last = sessions[sessions.length - 1];
    return { sessions, next_cursor: sessions.length === q.limit && last ? encodeCursor(last) : null };
  });

  server.get<{ Params: { id: string }; Querystring: { events: number } }>(
    '/api/sessions/:id',
    { schema: { querystring: detailSchema } },
    async (request, reply) => {
      const session = store.getSession(request.params.id);
      if (!session) return reply.code(404).send({ error: 'not_found', message: 'unknown session' });
      return {
        session,
        events: events.listEvents({ session_id: session.session_id, limit: request.query.events }),
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
