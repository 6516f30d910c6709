/** GET /api/health: liveness, the numbers an operator checks first, and each component's counts. */
import type { FastifyInstance } from 'fastify';
import type { EventReader } from '../core/storage.js';

export interface ComponentHealth {
  id: string;
  kind: string;
  accepted: number;
  refused: number;
  failed: number;
  duplicate: number;
}

export interface HealthSources {
  startedAt: Date;
  version: string;
  pipelines(): Array<{ name: string; queue_depth: number }>;
  /** Large bodies being received now, and how many were refused at the door. */
  admission(): { large_in_flight: number; bytes_in_flight: number; refused: number };
  components(): Promise<ComponentHealth[]>;
}

export function registerHealthRoute(server: FastifyInstance, events: EventReader, h: HealthSources): void {
  server.get('/api/health', async () => {
    const pipelines = h.pipelines();
    return {
      status: 'ok',
      version: h.version,
      uptime_s: Math.round((Date.now() - h.startedAt.getTime()) / 1000),
      events: events.eventCount(),
      queue_depth: pipelines.reduce((n, p) => n + p.queue_depth, 0),
      pipelines,
      admission: h.admission(),
      components: await h.components(),
    };
  });
}
