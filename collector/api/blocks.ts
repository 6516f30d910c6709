/** GET /api/stats/blocks: 5-hour billing blocks with burn rate and projected block total. */
import type { FastifyInstance } from 'fastify';
import type { StatsReader } from '../core/storage.js';
import { TIME_PARAM } from './params.js';
import { blocksView } from './read-models/blocks.js';

const blocksSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agent_type: { type: 'string', minLength: 1, maxLength: 64 },
    since: TIME_PARAM,
    until: TIME_PARAM,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  },
} as const;

interface BlocksQuerystring {
  agent_type?: string;
  since?: string;
  until?: string;
  limit: number;
}

export function registerBlocksRoutes(server: FastifyInstance, store: StatsReader, now: () => Date = () => new Date()): void {
  server.get<{ Querystring: BlocksQuerystring }>(
    '/api/stats/blocks',
    { schema: { querystring: blocksSchema } },
    async (request) => blocksView(store, request.query, now()),
  );
}
