/**
 * The SQLite exporter: durable storage. It provides the storage ports (the pipeline's batch
 * writer, the API's readers, the importer's checkpoints, the hooks receiver's tool-start lookup)
 * and runs the idle-session sweep, publishing the sessions it changes like any commit.
 */
import type { ExporterFactory } from '../../collector/core/component.js';
import type { StoragePorts } from '../../collector/core/storage.js';
import { openSqliteStorage } from './open.js';
import { classifyWriteError, ThreadedWriter } from './writer-thread.js';

export interface SqliteExporterConfig {
  path: string;
  /** Minutes without events before an active session is idle. */
  session_timeout_minutes: number;
  /** How often the idle sweep runs (ms). */
  sweep_interval_ms: number;
  /** Write on a thread of its own, so transactions never hold up HTTP answers. */
  writer_thread: boolean;
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
      writer_thread: {
        type: 'boolean',
        description: 'Write batches on a thread of their own (reads stay on the main thread), so a large transaction never delays an HTTP answer.',
      },
    },
  },
  defaultConfig: () => ({ path: './data/agentstats.db', session_timeout_minutes: 30, sweep_interval_ms: 30000, writer_thread: true }),
  async create(config, host) {
    const idleAfterMs = config.session_timeout_minutes * 60_000;
    const dbPath = config.path === ':memory:' ? ':memory:' : host.resolvePath(config.path);
    // Opening here creates and migrates the file before the writer thread opens it too.
    const store = openSqliteStorage(dbPath, { now: () => host.clock.now(), idleAfterMs }, { log: (msg, fields) => host.logger.info(msg, fields) });
    // An in-memory database cannot be shared with another thread: it is written where it lives.
    const threaded = config.writer_thread && dbPath !== ':memory:' ? new ThreadedWriter({ dbPath, idleAfterMs }) : null;
    try {
      await threaded?.ready;
    } catch (error) {
      store.close();
      throw error;
    }
    const local = store.ports.writer;
    const storage: StoragePorts = {
      ...store.ports,
      writer: threaded ?? {
        writeBatch(batch) {
          try {
            return local.writeBatch(batch);
          } catch (error) {
            throw classifyWriteError(error);
          }
        },
      },
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
      async shutdown() {
        clearInterval(sweep);
        await threaded?.close();
        store.close();
      },
    };
  },
};

export default factory;
