/**
 * Opens one better-sqlite3 connection (WAL, so the importer and readers can share the file with a
 * running server) and builds the storage ports over it: one small object per port, so each user
 * holds only the calls it needs.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SessionRow, StoragePorts } from '../../collector/core/storage.js';
import { migrate, tune } from './schema.js';
import { Writer, type WriterOptions } from './writer.js';
import { SqliteEventReader } from './events-reader.js';
import { SqliteSessionReader } from './sessions-reader.js';
import { SqliteUsageReader } from './usage-reader.js';
import { SqliteCheckpoints } from './imports.js';
import { SqliteToolStarts } from './tool-starts.js';
import { SqliteBudgets } from './budgets.js';
import { SqliteExportCursors } from './export-cursors.js';
import { SqliteMetricFeed, SqliteSpanFeed } from './telemetry-feed.js';
import { ToolUsage } from './tool-usage.js';
import { SqliteToolLatency } from './tool-latency.js';
import { IdleSweep } from './sessions.js';
import { InactiveSessions } from './session-sweep.js';
import { Pruner, type PruneRequest, type PruneStep } from './retention.js';
import { prepareDatabaseFiles, tightenSidecars, type ModeChange } from './file-modes.js';
import { backfillRollups } from './rollup-backfill.js';
import { SqliteSearchReader } from './search-reader.js';
import { SqliteErrorReader } from './errors-reader.js';
import { SearchIndexer } from './search-index.js';
import { noTurn, type WriteTurn } from './write-turn.js';

export interface SqliteStorage {
  ports: StoragePorts;
  /** Permissions tightened on open (files an older version left readable by others). */
  modeChanges: ModeChange[];
  /** Marks active sessions idle whose last event is older than `olderThan`; returns them. */
  markIdleSessions(olderThan: Date): SessionRow[];
  /** Ends active and idle sessions whose last event is older than `olderThan` (end_reason "inactive"). */
  endInactiveSessions(olderThan: Date): SessionRow[];
  /** One retention step on this connection (when there is no writer thread). */
  pruneStep(req: PruneRequest): PruneStep;
  /** The search indexer on this connection (used when there is no writer thread). */
  searchIndexer(): SearchIndexer;
  /**
   * Copies what the WAL holds into the main file without waiting for anyone (PASSIVE: frames an
   * open reader's snapshot still needs stay for a later call); returns the frames the WAL holds and
   * how many of them are now in the main file.
   */
  checkpoint(): { walFrames: number; copied: number };
  /** Checkpoints the WAL into the main file and closes the connection (idempotent). */
  close(): void;
}

/**
 * The named methods of `impl`, bound, on an object of their own: what a port's user gets, so the
 * connection and the other statements behind it stay out of reach (plugins are plain JS too).
 */
function only<T extends object, K extends keyof T>(impl: T, methods: readonly K[], writes: { names: readonly K[]; turn: WriteTurn } | null = null): Pick<T, K> {
  const port = {} as Pick<T, K>;
  for (const name of methods) {
    const method = impl[name];
    if (typeof method !== 'function') throw new TypeError(`storage port: ${String(name)} is not a method`);
    const bound = (method as (...args: unknown[]) => unknown).bind(impl);
    const turn = writes?.names.includes(name) ? writes.turn : null;
    port[name] = (turn ? (...args: unknown[]) => turn(() => bound(...args)) : bound) as T[K];
  }
  return Object.freeze(port);
}

/** `changed` after telling the writer that sessions changed behind it (when any did). */
function forgetting(writer: Writer, changed: SessionRow[]): SessionRow[] {
  if (changed.length > 0) writer.forgetSessions();
  return changed;
}

export interface OpenOptions {
  /** Progress of a long one-time step after an upgrade (rollup backfills). */
  log?(msg: string, fields?: Record<string, unknown>): void;
  /** How this connection's writes make room in a writer thread's stream of transactions (write-turn.ts). */
  writeTurn?: WriteTurn;
}

export function openSqliteStorage(dbPath: string, opts: WriterOptions, open: OpenOptions = {}): SqliteStorage {
  const file = dbPath === ':memory:' ? null : path.resolve(dbPath);
  // Owner-only before SQLite creates anything: its -wal and -shm files take the main file's mode.
  const modeChanges: ModeChange[] = file ? prepareDatabaseFiles(file) : [];
  const db = new Database(dbPath);
  try {
    tune(db);
    if (file) modeChanges.push(...tightenSidecars(file));
    migrate(db);
    // Before anything is written or read: ranges and day cuts read these rows.
    backfillRollups(db, { log: open.log ? (msg, fields) => open.log!(msg, fields) : undefined });
  } catch (error) {
    db.close();
    throw error;
  }
  const writer = new Writer(db, opts);
  const turn = open.writeTurn ?? noTurn;
  const sweep = new IdleSweep(db);
  const inactive = new InactiveSessions(db);
  let pruner: Pruner | null = null;
  let indexer: SearchIndexer | null = null;
  return {
    ports: {
      writer: only(writer, ['writeBatch']),
      events: only(new SqliteEventReader(db), ['listEvents', 'eventCount', 'maxSeq']),
      sessions: only(new SqliteSessionReader(db), ['listSessions', 'getSession', 'childSessions', 'listSpans']),
      stats: only(new SqliteUsageReader(db), [
        'usage',
        'timeline',
        'usageKeys',
        'sessionCounts',
        'toolDurations',
        'folded',
        'metricTotals',
        'billingBlocks',
      ]),
      toolUsage: only(new ToolUsage(db), ['toolUsage']),
      checkpoints: only(new SqliteCheckpoints(db), ['listImportFiles', 'saveImportFiles'], { names: ['saveImportFiles'], turn }),
      toolStarts: only(new SqliteToolStarts(db), ['toolStartMs']),
      budgets: only(new SqliteBudgets(db), [
        'listBudgets',
        'getBudget',
        'createBudget',
        'updateBudget',
        'deleteBudget',
        'recordAlert',
        'raisedThresholds',
        'listAlerts',
      ], { names: ['createBudget', 'updateBudget', 'deleteBudget', 'recordAlert'], turn }),
      exportCursors: only(new SqliteExportCursors(db), ['get', 'save'], { names: ['save'], turn }),
      spanFeed: only(new SqliteSpanFeed(db), ['after', 'newest']),
      metricFeed: only(new SqliteMetricFeed(db), ['after', 'newest']),
      tools: only(new SqliteToolLatency(db), ['toolLatency', 'toolCalls', 'latencyValueMs', 'latencyMaxError']),
      search: only(new SqliteSearchReader(db), ['search']),
      errors: only(new SqliteErrorReader(db), ['errorSummary', 'recentErrors']),
    },
    modeChanges,
    // The sweeps change sessions on the writer's own connection, which its data_version check misses.
    markIdleSessions: (olderThan) => forgetting(writer, turn(() => sweep.run(olderThan))),
    endInactiveSessions: (olderThan) => forgetting(writer, turn(() => inactive.endOlderThan(olderThan))),
    pruneStep: (req) => (pruner ??= new Pruner(db)).step(req),
    searchIndexer: () => (indexer ??= new SearchIndexer(db)),
    checkpoint() {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      return { walFrames: Math.max(0, row.log), copied: Math.max(0, row.checkpointed) };
    },
    close() {
      if (db.open) {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      }
    },
  };
}
