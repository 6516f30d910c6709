/**
 * The hook spool, in two forms:
 * - JSON lines {agent, body, spooled_at} in the spool file, appended by this receiver when it cannot
 *   store a post (and by hook commands of earlier versions). Replay takes the file away first
 *   (rename), waits a moment for appends already under way to land in the renamed file, then reads
 *   it line by line; new appends meanwhile start a fresh file. A replay that fails keeps its renamed
 *   file, and the next replay picks it up again.
 * - One file per event in the spool directory (the spool path without ".jsonl", plus ".d"), written
 *   by the hook commands: `<agent>.<unique>.json` holds the body's exact bytes, its mtime is the
 *   time it was spooled. A hook writes it under a hidden name (".<agent>…") and renames it only
 *   when the server did not take the event, so a visible file is always complete; a hidden one
 *   older than ORPHAN_MS was left by a killed hook and is replayed too. Each file is deleted once
 *   submitted.
 * Event ids are deterministic, so an event replayed twice (or delivered and replayed) is stored once.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { isHookAgent, type HookAgent } from './types.js';

export interface SpoolLine {
  agent: HookAgent;
  /** The hook body exactly as the agent wrote it. */
  raw: string;
  spooledAt: string | null;
}

export interface ReplayStats {
  files: number;
  lines: number;
  badLines: number;
}

/** Time given to a hook command that opened the spool just before the rename to finish its write. */
const SETTLE_MS = 50;
const REPLAY_MARK = '.replay-';
/** A hidden per-event file this old belongs to no running hook (they give up within ~1 s). */
const ORPHAN_MS = 60_000;
/** Per-event files submitted together (bodies can be large: bounded by count and bytes). */
const DIR_CHUNK_BYTES = 8 * 1024 * 1024;
const EVENT_FILE = /^\.?(claude-code|codex|gemini-cli)\.[^/]+\.json$/;

/**
 * The time a hook command wrote the event to its spool file (header X-AgentStats-Hook-Time, ms since
 * the epoch), sent when it delivers in the background: posts can then overtake each other without
 * changing the events' order. Believed only near the receipt time; null otherwise.
 */
export function hookTimeOf(header: unknown, receivedAt: Date): string | null {
  if (typeof header !== 'string' || !/^\d{12,14}$/.test(header)) return null;
  const ms = Number(header);
  const received = receivedAt.getTime();
  return ms > received - 3_600_000 && ms < received + 60_000 ? new Date(ms).toISOString() : null;
}

/** The per-event spool directory that belongs to a spool file: `hook-spool.jsonl` → `hook-spool.d`. */
export function spoolDirOf(spoolPath: string): string {
  return spoolPath.replace(/\.jsonl$/, '') + '.d';
}

export async function appendToSpool(spoolPath: string, agent: HookAgent, raw: string, at: Date): Promise<void> {
  await mkdir(path.dirname(spoolPath), { recursive: true, mode: 0o700 });
  const line = JSON.stringify({ agent, body: raw, spooled_at: at.toISOString() }) + '\n';
  await appendFile(spoolPath, line, { mode: 0o600 });
}

export function parseSpoolLine(line: string): SpoolLine | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { agent, body, spooled_at: spooledAt } = value as Record<string, unknown>;
  if (!isHookAgent(agent)) return null;
  // The hook command stores the raw text; an object (hand-written spool) is taken as its JSON.
  const raw = typeof body === 'string' ? body : typeof body === 'object' && body !== null ? JSON.stringify(body) : null;
  if (raw === null) return null;
  return { agent, raw, spooledAt: typeof spooledAt === 'string' ? spooledAt : null };
}

/** Renames the live spool (if any) and lists every file waiting for replay, oldest first. */
async function claimFiles(spoolPath: string): Promise<string[]> {
  const dir = path.dirname(spoolPath);
  const base = path.basename(spoolPath);
  let claimed = false;
  try {
    const info = await stat(spoolPath);
    if (info.size > 0) {
      await rename(spoolPath, path.join(dir, `${base}${REPLAY_MARK}${Date.now()}-${process.pid}`));
      claimed = true;
    }
  } catch {
    // no spool file: nothing new to claim
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files = names.filter((n) => n.startsWith(base + REPLAY_MARK)).sort();
  if (claimed) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return files.map((n) => path.join(dir, n));
}

/**
 * Replays every waiting spool file through `submit`, in order, in chunks of lines. A file is
 * deleted only after all its lines were submitted; the first failure stops the replay.
 */
export async function replaySpool(
  spoolPath: string,
  submit: (lines: SpoolLine[]) => Promise<void>,
  chunkLines = 500,
): Promise<ReplayStats> {
  const stats: ReplayStats = { files: 0, lines: 0, badLines: 0 };
  for (const file of await claimFiles(spoolPath)) {
    const input = createReadStream(file, { encoding: 'utf8' });
    const reader = createInterface({ input, crlfDelay: Infinity });
    let chunk: SpoolLine[] = [];
    try {
      for await (const text of reader) {
        if (text.trim() === '') continue;
        const line = parseSpoolLine(text);
        if (!line) {
          stats.badLines++;
          continue;
        }
        chunk.push(line);
        stats.lines++;
        if (chunk.length >= chunkLines) {
          await submit(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) await submit(chunk);
    } finally {
      reader.close();
      input.destroy();
    }
    await unlink(file);
    stats.files++;
  }
  await replayDir(spoolDirOf(spoolPath), submit, chunkLines, stats);
  return stats;
}

interface EventFile {
  file: string;
  agent: HookAgent;
  mtimeMs: number;
  size: number;
}

/** The per-event files ready for replay, oldest first. */
async function eventFiles(dir: string): Promise<EventFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: EventFile[] = [];
  const now = Date.now();
  for (const name of names) {
    const match = EVENT_FILE.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (name.startsWith('.') && now - info.mtimeMs < ORPHAN_MS) continue; // a hook is still on it
      found.push({ file, agent: match[1] as HookAgent, mtimeMs: info.mtimeMs, size: info.size });
    } catch {
      // gone meanwhile (its hook delivered it after all)
    }
  }
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : 1));
}

/** Replays the per-event files, in chunks; each chunk's files are deleted once it was submitted. */
async function replayDir(
  dir: string,
  submit: (lines: SpoolLine[]) => Promise<void>,
  chunkLines: number,
  stats: ReplayStats,
): Promise<void> {
  let chunk: SpoolLine[] = [];
  let files: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length > 0) await submit(chunk);
    for (const file of files) await unlink(file).catch(() => undefined);
    stats.files += files.length;
    chunk = [];
    files = [];
    bytes = 0;
  };
  for (const entry of await eventFiles(dir)) {
    let raw: string;
    try {
      raw = await readFile(entry.file, 'utf8');
    } catch {
      continue; // removed meanwhile
    }
    files.push(entry.file);
    if (raw.trim() === '') {
      stats.badLines++;
      continue;
    }
    chunk.push({ agent: entry.agent, raw, spooledAt: new Date(entry.mtimeMs).toISOString() });
    stats.lines++;
    bytes += entry.size;
    if (chunk.length >= chunkLines || bytes >= DIR_CHUNK_BYTES) await flush();
  }
  await flush();
}
