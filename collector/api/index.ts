/** The read API: routes hold no SQL, only calls on the storage's typed readers. */
import type { FastifyInstance } from 'fastify';
import type { StoragePorts } from '../core/storage.js';
import { registerEventRoutes } from './events.js';
import { registerSessionRoutes } from './sessions.js';
import { registerStatsRoutes } from './stats.js';
import { registerHealthRoute, type HealthSources } from './health.js';
import { registerBlocksRoutes } from './blocks.js';
import { registerExportRoutes } from './export.js';
import { registerToolRoutes } from './tools.js';
import { registerSearchRoutes } from './search.js';

export interface ApiSources extends HealthSources {
  /** A fact a component published (e.g. `pricing`), or null. */
  info(name: string): unknown;
}

export function registerApi(server: FastifyInstance, storage: StoragePorts, sources: ApiSources): void {
  registerEventRoutes(server, storage.events);
  registerSessionRoutes(server, storage.sessions, storage.events);
  registerStatsRoutes(server, storage.stats, (name) => sources.info(name));
  registerBlocksRoutes(server, storage.stats);
  registerExportRoutes(server, { stats: storage.stats, sessions: storage.sessions, tools: storage.toolUsage });
  registerToolRoutes(server, storage.tools);
  registerSearchRoutes(server, storage.search, storage.errors);
  registerHealthRoute(server, storage.events, sources);
}
