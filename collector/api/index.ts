/** The read API: routes hold no SQL, only calls on the Store. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store.js';
import { registerEventRoutes } from './events.js';
import { registerSessionRoutes } from './sessions.js';
import { registerStatsRoutes } from './stats.js';
import { registerHealthRoute, type HealthSources } from './health.js';
import { registerBlocksRoutes } from './blocks.js';

export function registerApi(server: FastifyInstance, store: Store, health: HealthSources): void {
  registerEventRoutes(server, store);
  registerSessionRoutes(server, store);
  registerStatsRoutes(server, store);
  registerBlocksRoutes(server, store);
  registerHealthRoute(server, health);
}
