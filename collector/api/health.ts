/**
 * GET /api/health: liveness, the numbers an operator checks first, and each component's counts.
 * Polled by the dashboard's health strip: everything here is in memory except the event count
 * (one indexed read), and the counts come from one on-demand collection of the service's meter.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventReader } from '../core/storage.js';
import { ERROR_RESPONSES, Health, NoQuery, type ComponentHealth, type PipelineHealth } from './schemas/index.js';

export interface HealthSources {
  startedAt: Date;
  version: string;
  /** Large bodies being received now, and how many were refused at the door. */
  admission(): Health['admission'];
  /** Per-pipeline queue depth and per-component counts, read from the self-telemetry meter. */
  telemetry(): Promise<{ pipelines: PipelineHealth[]; components: ComponentHealth[] }>;
}

export function registerHealthRoute(server: FastifyInstance, events: EventReader, h: HealthSources): void {
  server.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/health',
    { schema: { querystring: NoQuery, response: { 200: Health, ...ERROR_RESPONSES } } },
    async () => {
      const { pipelines, components } = await h.telemetry();
      return {
        status: 'ok' as const,
        version: h.version,
        uptime_s: Math.round((Date.now() - h.startedAt.getTime()) / 1000),
        events: events.eventCount(),
        queue_depth: pipelines.reduce((n, p) => n + p.queue_depth, 0),
        pipelines,
        admission: h.admission(),
        components,
      };
    },
  );
}
