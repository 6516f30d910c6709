/**
 * Issue 10.5: the hook's cwd comes from the request body, so the branch lookup must survive any
 * file system a client can point it at: FIFOs, devices, huge files, symlinks to /dev/zero. Each
 * lookup answers promptly with null and reads nothing it should not (no event-loop stall, no
 * memory growth). Real files, FIFOs made with mkfifo, the real /dev/zero.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fifoHeadRepo, hostileRepos } from '../../test/helpers/hostile-fs.js';
import { BranchResolver, MAX_FILE_BYTES, readBranch, readSmallFile } from './git-branch.js';

const root = mkdtempSync(path.join(tmpdir(), 'agentstats-branch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const temp = () => mkdtempSync(path.join(root, 'd-'));

describe('branch lookup on hostile paths', () => {
  it('answers null quickly for FIFOs, /dev/zero, huge files, and without growing memory', async () => {
    const rssBefore = process.memoryUsage().rss;
    for (const [name, dir] of Object.entries(hostileRepos(root))) {
      const started = Date.now();
      expect(await readBranch(dir), name).toBeNull();
      expect(Date.now() - started, name).toBeLessThan(2000);
    }
    // Nothing big was read: the 512 MB file and /dev/zero would show here.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads only small regular files', async () => {
    const dir = temp();
    const small = path.join(dir, 'small');
    writeFileSync(small, 'x'.repeat(MAX_FILE_BYTES));
    expect(await readSmallFile(small)).toBe('x'.repeat(MAX_FILE_BYTES));
    writeFileSync(small, 'x'.repeat(MAX_FILE_BYTES + 1));
    expect(await readSmallFile(small)).toBeNull();
    expect(await readSmallFile('/dev/zero')).toBeNull();
    expect(await readSmallFile(dir)).toBeNull();
    expect(await readSmallFile(path.join(fifoHeadRepo(root), '.git', 'HEAD'))).toBeNull();
    expect(await readSmallFile(path.join(dir, 'missing'))).toBeNull();
  });

  it('bounds the lookups in flight and does not cache a refused one', async () => {
    // Lookups beyond maxInFlight answer null at once instead of queueing on the thread pool.
    const resolver = new BranchResolver({ waitMs: 20, maxInFlight: 1 });
    const repos = Array.from({ length: 5 }, () => {
      const repo = temp();
      mkdirSync(path.join(repo, '.git'));
      writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
      return repo;
    });
    const answers = await Promise.all(repos.map((r) => resolver.branchOf(r)));
    // Only one lookup ran; the others were refused rather than queued behind it.
    expect(answers.filter((a) => a === 'main').length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a === null).length).toBeGreaterThanOrEqual(4);
    // Refused lookups are not cached: asked again alone, each one resolves.
    for (const repo of repos) expect(await new BranchResolver({ waitMs: 2000 }).branchOf(repo)).toBe('main');
  });
});
