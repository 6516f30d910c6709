/**
 * The hook spool: JSON lines {agent, body, spooled_at} appended by the hook command while the
 * server cannot be reached (and by this receiver when it cannot store a post). Replay takes the
 * file away first (rename), waits a moment for appends already under way to land in the renamed
 * file, then reads it line by line; new hook calls meanwhile start a fresh spool file. A replay
 * that fails keeps its renamed file, and the next replay picks it up again. Event ids are
 * deterministic, so lines replayed twice are stored once.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
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
  return stats;
}
