/**
 * The SQLite exporter: durable storage, and the Store the API reads from.
 */
import type { ExporterFactory } from '../../collector/component.js';
import { SqliteStore } from './store.js';

export interface SqliteExporterConfig {
  /** Overrides AGENTSTATS_DB_PATH when set. */
  path?: string;
}

const factory: ExporterFactory<SqliteExporterConfig> = {
  kind: 'exporter',
  type: 'sqlite',
  defaultConfig: () => ({}),
  create(config, ctx) {
    const store = new SqliteStore(config.path ?? ctx.app.dbPath, {
      now: () => ctx.clock.now(),
      idleAfterMs: ctx.app.sessionTimeoutMinutes * 60_000,
    });
    return { store, shutdown: () => store.close() };
  },
};

export default factory;
