/**
 * The receiver's small parts on real files: git branch lookup, spool append/replay (including an
 * append racing the replay), tool timing across a restart via the store.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BranchResolver, readBranch } from './git-branch.js';
import { appendToSpool, parseSpoolLine, replaySpool, type SpoolLine } from './spool.js';
import { ToolTiming } from './tool-timing.js';

const temp = () => mkdtempSync(path.join(tmpdir(), 'agentstats-hooks-'));

describe('git branch', () => {
  it('reads a branch, a worktree and a detached HEAD from any subdirectory', async () => {
    const repo = temp();
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/feature/hooks\n');
    mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
    expect(await readBranch(path.join(repo, 'src', 'deep'))).toBe('feature/hooks');

    const worktree = temp();
    mkdirSync(path.join(repo, '.git', 'worktrees', 'wt'), { recursive: true });
    writeFileSync(path.join(repo, '.git', 'worktrees', 'wt', 'HEAD'), 'ref: refs/heads/wt-branch\n');
    writeFileSync(path.join(worktree, '.git'), `gitdir: ${path.join(repo, '.git', 'worktrees', 'wt')}\n`);
    expect(await readBranch(worktree)).toBe('wt-branch');

    writeFileSync(path.join(repo, '.git', 'HEAD'), 'a'.repeat(40) + '\n');
    expect(await readBranch(repo)).toBe('aaaaaaaaaaaa');
    expect(await readBranch(temp())).toBeNull();
  });

  it('caches per cwd until the entry expires', async () => {
    const repo = temp();
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/one\n');
    let now = 0;
    const resolver = new BranchResolver({ ttlMs: 1000, maxEntries: 10, now: () => now, waitMs: 5000 });
    expect(await resolver.branchOf(repo)).toBe('one');
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/two\n');
    expect(await resolver.branchOf(repo)).toBe('one');
    now = 2000;
    expect(await resolver.branchOf(repo)).toBe('two');
    expect(await resolver.branchOf('relative/dir')).toBeNull();
    expect(await resolver.branchOf(`${repo}\0/x`)).toBeNull();
  });
});

describe('spool', () => {
  it('replays every line in order, removes the file, and counts bad lines', async () => {
    const dir = temp();
    const spool = path.join(dir, 'sub', 'hook-spool.jsonl');
    await appendToSpool(spool, 'codex', '{"a":1}', new Date('2026-11-24T10:00:00Z'));
    appendFileSync(spool, 'not json\n{"agent":"nope","body":"{}"}\n');
    appendFileSync(spool, JSON.stringify({ agent: 'gemini-cli', body: { b: 2 }, spooled_at: 'x' }) + '\n');
    const seen: SpoolLine[] = [];
    const stats = await replaySpool(spool, async (lines) => void seen.push(...lines));
    expect(stats).toEqual({ files: 1, lines: 2, badLines: 2 });
    expect(seen).toEqual([
      { agent: 'codex', raw: '{"a":1}', spooledAt: '2026-11-24T10:00:00.000Z' },
      { agent: 'gemini-cli', raw: '{"b":2}', spooledAt: 'x' },
    ]);
    expect(readdirSync(path.join(dir, 'sub'))).toEqual([]);
  });

  it('keeps a file whose replay failed and retries it next time; appends during replay wait for the next one', async () => {
    const dir = temp();
    const spool = path.join(dir, 'hook-spool.jsonl');
    await appendToSpool(spool, 'claude-code', '{"n":1}', new Date());
    await expect(
      replaySpool(spool, async () => {
        // A hook command appending while the replay runs writes a new spool file.
        await appendToSpool(spool, 'claude-code', '{"n":2}', new Date());
        throw new Error('store down');
      }),
    ).rejects.toThrow('store down');
    const seen: string[] = [];
    const stats = await replaySpool(spool, async (lines) => void seen.push(...lines.map((l) => l.raw)));
    expect(seen.sort()).toEqual(['{"n":1}', '{"n":2}']);
    expect(stats.files).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('parses only well-formed lines', () => {
    expect(parseSpoolLine('{"agent":"codex","body":"{}","spooled_at":"t"}')).toEqual({ agent: 'codex', raw: '{}', spooledAt: 't' });
    expect(parseSpoolLine('{"agent":"codex"}')).toBeNull();
    expect(parseSpoolLine('[]')).toBeNull();
  });
});

describe('tool timing', () => {
  it('pairs by id, falls back to the stored start, and refuses impossible durations', () => {
    // The storage's lookup knows one call that started before a restart.
    const timing = new ToolTiming({
      toolStartMs: (agent, session, id) =>
        agent === 'codex' && session === 's' && id === 'c9' ? Date.parse('2026-11-24T10:00:00.000Z') : null,
    });
    timing.started('codex', 's', 'c1', 'Bash', 1000);
    expect(timing.finished('codex', 's', 'c1', 'Bash', 1400)).toBe(400);
    expect(timing.finished('codex', 's', 'c1', 'Bash', 1500)).toBeNull();
    expect(timing.finished('codex', 's', 'c9', 'Bash', Date.parse('2026-11-24T10:00:02Z'))).toBe(2000);
    timing.started('codex', 's', 'c2', 'Bash', 5000);
    expect(timing.finished('codex', 's', 'c2', 'Bash', 4000)).toBeNull();
  });

  it('pairs id-less calls of one tool first-in, first-out', () => {
    const timing = new ToolTiming(null);
    timing.started('gemini_cli', 's', null, 'read_file', 0);
    timing.started('gemini_cli', 's', null, 'read_file', 100);
    expect(timing.finished('gemini_cli', 's', null, 'read_file', 500)).toBe(500);
    expect(timing.finished('gemini_cli', 's', null, 'read_file', 600)).toBe(500);
    expect(timing.finished('gemini_cli', 's', null, 'read_file', 700)).toBeNull();
  });
});
