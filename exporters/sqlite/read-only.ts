/**
 * The database opened read-only for the `agentstats` CLI (reports and the statusline when the server
 * is not answering): the same StatsReader and SessionReader the API reads through, on a connection
 * that cannot write, migrate or checkpoint. A file whose schema is not the one this code reads is
 * refused with what to do, rather than read wrongly.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { SessionReader, StatsReader } from '../../collector/core/storage.js';
import { SCHEMA_VERSION } from './schema.js';
import { SqliteUsageReader } from './usage-reader.js';
import { SqliteSessionReader } from './sessions-reader.js';

export interface ReadOnlyStore {
  stats: StatsReader;
  sessions: Pick<SessionReader, 'listSessions' | 'getSession'>;
  close(): void;
}

export class DatabaseUnavailableError extends Error {}

export function openReadOnlyStore(dbPath: string): ReadOnlyStore {
  if (!existsSync(dbPath)) throw new DatabaseUnavailableError(`no database at ${dbPath}`);
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot open ${dbPath} read-only: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    db.pragma('busy_timeout = 2000');
    // See schema.ts tune(): a mapped page that cannot be read would kill the process.
    db.pragma('mmap_size = 0');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < SCHEMA_VERSION) {
      throw new DatabaseUnavailableError(
        `${dbPath} has schema version ${version}, this AgentStats reads ${SCHEMA_VERSION}: start the server once (npm start) to upgrade it`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new DatabaseUnavailableError(`${dbPath} was written by a newer AgentStats (schema ${version}, this one reads ${SCHEMA_VERSION}): update AgentStats`);
    }
    const pending = db.prepare('SELECT COUNT(*) AS n FROM rollup_backfill').get() as { n: number };
    if (pending.n > 0) {
      throw new DatabaseUnavailableError(`${dbPath} is still building its rollups after an upgrade: start the server (npm start) and let it finish`);
    }
    const sessions = new SqliteSessionReader(db);
    return {
      stats: new SqliteUsageReader(db),
      sessions: { listSessions: (q) => sessions.listSessions(q), getSession: (id) => sessions.getSession(id) },
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
