/** GET /api/stats, /api/stats/cost, /api/filter-options: all answered from rollups. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StatsReader } from '../core/storage.js';
import { USAGE_FILTER_FIELDS, type UsageFilter } from '../core/usage.js';
import { replyError } from '../server/errors.js';
import { rangeError } from './range.js';
import { isTimeZone } from '../core/calendar.js';
import { CostQuery, CostStats, ERROR_RESPONSES, FilterOptions, NoQuery, Stats, type PricingInfo } from './schemas/index.js';
import { statsView } from './read-models/stats.js';
import { costView } from './read-models/cost.js';
import { filterOptionsView } from './read-models/filter-options.js';

export function registerStatsRoutes(server: FastifyInstance, store: StatsReader, info: (name: string) => unknown): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/stats', { schema: { querystring: NoQuery, response: { 200: Stats, ...ERROR_RESPONSES } } }, async () => statsView(store));

  app.get(
    '/api/stats/cost',
    { schema: { querystring: CostQuery, response: { 200: CostStats, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      // bucket and tz always hold a value here: the validator fills in the schema's defaults.
      const bucket = q.bucket ?? 'day';
      const tz = q.tz ?? 'UTC';
      if (!isTimeZone(tz)) return replyError(reply, 'bad_request', `querystring/tz: unknown time zone "${tz}"`);
      const badRange = rangeError(q);
      if (badRange) return replyError(reply, 'bad_request', badRange);
      // Which price table the costs come from (published by the cost processor, when configured).
      const filter: UsageFilter = {};
      for (const field of USAGE_FILTER_FIELDS) if (q[field] !== undefined) filter[field] = q[field];
      return { ...costView(store, { since: q.since, until: q.until, bucket, tz, filter }), pricing: info('pricing') as PricingInfo | null };
    },
  );

  app.get(
    '/api/filter-options',
    { schema: { querystring: NoQuery, response: { 200: FilterOptions, ...ERROR_RESPONSES } } },
    async () => filterOptionsView(store),
  );
}
