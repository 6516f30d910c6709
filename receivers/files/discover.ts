/**
 * Where the history files are, and which of them to read in what order.
 *   Claude Code: $CLAUDE_CONFIG_DIR/projects (comma-separated list allowed), ~/.claude/projects,
 *                ~/.config/claude/projects — scanned recursively (subagent files live in
 *                <session>/subagents/).
 *   Codex:       ${CODEX_HOME:-~/.codex}/sessions and archived_sessions.
 */
import { existsSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { ClaudeFileContext } from './claude.js';
import type { FileKind } from './parse-worker.js';

export interface FoundFile {
  path: string;
  kind: FileKind;
  size: number;
  mtimeMs: number;
  stem: string;
  subagent: ClaudeFileContext['subagent'];
}

type Env = Record<string, string | undefined>;

function home(env: Env): string {
  return env.HOME ?? env.USERPROFILE ?? '.';
}

export function defaultRoots(kind: FileKind, env: Env = process.env): string[] {
  if (kind === 'claude-code') {
    const fromEnv = (env.CLAUDE_CONFIG_DIR ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => path.join(d, 'projects'));
    return [...fromEnv, path.join(home(env), '.claude', 'projects'), path.join(home(env), '.config', 'claude', 'projects')];
  }
  const codexHome = env.CODEX_HOME?.trim() || path.join(home(env), '.codex');
  return [path.join(codexHome, 'sessions'), path.join(codexHome, 'archived_sessions')];
}

/** Subagent transcripts: <session-id>/subagents/…/agent-<id>.jsonl, or the older agent-<id>.jsonl. */
export function claudeSubagent(filePath: string): ClaudeFileContext['subagent'] {
  const stem = path.basename(filePath, '.jsonl');
  const parts = filePath.split(/[\\/]+/);
  const at = parts.lastIndexOf('subagents');
  const agentId = stem.startsWith('agent-') ? stem.slice('agent-'.length) : stem;
  if (at > 0) return { parentSessionId: parts[at - 1] || null, agentId };
  if (stem.startsWith('agent-')) return { parentSessionId: null, agentId };
  return null;
}

// Synchronous calls in small chunks with a yield between them: thousands of promise round trips
// through the thread pool took 60–180 ms for 2,000 files; this takes ~20, and blocks the event
// loop (a running server) for a chunk at most.
const CHUNK = 256;
const yieldLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const noYield = () => Promise.resolve();

export interface DiscoverOptions {
  /**
   * false: one pass without yielding to the event loop — for a run-once import, which has no
   * clients to answer: its search then takes its own time, not that of whatever ran between chunks.
   */
  yieldToLoop?: boolean;
}

async function walk(root: string, out: string[], pause: () => Promise<void>): Promise<void> {
  const dirs = [root];
  let sinceYield = 0;
  while (dirs.length > 0) {
    const dir = dirs.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable: nothing to import there
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(full);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) out.push(full);
    }
    dirs.push(...subdirs.reverse());
    sinceYield += entries.length;
    if (sinceYield >= CHUNK) {
      sinceYield = 0;
      await pause();
    }
  }
}

/** Every .jsonl under the roots that exist, with size and mtime, in import order. */
export async function discover(kind: FileKind, roots: string[], { yieldToLoop = true }: DiscoverOptions = {}): Promise<FoundFile[]> {
  const pause = yieldToLoop ? yieldLoop : noYield;
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const real = realpathSync(root);
    if (seen.has(real)) continue;
    seen.add(real);
    await walk(root, paths, pause);
  }
  const files: FoundFile[] = [];
  for (let i = 0; i < paths.length; i += CHUNK) {
    if (i > 0) await pause();
    paths.slice(i, i + CHUNK).forEach((p) => {
      let st: Stats | undefined;
      try {
        st = statSync(p);
      } catch {
        return; // vanished or unreadable since the walk
      }
      files.push({
        path: p,
        kind,
        size: st.size,
        mtimeMs: st.mtimeMs,
        stem: path.basename(p, '.jsonl'),
        subagent: kind === 'claude-code' ? claudeSubagent(p) : null,
      });
    });
  }
  return sortForImport(files);
}

/** Every history file of each source, in the sources' order (what runImport finds when not given `files`). */
export async function discoverAll(sources: ReadonlyArray<{ kind: FileKind; roots: string[] }>, options: DiscoverOptions = {}): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const source of sources) found.push(...(await discover(source.kind, source.roots, options)));
  return found;
}

/**
 * Main transcripts before subagent files, so a message replayed in a side-question log is recorded
 * in its own session; Codex rollouts by name (their names start with the start time), so a parent
 * is imported before the forks that copy its history.
 */
export function sortForImport(files: FoundFile[]): FoundFile[] {
  return files.sort((a, b) => {
    const sa = a.subagent ? 1 : 0;
    const sb = b.subagent ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const byName = path.basename(a.path).localeCompare(path.basename(b.path));
    return byName !== 0 ? byName : a.path.localeCompare(b.path);
  });
}
