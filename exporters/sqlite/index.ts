/**
 * The SQLite exporter: durable storage. It provides the storage ports (the pipeline's batch
 * writer, the API's readers, the importer's checkpoints, the hooks receiver's tool-start lookup)
 * and runs the inactivity sweep (active → idle → ended), publishing the sessions it changes like
 * any commit, and retention (retention.ts), pruning raw rows in small transactions on the writer.
 */
import type { ExporterFactory } from '../../collector/core/component.js';
import type { StoragePorts } from '../../collector/core/storage.js';
import { openSqliteStorage } from './open.js';
import { classifyWriteError, ThreadedWriter } from './writer-thread.js';
import { sharedWriteTurn } from './write-turn.js';
import { describeChanges } from './file-modes.js';
import { RetentionRunner, type RetentionSettings } from './retention-runner.js';
import { DEFAULT_DB_PATH } from './defaults.js';
import { IndexScheduler } from './search-index.js';
import { copyWalMeanwhile } from './wal-copy.js';

export interface SqliteExporterConfig extends RetentionSettings {
  path: string;
  /** Minutes without events before an active session is idle. */
  session_timeout_minutes: number;
  /** Minutes without events before a session without an end event is ended (0: never). */
  end_after_minutes: number;
  /** How often the inactivity sweep runs (ms). */
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
      path: { type: 'string', minLength: 1, description: 'Database file (created 0600 with its folder 0700; relative to the config file).' },
      session_timeout_minutes: {
        type: 'number',
        minimum: 0.001,
        maximum: 525600,
        description: 'Minutes without events before a session is `idle` (decimals allowed).',
      },
      end_after_minutes: {
        type: 'number',
        minimum: 0,
        maximum: 525600,
        description: 'Minutes without events before a session is `ended` (end_reason `inactive`; its next event makes it active again); 0 = never. Decimals allowed.',
      },
      sweep_interval_ms: { type: 'integer', minimum: 10, maximum: 3600000, description: 'How often the inactivity sweep (idle, ended) runs.' },
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
  defaultConfig: () => ({
    path: DEFAULT_DB_PATH,
    session_timeout_minutes: 30,
    end_after_minutes: 240,
    sweep_interval_ms: 30000,
    writer_thread: true,
    retention_days: 0,
    max_db_mb: 0,
    prune_batch_rows: 1000,
  }),
  async create(config, host) {
    const idleAfterMs = config.session_timeout_minutes * 60_000;
    const endAfterMs = config.end_after_minutes * 60_000;
    const dbPath = config.path === ':memory:' ? ':memory:' : host.resolvePath(config.path);
    // Opening here creates (owner-only) and migrates the file before the writer thread opens it too.
    // An in-memory database cannot be shared with another thread: it is written where it lives.
    const onThread = config.writer_thread && dbPath !== ':memory:';
    const turn = onThread ? sharedWriteTurn() : null;
    const store = openSqliteStorage(
      dbPath,
      { now: () => host.clock.now(), idleAfterMs, endAfterMs },
      { log: (msg, fields) => host.logger.info(msg, fields), writeTurn: turn?.take },
    );
    if (store.modeChanges.length > 0) {
      host.logger.warn(`database permissions tightened to owner-only: ${describeChanges(store.modeChanges)}`);
    }
    const threaded = turn ? new ThreadedWriter({ dbPath, idleAfterMs, endAfterMs, turnFlag: turn.flag }) : null;
    // Awaited in start(): the thread loads while the other components are built (a run-once import
    // looks for its files meanwhile). Batches sent before it is ready wait in its queue.
    threaded?.ready.catch(() => undefined); // not unhandled if the build fails before start()
    const local = store.ports.writer;
    const warnIndex = (msg: string) => host.logger.warn(msg);
    if (threaded) threaded.onLog = warnIndex;
    // Without a writer thread the search index follows the events on this connection.
    let indexing: IndexScheduler | null = null;
    const storage: StoragePorts = {
      ...store.ports,
      writer: threaded ?? {
        takesPacked: true, // the connection's Writer unpacks them
        writeBatch(batch) {
          try {
            const result = local.writeBatch(batch);
            if (result instanceof Promise) return result;
            if (result.inserted.length > 0) indexing?.kick();
            return result;
          } catch (error) {
            throw classifyWriteError(error);
          }
        },
      },
    };
    // Retention prunes on the writer thread when there is one (a single writer), else on the one connection.
    const retention = new RetentionRunner({
      settings: config,
      step: (req) => (threaded ? threaded.prune(req) : store.pruneStep(req)),
      now: () => host.clock.now().getTime(),
      logger: host.logger,
    });
    let sweep: NodeJS.Timeout | undefined;
    return {
      storage,
      async start() {
        // A thread that could not open the database fails the start (shutdown() then closes the store).
        await threaded?.ready;
        sweep = setInterval(() => {
          const now = host.clock.now().getTime();
          try {
            // Ending first: a session past both limits is published once, as ended.
            const ended = endAfterMs > 0 ? store.endInactiveSessions(new Date(now - endAfterMs)) : [];
            const idle = store.markIdleSessions(new Date(now - idleAfterMs));
            if (ended.length + idle.length > 0) host.publish({ events: [], sessions: [...ended, ...idle] });
          } catch (error) {
            // Disk full, locked by another process past busy_timeout: the next sweep tries again.
            host.logger.warn(`session sweep: ${(error as Error).message}; trying again in ${config.sweep_interval_ms} ms`);
          }
        }, config.sweep_interval_ms);
        sweep.unref();
        retention.start(config.sweep_interval_ms);
        if (!threaded) {
          indexing = new IndexScheduler(store.searchIndexer(), (error) => warnIndex(`search index: paused until the next try: ${(error as Error).message}`));
        }
      },
      async shutdown() {
        clearInterval(sweep);
        indexing?.stop();
        await retention.stop();
        // A run-once import ends with the search index complete; a server's catches up at its next start.
        const finishIndex = host.runMode === 'once';
        // While the writer thread finishes the index, this connection copies the WAL into the main
        // file: the close's own checkpoint then has only the index's last pages left to copy, and a
        // run-once import's shutdown is 20–50 ms shorter (docs/benchmarks.md, seventh round).
        const copying =
          finishIndex && threaded
            ? copyWalMeanwhile(
                () => store.checkpoint(),
                (error) => host.logger.debug('WAL copy while closing stopped; the close checkpoints', { error: String(error) }),
              )
            : null;
        try {
          await threaded?.close(finishIndex);
          if (finishIndex && !threaded) indexing?.finish();
        } finally {
          copying?.stop();
          store.close(); // also when the writer thread failed (it may have failed while starting)
        }
      },
    };
  },
};

export default factory;
