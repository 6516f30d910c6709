/** GET /api/stats/blocks: 5-hour billing blocks with burn rate and projected block total. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StatsReader } from '../core/storage.js';
import { BLOCKS_DEFAULT_LIMIT, BlocksQuery, BlocksResponse, ERROR_RESPONSES } from './schemas/index.js';
import { blocksView } from './read-models/blocks.js';

export function registerBlocksRoutes(server: FastifyInstance, store: StatsReader, now: () => Date = () => new Date()): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/stats/blocks',
    { schema: { querystring: BlocksQuery, response: { 200: BlocksResponse, ...ERROR_RESPONSES } } },
    async (request) => blocksView(store, { ...request.query, limit: request.query.limit ?? BLOCKS_DEFAULT_LIMIT }, now()),
  );
}
