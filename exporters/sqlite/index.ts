/**
 * The SQLite exporter: durable storage. It provides the storage ports (the pipeline's batch
 * writer, the API's readers, the importer's checkpoints, the hooks receiver's tool-start lookup)
 * and runs the idle-session sweep, publishing the sessions it changes like any commit, and retention
 * (retention.ts), pruning raw rows in small transactions on the writer thread.
 */
import type { ExporterFactory } from '../../collector/core/component.js';
import type { StoragePorts } from '../../collector/core/storage.js';
import { SqliteStore } from './store.js';
import { ThreadedWriter } from './writer-thread.js';
import { Pruner } from './retention.js';
import { RetentionRunner, type RetentionSettings } from './retention-runner.js';

export interface SqliteExporterConfig extends RetentionSettings {
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
      retention_days: {
        type: 'number',
        minimum: 0,
        maximum: 36500,
        description:
          'Days of raw events, spans and metric points kept (decimals allowed); older ones are pruned in the background, checked every `sweep_interval_ms`. Sessions, totals, rollups and cost stay exact. 0 = keep forever.',
      },
      max_db_mb: {
        type: 'number',
        minimum: 0,
        description:
          'Size bound in MiB of pages in use: above it the oldest raw events, spans and metric points are pruned until the database is under it (the file keeps its size; SQLite reuses the pages). 0 = no bound.',
      },
      prune_batch_rows: { type: 'integer', minimum: 1, maximum: 1000, description: 'Most rows one prune transaction deletes (ingest and reads go on between them).' },
    },
  },
  defaultConfig: () => ({ path: './data/agentstats.db', session_timeout_minutes: 30, sweep_interval_ms: 30000, writer_thread: true, retention_days: 0, max_db_mb: 0, prune_batch_rows: 1000 }),
  async create(config, host) {
    const idleAfterMs = config.session_timeout_minutes * 60_000;
    const dbPath = config.path === ':memory:' ? ':memory:' : host.resolvePath(config.path);
    // Opening here creates and migrates the file before the writer thread opens it too.
    const store = new SqliteStore(dbPath, { now: () => host.clock.now(), idleAfterMs });
    // An in-memory database cannot be shared with another thread: it is written where it lives.
    const threaded = config.writer_thread && dbPath !== ':memory:' ? new ThreadedWriter({ dbPath, idleAfterMs }) : null;
    try {
      await threaded?.ready;
    } catch (error) {
      store.close();
      throw error;
    }
    const storage: StoragePorts = {
      writer: threaded ?? store,
      events: store,
      sessions: store,
      stats: store,
      checkpoints: store,
      toolStarts: store,
    };
    // Retention prunes on the writer thread when there is one (a single writer), else on the one connection.
    const pruner = threaded ? null : new Pruner(store.db);
    const retention = new RetentionRunner({
      settings: config,
      step: (req) => (threaded ? threaded.prune(req) : pruner!.step(req)),
      now: () => host.clock.now().getTime(),
      logger: host.logger,
    });
    let sweep: NodeJS.Timeout | undefined;
    return {
      storage,
      start() {
        sweep = setInterval(() => {
          const idle = store.markIdleSessions(new Date(host.clock.now().getTime() - idleAfterMs));
          if (idle.length > 0) host.publish({ events: [], sessions: idle });
        }, config.sweep_interval_ms);
        sweep.unref();
        retention.start(config.sweep_interval_ms);
      },
      async shutdown() {
        clearInterval(sweep);
        await retention.stop();
        await threaded?.close();
        store.close();
      },
    };
  },
};

export default factory;
