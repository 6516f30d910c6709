/** GET /api/health: liveness, the numbers an operator checks first, and each component's counts. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventReader } from '../core/storage.js';
import { ERROR_RESPONSES, Health, NoQuery, type ComponentHealth, type PipelineHealth } from './schemas/index.js';

export interface HealthSources {
  startedAt: Date;
  version: string;
  pipelines(): PipelineHealth[];
  components(): Promise<ComponentHealth[]>;
}

export function registerHealthRoute(server: FastifyInstance, events: EventReader, h: HealthSources): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/health',
    { schema: { querystring: NoQuery, response: { 200: Health, ...ERROR_RESPONSES } } },
    async () => {
      const pipelines = h.pipelines();
      return {
        status: 'ok' as const,
        version: h.version,
        uptime_s: Math.round((Date.now() - h.startedAt.getTime()) / 1000),
        events: events.eventCount(),
        queue_depth: pipelines.reduce((n, p) => n + p.queue_depth, 0),
        pipelines,
        components: await h.components(),
      };
    },
  );
}
