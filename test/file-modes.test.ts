/**
 * Issue 10 point 10: the database, its -wal/-shm files and the data folder hold project names,
 * commands and (when enabled) prompts, so only the user may read them: files 0600, folder 0700,
 * from the first start, and files left readable by an older version are tightened on start.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';

const mode = (file: string) => statSync(file).mode & 0o777;
const octal = (file: string) => mode(file).toString(8);

function ev(sessionId: string) {
  return { session_id: sessionId, agent_type: 'claude_code', event_type: 'user_prompt', cwd: '/home/u/secret-project' };
}

/** The modes of the database, its WAL files and its folder, as octal strings. */
function modes(dbPath: string): Record<string, string> {
  return {
    folder: octal(path.dirname(dbPath)),
    db: octal(dbPath),
    wal: octal(`${dbPath}-wal`),
    shm: octal(`${dbPath}-shm`),
  };
}

const PRIVATE = { folder: '700', db: '600', wal: '600', shm: '600' };

describe('database file modes', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.cleanup();
    server = null;
  });

  it('creates the data folder 0700 and the database, -wal and -shm 0600, and keeps them so after writes', async () => {
    const dir = makeTempDir();
    const dbPath = path.join(dir, 'data', 'nested', 'agentstats.db');
    server = await startTestServer({ dir, env: { AGENTSTATS_DB_PATH: dbPath } });
    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    expect(modes(dbPath)).toEqual(PRIVATE);
    expect(octal(path.join(dir, 'data'))).toBe('700'); // every folder it created

    expect((await server.post('/api/events', ev('modes-1'))).status).toBe(201);
    expect(modes(dbPath)).toEqual(PRIVATE);
    // Nothing to tighten on a fresh database: no notice.
    expect(server.output()).not.toContain('tightened');
  });

  it('tightens a database, its WAL files and its own folder left readable by an older version, and says so once', async () => {
    const dir = makeTempDir();
    const folder = path.join(dir, 'data');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const dbPath = path.join(folder, 'agentstats.db');
    // What the first build left: a 0644 database (umask 022) with its WAL files from a crash.
    const old = new Database(dbPath);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE leftover (x)');
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) chmodSync(f, 0o644);
    expect(modes(dbPath)).toEqual({ folder: '755', db: '644', wal: '644', shm: '644' });

    server = await startTestServer({ dir, env: { AGENTSTATS_DB_PATH: dbPath } });
    old.close();
    expect(modes(dbPath)).toEqual(PRIVATE);
    const notices = server.output().split('\n').filter((line) => line.includes('tightened'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(dbPath);
    expect(notices[0]).toContain(folder);

    expect((await server.post('/api/events', ev('modes-2'))).status).toBe(201);
    expect(modes(dbPath)).toEqual(PRIVATE);

    server = await server.restart();
    expect(server.output()).not.toContain('tightened'); // already private: nothing to say
  });

  it('leaves a folder that holds other files as it is (the user chose it), but still tightens the database', async () => {
    const dir = makeTempDir();
    const folder = path.join(dir, 'shared');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    writeFileSync(path.join(folder, 'notes.txt'), 'the user keeps other things here');
    const dbPath = path.join(folder, 'agentstats.db');
    writeFileSync(dbPath, '');
    chmodSync(dbPath, 0o644);

    server = await startTestServer({ dir, env: { AGENTSTATS_DB_PATH: dbPath } });
    expect(octal(folder)).toBe('755');
    expect(mode(dbPath)).toBe(0o600);
    expect(mode(`${dbPath}-wal`)).toBe(0o600);
  });
});
