/**
 * The compiled writer thread (dist/), as the server runs it, on a fresh database file in a temp dir:
 * the schema is made by opening the storage once, then the thread opens the same file.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BatchWriter } from '../../collector/core/storage.js';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { makeTempDir, ROOT } from './server.js';

export type TestWriter = BatchWriter & { close(): Promise<void>; ready: Promise<void> };

const dist = (p: string) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href);

/** A writer thread on a new database; its folder is pushed onto `dirs` for the caller to remove. */
export async function openWriterThread(dirs: string[], extra: { turnFlag?: Int32Array } = {}): Promise<{ writer: TestWriter; dbPath: string }> {
  const dir = makeTempDir();
  dirs.push(dir);
  const dbPath = path.join(dir, 'agentstats.db');
  const { openSqliteStorage } = await dist('exporters/sqlite/open.js');
  openSqliteStorage(dbPath, { now: () => new Date(), idleAfterMs: 60_000 }).close(); // schema
  const { ThreadedWriter } = await dist('exporters/sqlite/writer-thread.js');
  const writer = new ThreadedWriter({ dbPath, idleAfterMs: 60_000, endAfterMs: 0, ...extra }) as TestWriter;
  await writer.ready;
  return { writer, dbPath };
}

let made = 0;
/** A valid API request event, `fields` over it: ids unique in the process, tokens_in too (to tell copies apart). */
export function testEvent(fields: Record<string, unknown> = {}): CanonicalEvent {
  const n = ++made;
  const r = validateEvent(
    { event_id: `ev-${n}`, session_id: 's1', agent_type: 'claude_code', event_type: 'api_request', model: 'm', tokens_in: n, client_timestamp: '2026-11-20T10:00:00Z', ...fields },
    { now: () => new Date('2026-11-20T10:00:01Z'), newId: () => `gen-${n}` },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
}
