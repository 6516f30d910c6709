/**
 * Only the user may read the database: it holds project names, commands and (when enabled)
 * prompts. Files are 0600 and folders AgentStats creates are 0700, like the hook spool.
 *
 * SQLite gives the -wal and -shm files the main file's permissions, so creating the main file
 * 0600 before SQLite opens it covers all three without touching the process umask (which worker
 * threads share). Files an older version left 0644 are tightened before the open, and the
 * sidecars once more after it (another process may have created them meanwhile).
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const SIDECARS = ['-wal', '-shm', '-journal'];

/** One permission change made, for the start-up notice. */
export interface ModeChange {
  path: string;
  from: number;
  to: number;
  /** Why the change could not be made (a file owned by someone else). */
  error?: string;
}

export function describeChanges(changes: ModeChange[]): string {
  return changes
    .map((c) => `${c.path} ${c.from.toString(8)} → ${c.to.toString(8)}${c.error ? ` (failed: ${c.error})` : ''}`)
    .join(', ');
}

/**
 * Before SQLite opens `dbPath`: creates missing folders 0700 and the file 0600; tightens an
 * existing database and its sidecars, and its folder when that folder holds nothing but them
 * (a folder with other files is the user's, e.g. their home: left as it is).
 */
export function prepareDatabaseFiles(dbPath: string): ModeChange[] {
  const changes: ModeChange[] = [];
  const folder = path.dirname(dbPath);
  if (!fs.existsSync(folder)) {
    // mkdir applies the mode (less the umask) to every level it creates.
    fs.mkdirSync(folder, { recursive: true, mode: DIR_MODE });
  } else if (onlyDatabaseFiles(folder, path.basename(dbPath))) {
    tighten(folder, DIR_MODE, changes);
  }
  try {
    fs.closeSync(fs.openSync(dbPath, 'wx', FILE_MODE)); // an empty file is an empty SQLite database
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    tighten(dbPath, FILE_MODE, changes);
  }
  changes.push(...tightenSidecars(dbPath));
  return changes;
}

/** After opening (and switching to WAL): the -wal/-shm files that exist, 0600. */
export function tightenSidecars(dbPath: string): ModeChange[] {
  const changes: ModeChange[] = [];
  for (const suffix of SIDECARS) tighten(dbPath + suffix, FILE_MODE, changes);
  return changes;
}

/** chmod when group or others have any access; a missing file is fine. */
function tighten(file: string, to: number, changes: ModeChange[]): void {
  let from: number;
  try {
    from = fs.statSync(file).mode & 0o777;
  } catch {
    return;
  }
  if ((from & 0o077) === 0) return;
  try {
    fs.chmodSync(file, from & to);
    changes.push({ path: file, from, to: from & to });
  } catch (error) {
    changes.push({ path: file, from, to: from & to, error: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

function onlyDatabaseFiles(folder: string, base: string): boolean {
  try {
    return fs.readdirSync(folder).every((name) => name === base || SIDECARS.some((s) => name === base + s));
  } catch {
    return false;
  }
}
