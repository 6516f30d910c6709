/**
 * The file search: a server's yields to the event loop between chunks (its clients keep being
 * answered); a run-once import's does not (nothing else to answer, and its time is its own).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from './discover.js';

const root = mkdtempSync(path.join(tmpdir(), 'agentstats-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// More files than one chunk (256), in a few project folders, one of them with a subagent folder.
for (let p = 0; p < 3; p++) {
  const dir = path.join(root, `project-${p}`);
  mkdirSync(path.join(dir, 'session-0', 'subagents'), { recursive: true });
  for (let f = 0; f < 200; f++) writeFileSync(path.join(dir, `s-${String(f).padStart(3, '0')}.jsonl`), '{}\n');
  writeFileSync(path.join(dir, 'session-0', 'subagents', 'agent-a1.jsonl'), '{}\n');
}

/** How many times a setImmediate chain ran while discover() was searching. */
async function immediatesDuring(yieldToLoop: boolean | undefined): Promise<{ ticks: number; files: number }> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    ticks++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const files = await discover('claude-code', [root], yieldToLoop === undefined ? {} : { yieldToLoop });
  running = false;
  return { ticks, files: files.length };
}

describe('discover', () => {
  it('finds every file either way, main transcripts before subagent files', async () => {
    const yielding = await discover('claude-code', [root]);
    const inOnePass = await discover('claude-code', [root], { yieldToLoop: false });
    expect(yielding.length).toBe(603);
    expect(inOnePass.map((f) => f.path)).toEqual(yielding.map((f) => f.path));
    expect(inOnePass.at(-1)!.subagent).toEqual({ parentSessionId: 'session-0', agentId: 'a1' });
    expect(inOnePass.slice(0, 600).every((f) => f.subagent === null)).toBe(true);
  });

  it('lets the event loop run between chunks by default, and not at all in one pass', async () => {
    const yielding = await immediatesDuring(undefined);
    const inOnePass = await immediatesDuring(false);
    expect(yielding.files).toBe(603);
    expect(inOnePass.files).toBe(603);
    expect(yielding.ticks).toBeGreaterThanOrEqual(2);
    expect(inOnePass.ticks).toBe(0);
  });
});
