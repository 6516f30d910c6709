/** GET /api/events: newest first, filtered, paged with an opaque cursor. */
import type { FastifyInstance } from 'fastify';
import type { EventQuery, EventReader } from '../core/storage.js';
import { TIME_PARAM } from './params.js';

const FILTERS = ['agent_type', 'event_type', 'tool_name', 'session_id', 'branch', 'model', 'source', 'project', 'status'] as const;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(FILTERS.map((f) => [f, { type: 'string', minLength: 1, maxLength: 4096 }])),
    since: TIME_PARAM,
    until: TIME_PARAM,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', pattern: '^[0-9]+$' },
  },
} as const;

type Query = Partial<Record<(typeof FILTERS)[number] | 'since' | 'until' | 'cursor', string>> & { limit: number };

export function registerEventRoutes(server: FastifyInstance, store: EventReader): void {
  server.get<{ Querystring: Query }>('/api/events', { schema: { querystring: querySchema } }, async (request) => {
    const q = request.query;
    const query: EventQuery = { limit: q.limit };
    for (const f of FILTERS) if (q[f] !== undefined) query[f] = q[f];
    if (q.since) query.since = q.since;
    if (q.until) query.until = q.until;
    if (q.cursor) query.before_seq = Number(q.cursor);
    const events = store.listEvents(query);
    const last = events[events.length - 1];
    return {
      events,
      next_cursor: events.length === q.limit && last ? String(last.seq) : null,
    };
  });
}
