/**
 * The git branch of a hook's cwd, read from <repo>/.git/HEAD (a worktree's .git file points to its
 * own HEAD). Never spawns git. The cwd comes from the request body, so every path is hostile until
 * proven otherwise: only small regular files are read (stat before open, fstat after, at most
 * MAX_FILE_BYTES), with O_NONBLOCK so a FIFO can never block, through the async fs API so nothing
 * runs on the event loop, and with a bounded number of lookups in flight so a hanging file system
 * cannot take the whole libuv thread pool. Answers are cached per cwd for a while; callers wait for
 * a lookup at most `waitMs` (branchOf) and get null when it is slower — the lookup still finishes
 * and fills the cache for the next event of that session.
 */
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';

const MAX_DEPTH = 40;
/** A HEAD is ~50 bytes, a worktree's .git file ~100; anything larger is not what we look for. */
export const MAX_FILE_BYTES = 4096;
/** Longest cwd looked up (the event contract's path limit). */
const MAX_CWD = 4096;
/** Flags for opening a file we are about to read: never block (FIFO), never become a terminal's owner. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0);

export interface BranchResolverOptions {
  /** How long an answer is cached per cwd (ms). */
  ttlMs?: number;
  maxEntries?: number;
  /** Longest a caller waits for an uncached lookup (ms) before going on without a branch. */
  waitMs?: number;
  /** Lookups in flight at once; more are answered null right away (and not cached). */
  maxInFlight?: number;
  now?: () => number;
}

export class BranchResolver {
  private readonly cache = new Map<string, { branch: string | null; until: number }>();
  private readonly inFlight = new Map<string, Promise<string | null>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly waitMs: number;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(opts: BranchResolverOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.maxEntries = opts.maxEntries ?? 500;
    this.waitMs = opts.waitMs ?? 50;
    // libuv's pool has 4 threads (gzip, fs, dns share it): a hung file system may hold 2, never all.
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.now = opts.now ?? Date.now;
  }

  /** The branch, or null (no repo, unreadable, or not known within waitMs). Never rejects. */
  async branchOf(cwd: string | null): Promise<string | null> {
    if (!usableCwd(cwd)) return null;
    const hit = this.cache.get(cwd);
    if (hit && hit.until > this.now()) return hit.branch;
    const lookup = this.lookup(cwd);
    if (lookup === null) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.waitMs)));
    try {
      return await Promise.race([lookup, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One lookup per cwd at a time; null when too many are in flight already. */
  private lookup(cwd: string): Promise<string | null> | null {
    const running = this.inFlight.get(cwd);
    if (running) return running;
    if (this.inFlight.size >= this.maxInFlight) return null;
    const promise = readBranch(cwd)
      .catch(() => null)
      .then((branch) => {
        this.inFlight.delete(cwd);
        this.cache.delete(cwd);
        if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(cwd, { branch, until: this.now() + this.ttlMs });
        return branch;
      });
    this.inFlight.set(cwd, promise);
    return promise;
  }
}

function usableCwd(cwd: string | null): cwd is string {
  return !!cwd && cwd.length <= MAX_CWD && !cwd.includes('\0') && path.isAbsolute(cwd);
}

/** Walks up from dir to the first .git (directory or worktree file) and reads its HEAD. */
export async function readBranch(dir: string): Promise<string | null> {
  if (!usableCwd(dir)) return null;
  let current = path.resolve(dir);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const head = await headAt(current);
    if (head !== undefined) return head;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
  return null;
}

/** undefined: no .git here; null: a .git whose HEAD cannot be read. */
async function headAt(dir: string): Promise<string | null | undefined> {
  const gitPath = path.join(dir, '.git');
  const kind = await kindOf(gitPath);
  if (kind === 'none') return undefined;
  if (kind === 'dir') return parseHead(await readSmallFile(path.join(gitPath, 'HEAD')));
  if (kind !== 'file') return null;
  const gitFile = await readSmallFile(gitPath);
  if (gitFile === null) return null;
  const match = /^gitdir:\s*(.+)\s*$/m.exec(gitFile);
  if (!match) return null;
  const gitDir = path.resolve(dir, match[1].trim());
  if ((await kindOf(gitDir)) !== 'dir') return null;
  return parseHead(await readSmallFile(path.join(gitDir, 'HEAD')));
}

async function kindOf(file: string): Promise<'none' | 'dir' | 'file' | 'other'> {
  try {
    const stat = await fsp.stat(file);
    return stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * The text of a small regular file, or null. Checked before opening (a device or FIFO is never even
 * opened) and again on the open descriptor (the path may have been swapped in between); reads at
 * most MAX_FILE_BYTES whatever the file claims.
 */
export async function readSmallFile(file: string, maxBytes = MAX_FILE_BYTES): Promise<string | null> {
  try {
    const before = await fsp.stat(file);
    if (!before.isFile() || before.size > maxBytes) return null;
    const handle = await fsp.open(file, OPEN_FLAGS);
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > maxBytes) return null;
      const buffer = Buffer.alloc(maxBytes + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return bytesRead > maxBytes ? null : buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

function parseHead(text: string | null): string | null {
  if (text === null) return null;
  const ref = /^ref:\s*refs\/heads\/(.+)$/m.exec(text.trim());
  if (ref) return ref[1].trim().slice(0, 256);
  const sha = text.trim();
  // Detached HEAD: the commit, shortened as git does.
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : null;
}
