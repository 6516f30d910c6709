/**
 * The SQLite exporter: durable storage. It provides the storage ports (the pipeline's batch
 * writer, the API's readers, the importer's checkpoints, the hooks receiver's tool-start lookup)
 * and runs the idle-session sweep, publishing the sessions it changes like any commit.
 */
import type { ExporterFactory } from '../../collector/core/component.js';
import type { StoragePorts } from '../../collector/core/storage.js';
import { SqliteStore } from './store.js';
import { describeChanges } from './file-modes.js';

export interface SqliteExporterConfig {
  path: string;
  /** Minutes without events before an active session is idle. */
  session_timeout_minutes: number;
  /** How often the idle sweep runs (ms). */
  sweep_interval_ms: number;
}

const factory: ExporterFactory<SqliteExporterConfig> = {
  kind: 'exporter',
  type: 'sqlite',
  description: 'Stores events, sessions, spans, metric points and rollups in one SQLite file (WAL).',
  needsHttp: false,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1, description: 'Database file (created with its folder; relative to the config file).' },
      session_timeout_minutes: {
        type: 'number',
        minimum: 0.001,
        maximum: 525600,
        description: 'Minutes without events before a session is `idle` (decimals allowed).',
      },
      sweep_interval_ms: { type: 'integer', minimum: 10, maximum: 3600000, description: 'How often the idle sweep runs.' },
    },
  },
  defaultConfig: () => ({ path: './data/agentstats.db', session_timeout_minutes: 30, sweep_interval_ms: 30000 }),
  create(config, host) {
    const idleAfterMs = config.session_timeout_minutes * 60_000;
    const store = new SqliteStore(config.path === ':memory:' ? ':memory:' : host.resolvePath(config.path), {
      now: () => host.clock.now(),
      idleAfterMs,
    });
    if (store.modeChanges.length > 0) {
      host.logger.warn(`database permissions tightened to owner-only: ${describeChanges(store.modeChanges)}`);
    }
    const storage: StoragePorts = {
      writer: store,
      events: store,
      sessions: store,
      stats: store,
      checkpoints: store,
      toolStarts: store,
    };
    let sweep: NodeJS.Timeout | undefined;
    return {
      storage,
      start() {
        sweep = setInterval(() => {
          const idle = store.markIdleSessions(new Date(host.clock.now().getTime() - idleAfterMs));
          if (idle.length > 0) host.publish({ events: [], sessions: idle });
        }, config.sweep_interval_ms);
        sweep.unref();
      },
      shutdown() {
        clearInterval(sweep);
        store.close();
      },
    };
  },
};

export default factory;
