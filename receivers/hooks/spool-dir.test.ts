/**
 * The per-event spool directory (written by the hook commands) on real files: replay order and
 * times, files a running hook still owns, orphans of killed hooks, failures, and the hook time
 * header's bounds.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookTimeOf, replaySpool, spoolDirOf, type SpoolLine } from './spool.js';

function spoolWith(files: Array<[name: string, body: string, mtime: Date]>) {
  const root = mkdtempSync(path.join(tmpdir(), 'agentstats-spooldir-'));
  const spool = path.join(root, 'hook-spool.jsonl');
  const dir = spoolDirOf(spool);
  mkdirSync(dir);
  for (const [name, body, mtime] of files) {
    writeFileSync(path.join(dir, name), body);
    utimesSync(path.join(dir, name), mtime, mtime);
  }
  return { spool, dir };
}

describe('spool directory replay', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 10, 24, 10, 0, s));

  it('replays visible files oldest first with their mtime, plus orphans; skips files a hook still owns', async () => {
    const recent = new Date(Date.now() - 1000);
    const { spool, dir } = spoolWith([
      ['codex.200.0.json', '{"n":2}', t(2)],
      ['claude-code.100.0.json', '{"n":1}', t(1)],
      ['.gemini-cli.300.0.json', '{"n":0}', t(0)], // orphan of a killed hook: old enough
      ['.claude-code.400.0.json', '{"n":9}', recent], // a hook is still delivering it
      ['gemini-cli.500.0.json', '', t(3)],
      ['notes.txt', 'not ours', t(4)],
    ]);
    const seen: SpoolLine[] = [];
    const stats = await replaySpool(spool, async (lines) => void seen.push(...lines));
    expect(seen).toEqual([
      { agent: 'gemini-cli', raw: '{"n":0}', spooledAt: t(0).toISOString() },
      { agent: 'claude-code', raw: '{"n":1}', spooledAt: t(1).toISOString() },
      { agent: 'codex', raw: '{"n":2}', spooledAt: t(2).toISOString() },
    ]);
    expect(stats).toEqual({ files: 4, lines: 3, badLines: 1 });
    expect(readdirSync(dir).sort()).toEqual(['.claude-code.400.0.json', 'notes.txt']);
  });

  it('keeps every file of a chunk whose submit failed, for the next replay', async () => {
    const { spool, dir } = spoolWith([
      ['codex.1.0.json', '{"a":1}', t(1)],
      ['codex.2.0.json', '{"a":2}', t(2)],
    ]);
    await expect(replaySpool(spool, async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(readdirSync(dir).sort()).toEqual(['codex.1.0.json', 'codex.2.0.json']);
    const seen: string[] = [];
    await replaySpool(spool, async (lines) => void seen.push(...lines.map((l) => l.raw)), 1);
    expect(seen).toEqual(['{"a":1}', '{"a":2}']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('works without a spool directory', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agentstats-spooldir-'));
    const spool = path.join(root, 'hook-spool.jsonl');
    expect(await replaySpool(spool, async () => undefined)).toEqual({ files: 0, lines: 0, badLines: 0 });
    expect(existsSync(spoolDirOf(spool))).toBe(false);
    expect(spoolDirOf('/x/hook-spool.jsonl')).toBe('/x/hook-spool.d');
  });
});

describe('hook time header', () => {
  const received = new Date('2026-11-24T10:00:00.000Z');
  it('is taken near the receipt time only', () => {
    expect(hookTimeOf(String(received.getTime() - 25), received)).toBe('2026-11-24T09:59:59.975Z');
    expect(hookTimeOf(String(received.getTime() - 2 * 3_600_000), received)).toBeNull();
    expect(hookTimeOf(String(received.getTime() + 120_000), received)).toBeNull();
    for (const bad of [undefined, '', '17x', '1.5e12', ['1795960447281']]) expect(hookTimeOf(bad, received)).toBeNull();
  });
});
