/** GET /api/stats/blocks: 5-hour billing blocks with burn rate and projected block total. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StatsReader } from '../core/storage.js';
import type { UsageFilter } from '../core/usage.js';
import { replyError } from '../server/errors.js';
import { BLOCKS_DEFAULT_LIMIT, BlocksQuery, BlocksResponse, ERROR_RESPONSES } from './schemas/index.js';
import { blocksView } from './read-models/blocks.js';
import { rangeError } from './range.js';

const BLOCK_FILTERS = ['project', 'branch', 'model', 'source', 'machine'] as const;

export function registerBlocksRoutes(server: FastifyInstance, store: StatsReader, now: () => Date = () => new Date()): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/stats/blocks',
    { schema: { querystring: BlocksQuery, response: { 200: BlocksResponse, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const q = request.query;
      const bad = rangeError(q);
      if (bad) return replyError(reply, 'bad_request', bad);
      const filter: UsageFilter = {};
      for (const f of BLOCK_FILTERS) if (q[f] !== undefined) filter[f] = q[f];
      return blocksView(store, { agent_type: q.agent_type, filter, since: q.since, until: q.until, limit: q.limit ?? BLOCKS_DEFAULT_LIMIT }, now());
    },
  );
}
