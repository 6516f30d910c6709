/**
 * The installed hook command: a stable, versioned copy of hooks/bin/ under
 * ~/.agentstats/bin/<version>/, so the agents' hooks keep working when the clone is moved or
 * deleted. <version> is the package version plus a hash of the files: a new release (or a changed
 * script) gets a directory of its own and never changes one a running agent may still call
 * (Claude Code keeps the hooks it read at start-up for the whole session). Uninstall removes every
 * version no settings file refers to any more; install removes none.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin');
export const HOOK_FILES = ['agentstats-hook.sh', 'agentstats-hook.cjs'];
const VERSION_DIR = /^[0-9A-Za-z][0-9A-Za-z.+-]*$/;

export function binRoot(home) {
  return join(home, '.agentstats', 'bin');
}

/** `<package version>-<first 10 hex of sha256 over the hook files>`. */
export function hookVersion() {
  const hash = createHash('sha256');
  for (const name of HOOK_FILES) hash.update(name).update('\0').update(readFileSync(join(SOURCE_DIR, name))).update('\0');
  const pkg = JSON.parse(readFileSync(join(SOURCE_DIR, '..', '..', 'package.json'), 'utf8'));
  return `${pkg.version}-${hash.digest('hex').slice(0, 10)}`;
}

function isComplete(dir) {
  return HOOK_FILES.every((name) => {
    try {
      return readFileSync(join(dir, name)).equals(readFileSync(join(SOURCE_DIR, name)));
    } catch {
      return false;
    }
  });
}

/**
 * Makes ~/.agentstats/bin/<version>/ hold this clone's hook files (written beside it, then renamed
 * into place: an agent never sees half a directory). Returns { dir, version, changed }.
 */
export function installHookBin(home, { dryRun = false } = {}) {
  const version = hookVersion();
  const root = binRoot(home);
  const dir = join(root, version);
  if (isComplete(dir)) return { dir, version, changed: false };
  if (dryRun) return { dir, version, changed: true };
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const temp = join(root, `.tmp-${version}-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { mode: 0o700 });
  for (const name of HOOK_FILES) {
    copyFileSync(join(SOURCE_DIR, name), join(temp, name));
    chmodSync(join(temp, name), 0o700);
  }
  // A damaged copy (edited by hand, half-deleted) is replaced whole.
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(temp, dir);
  return { dir, version, changed: true };
}

/**
 * Removes every installed version that none of `texts` (the settings files that may hold our
 * hooks) mentions, and the bin folder when it is empty. Returns the removed directories.
 */
export function pruneHookBin(home, texts, { dryRun = false } = {}) {
  const root = binRoot(home);
  let names;
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const dir = join(root, name);
    const leftover = name.startsWith('.tmp-');
    if (!leftover && (!VERSION_DIR.test(name) || texts.some((text) => text.includes(`${name}/agentstats-hook`)))) continue;
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    if (!dryRun) rmSync(dir, { recursive: true, force: true });
    if (!leftover) removed.push(dir);
  }
  if (!dryRun && readdirSync(root).length === 0) rmSync(root, { recursive: true, force: true });
  return removed;
}

/** Whether an executable `curl` is on PATH (the shell hook needs it; without it, the Node hook is used). */
export function findCurl(env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      const info = statSync(join(dir, 'curl'));
      if (info.isFile() && (info.mode & 0o111) !== 0) return join(dir, 'curl');
    } catch {
      // not here
    }
  }
  return null;
}
