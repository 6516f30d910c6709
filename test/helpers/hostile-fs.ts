/**
 * Directory layouts a hook's `cwd` can point the branch lookup at (issue 10.5): FIFOs nobody writes
 * to, `.git` pointing at /dev/zero in each way git allows, a HEAD far larger than any real one.
 * Real FIFOs (mkfifo) and the real /dev/zero.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const temp = (root?: string) => mkdtempSync(path.join(root ?? tmpdir(), 'agentstats-hostile-'));

/** A repo dir whose .git/HEAD is a FIFO nobody writes to. */
export function fifoHeadRepo(root?: string): string {
  const repo = temp(root);
  mkdirSync(path.join(repo, '.git'));
  execFileSync('mkfifo', [path.join(repo, '.git', 'HEAD')]);
  return repo;
}

/** A normal repo on branch `branch`. */
export function plainRepo(branch: string, root?: string): string {
  const repo = temp(root);
  mkdirSync(path.join(repo, '.git'));
  writeFileSync(path.join(repo, '.git', 'HEAD'), `ref: refs/heads/${branch}\n`);
  return repo;
}

/** The hostile layouts, by name. */
export function hostileRepos(root?: string): Record<string, string> {
  const gitdirZero = temp(root);
  writeFileSync(path.join(gitdirZero, '.git'), 'gitdir: /dev/zero\n');
  const gitSymlinkZero = temp(root);
  symlinkSync('/dev/zero', path.join(gitSymlinkZero, '.git'));
  const headSymlinkZero = temp(root);
  mkdirSync(path.join(headSymlinkZero, '.git'));
  symlinkSync('/dev/zero', path.join(headSymlinkZero, '.git', 'HEAD'));
  const hugeHead = temp(root);
  mkdirSync(path.join(hugeHead, '.git'));
  writeFileSync(path.join(hugeHead, '.git', 'HEAD'), 'ref: refs/heads/x\n');
  truncateSync(path.join(hugeHead, '.git', 'HEAD'), 512 * 1024 * 1024); // sparse: no disk used
  const gitdirToFifo = temp(root);
  writeFileSync(path.join(gitdirToFifo, '.git'), `gitdir: ${path.join(fifoHeadRepo(root), '.git')}\n`);
  const fifoGitFile = temp(root);
  execFileSync('mkfifo', [path.join(fifoGitFile, '.git')]);
  return {
    fifoHead: fifoHeadRepo(root),
    gitdirZero,
    gitSymlinkZero,
    headSymlinkZero,
    hugeHead,
    gitdirToFifo,
    fifoGitFile,
    devDir: '/dev',
    devZeroAsCwd: '/dev/zero',
  };
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}
