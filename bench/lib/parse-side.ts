/**
 * The files receiver's own parse work, alone: its parse worker's function run over every file of a
 * corpus in this thread (no pool, no pipeline, processor chain off), as bench:import reports it
 * beside the read + JSON.parse floor. The first pass warms up; the figure is the best later pass.
 */
import path from 'node:path';
import { discover } from '../../receivers/files/discover.js';
import parse from '../../receivers/files/parse-worker.js';

export interface ParseSideResult {
  /** CPU seconds of one pass (this thread; the best of the passes after the first). */
  cpuSeconds: number;
  events: number;
  passes: number;
}

export async function parseSide(corpus: string, passes = 3): Promise<ParseSideResult> {
  const files = [
    ...(await discover('claude-code', [path.join(corpus, 'claude', 'projects')])),
    ...(await discover('codex', [path.join(corpus, 'codex', 'sessions')])),
  ];
  const now = Date.now();
  let best = Infinity;
  let events = 0;
  for (let pass = 0; pass < passes; pass++) {
    const before = process.cpuUsage();
    events = 0;
    for (const f of files) {
      let start = 0;
      let state: Record<string, unknown> | null = null;
      for (;;) {
        const r = await parse({
          path: f.path, kind: f.kind, start, end: f.size, state, nowMs: now, mtimeMs: f.mtimeMs, sinceMs: null,
          maxBytes: 32 * 1024 * 1024, settleResponsesMs: 10 * 60_000, settleCallsMs: 24 * 3_600_000,
          stem: f.stem, subagent: f.subagent, chain: null,
        });
        events += r.parsed;
        start = r.offset;
        state = r.state;
        if (r.complete) break;
      }
    }
    const used = process.cpuUsage(before);
    if (pass > 0 || passes === 1) best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return { cpuSeconds: best, events, passes };
}
