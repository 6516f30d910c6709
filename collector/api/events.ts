/** GET /api/events: newest first, filtered, paged with an opaque cursor. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventQuery, EventReader } from '../core/storage.js';
import { replyError } from '../server/errors.js';
import { rangeError } from './range.js';
import { ERROR_RESPONSES, EVENT_FILTERS, EVENTS_DEFAULT_LIMIT, EventsPage, EventsQuery } from './schemas/index.js';

export function registerEventRoutes(server: FastifyInstance, store: EventReader): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/events',
    { schema: { querystring: EventsQuery, response: { 200: EventsPage, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const badRange = rangeError(q);
      if (badRange) return replyError(reply, 'bad_request', badRange);
      const limit = q.limit ?? EVENTS_DEFAULT_LIMIT;
      const query: EventQuery = { limit };
      for (const f of EVENT_FILTERS) if (q[f] !== undefined) query[f] = q[f];
      if (q.since) query.since = q.since;
      if (q.until) query.until = q.until;
      if (q.cursor) query.before_seq = Number(q.cursor);
      const events = store.listEvents(query);
      const last = events[events.length - 1];
      return {
        events,
        next_cursor: events.length === limit && last ? String(last.seq) : null,
      };
    },
  );
}
