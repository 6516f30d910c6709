/**
 * The git branch of a hook's cwd, read from <repo>/.git/HEAD (a worktree's .git file points to its
 * own HEAD). Never spawns git. Answers are cached per cwd for a short while, so a burst of hooks
 * from one session costs one or two small file reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MAX_DEPTH = 40;

export class BranchResolver {
  private readonly cache = new Map<string, { branch: string | null; until: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 500,
    private readonly now: () => number = Date.now,
  ) {}

  branchOf(cwd: string | null): string | null {
    if (!cwd || !path.isAbsolute(cwd)) return null;
    const t = this.now();
    const hit = this.cache.get(cwd);
    if (hit && hit.until > t) return hit.branch;
    const branch = readBranch(cwd);
    this.cache.delete(cwd);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cwd, { branch, until: t + this.ttlMs });
    return branch;
  }
}

/** Walks up from dir to the first .git (directory or worktree file) and reads its HEAD. */
export function readBranch(dir: string): string | null {
  let current = path.resolve(dir);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const head = headAt(current);
    if (head !== undefined) return head;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
  return null;
}

/** undefined: no .git here; null: a .git whose HEAD cannot be read. */
function headAt(dir: string): string | null | undefined {
  const gitPath = path.join(dir, '.git');
  const direct = tryRead(path.join(gitPath, 'HEAD'));
  if (direct !== null) return parseHead(direct);
  const gitFile = tryRead(gitPath);
  if (gitFile === null) return undefined;
  const match = /^gitdir:\s*(.+)\s*$/m.exec(gitFile);
  if (!match) return null;
  const gitDir = path.resolve(dir, match[1].trim());
  const head = tryRead(path.join(gitDir, 'HEAD'));
  return head === null ? null : parseHead(head);
}

function parseHead(text: string): string | null {
  const ref = /^ref:\s*refs\/heads\/(.+)$/m.exec(text.trim());
  if (ref) return ref[1].trim().slice(0, 256);
  const sha = text.trim();
  // Detached HEAD: the commit, shortened as git does.
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : null;
}

function tryRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
