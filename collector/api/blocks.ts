/** GET /api/stats/blocks: 5-hour billing blocks with burn rate and projected block total. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StatsReader } from '../core/storage.js';
import { BLOCKS_DEFAULT_LIMIT, BlocksQuery, BlocksResponse, ERROR_RESPONSES } from './schemas/index.js';

export function registerBlocksRoutes(server: FastifyInstance, store: StatsReader, now: () => Date = () => new Date()): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/stats/blocks',
    { schema: { querystring: BlocksQuery, response: { 200: BlocksResponse, ...ERROR_RESPONSES } } },
    // Untyped reader answer until its shaping moves to api/read-models/ (see stats.ts).
    async (request) => store.billingBlocks({ ...request.query, limit: request.query.limit ?? BLOCKS_DEFAULT_LIMIT, now: now() }) as BlocksResponse,
  );
}
