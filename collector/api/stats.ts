/** GET /api/stats, /api/stats/cost, /api/filter-options: all answered from rollups. */
import type { FastifyInstance } from 'fastify';
import type { StatsReader } from '../core/storage.js';
import { TIME_PARAM } from './params.js';
import { statsView } from './read-models/stats.js';
import { costView } from './read-models/cost.js';
import { filterOptionsView } from './read-models/filter-options.js';

const costSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: TIME_PARAM,
    until: TIME_PARAM,
    bucket: { type: 'string', enum: ['hour', 'day'], default: 'day' },
    tz: { type: 'string', minLength: 1, maxLength: 64, default: 'UTC' },
  },
} as const;

interface CostQuerystring {
  since?: string;
  until?: string;
  bucket: 'hour' | 'day';
  tz: string;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function registerStatsRoutes(server: FastifyInstance, store: StatsReader, info: (name: string) => unknown): void {
  server.get('/api/stats', async () => statsView(store));

  server.get<{ Querystring: CostQuerystring }>(
    '/api/stats/cost',
    { schema: { querystring: costSchema } },
    async (request, reply) => {
      const q = request.query;
      if (!isTimeZone(q.tz)) {
        return reply.code(400).send({ error: 'bad_request', message: `querystring/tz: unknown time zone "${q.tz}"` });
      }
      // Which price table the costs come from (published by the cost processor, when configured).
      return { ...costView(store, q), pricing: info('pricing') };
    },
  );

  server.get('/api/filter-options', async () => filterOptionsView(store));
}
