/** GET /api/health: liveness plus the few numbers an operator checks first. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store.js';

export interface HealthSources {
  store: Store;
  startedAt: Date;
  queueDepth(): number;
  version: string;
}

export function registerHealthRoute(server: FastifyInstance, h: HealthSources): void {
  server.get('/api/health', async () => ({
    status: 'ok',
    version: h.version,
    uptime_s: Math.round((Date.now() - h.startedAt.getTime()) / 1000),
    events: h.store.eventCount(),
    queue_depth: h.queueDepth(),
  }));
}
