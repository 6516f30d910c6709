/**
 * The files receiver's own parse work, alone: its parse worker's function run over every file of a
 * corpus in this thread (no pool, no pipeline), as bench:import reports it beside the read +
 * JSON.parse floor (processor chain off) and bench:replay runs it (with the import's chain).
 */
import path from 'node:path';
import type { ChainRef } from '../../collector/core/chain.js';
import type { EventBatch } from '../../receivers/files/chain.js';
import { discover, type FoundFile } from '../../receivers/files/discover.js';
import parse from '../../receivers/files/parse-worker.js';

export interface ParseSideResult {
  /** CPU seconds of one pass (this thread; the best of the passes after the first). */
  cpuSeconds: number;
  events: number;
  passes: number;
}

/** The corpus's files as the import finds them (bench:gen-corpus writes both agents' layouts). */
export async function corpusFiles(corpus: string): Promise<FoundFile[]> {
  return [
    ...(await discover('claude-code', [path.join(corpus, 'claude', 'projects')])),
    ...(await discover('codex', [path.join(corpus, 'codex', 'sessions')])),
  ];
}

/**
 * Each file parsed to its end as the import's parse threads do it (in 32 MB tasks, carrying the
 * parser's state), the chain run on its events; returns how many events the parsers made.
 */
export async function parseFiles(
  files: FoundFile[],
  opts: { nowMs: number; chain: ChainRef | null; onBatch?: (batch: EventBatch) => void },
): Promise<number> {
  let events = 0;
  for (const f of files) {
    let start = 0;
    let state: Record<string, unknown> | null = null;
    for (;;) {
      const r = await parse({
        path: f.path, kind: f.kind, start, end: f.size, state, nowMs: opts.nowMs, mtimeMs: f.mtimeMs, sinceMs: null,
        maxBytes: 32 * 1024 * 1024, settleResponsesMs: 10 * 60_000, settleCallsMs: 24 * 3_600_000,
        stem: f.stem, subagent: f.subagent, chain: opts.chain,
      });
      events += r.parsed;
      if (opts.onBatch) for (const batch of r.batches) opts.onBatch(batch);
      start = r.offset;
      state = r.state;
      if (r.complete) break;
    }
  }
  return events;
}

export async function parseSide(corpus: string, passes = 3): Promise<ParseSideResult> {
  const files = await corpusFiles(corpus);
  const now = Date.now();
  let best = Infinity;
  let events = 0;
  for (let pass = 0; pass < passes; pass++) {
    const before = process.cpuUsage();
    events = await parseFiles(files, { nowMs: now, chain: null });
    const used = process.cpuUsage(before);
    if (pass > 0 || passes === 1) best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return { cpuSeconds: best, events, passes };
}
