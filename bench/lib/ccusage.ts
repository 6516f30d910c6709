/**
 * The peer's time on the same files, where ccusage is installed: `ccusage daily --json --offline`
 * over the corpus (its Claude Code and Codex folders), best of 3 runs, with its token totals so a
 * reader can see both tools counted the same thing. Nothing is installed by this benchmark.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface CcusageRun {
  bin: string;
  bestSeconds: number;
  totals: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number; totalCost: number };
}

/** `explicit` (a path), else `ccusage` on PATH; null when neither is there. */
export function findCcusage(explicit: string | undefined): string | null {
  if (explicit) return existsSync(explicit) ? path.resolve(explicit) : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'ccusage');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export async function timeCcusage(bin: string, corpus: string, home: string): Promise<CcusageRun> {
  let best = Infinity;
  let stdout = '';
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    const out = await promisify(execFile)(bin, ['daily', '--json', '--offline'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, CLAUDE_CONFIG_DIR: path.join(corpus, 'claude'), CODEX_HOME: path.join(corpus, 'codex') },
      maxBuffer: 64 * 1024 * 1024,
    });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
    stdout = out.stdout;
  }
  return { bin, bestSeconds: best, totals: (JSON.parse(stdout) as { totals: CcusageRun['totals'] }).totals };
}
