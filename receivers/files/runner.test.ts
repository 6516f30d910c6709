/**
 * The import run's order and bookkeeping with small files parsed in groups: the real parse worker
 * functions (in this thread) and an in-memory stand-in for the pipeline port that keeps what it is
 * given. End-to-end behaviour (real pool, pipeline, SQLite) is covered by test/import-*.test.ts.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SubmitBatch, SubmitResult } from '../../collector/core/consumer.js';
import type { ImportFileRecord } from '../../collector/core/storage.js';
import type { FoundFile } from './discover.js';
import parse, { parseGroup } from './parse-worker.js';
import { runImport, type ImportDeps } from './runner.js';

const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = Date.parse('2026-01-02T00:00:00Z');

function transcript(session: string): FoundFile {
  const file = path.join(dir, `${session}.jsonl`);
  const line = (id: string, ts: string) =>
    JSON.stringify({ type: 'assistant', sessionId: session, timestamp: ts, requestId: `req-${session}-${id}`, message: { id: `msg-${session}-${id}`, role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 10, output_tokens: 5 } } });
  writeFileSync(file, `${line('a', '2026-01-01T00:00:00.000Z')}\n${line('b', '2026-01-01T00:01:00.000Z')}\n`);
  return { path: file, kind: 'claude-code', size: statSync(file).size, mtimeMs: NOW - 3_600_000, stem: session, subagent: null };
}

async function run(files: FoundFile[], grouped: boolean) {
  const submitted: SubmitBatch[] = [];
  const saved: ImportFileRecord[] = [];
  const warnings: string[] = [];
  const deps: ImportDeps = {
    store: { listImportFiles: () => [], saveImportFiles: (r) => void saved.push(...r) },
    pipeline: {
      queueDepth: 0,
      submit: (batch): Promise<SubmitResult> => {
        submitted.push(batch);
        const ids = batch.events.map((e) => e.event_id);
        return Promise.resolve({ ids, duplicates: 0, folded: 0, stored: [], spansStored: 0, metricPointsStored: 0 });
      },
    },
    maxQueueEvents: 16_000,
    parse,
    parseGroup: grouped ? parseGroup : undefined,
    chain: null,
  };
  const summary = await runImport(
    { sources: [{ kind: 'claude-code', roots: [] }], files, sinceMs: null, window: 2, maxTaskBytes: 1 << 20, settleResponsesMs: 0, settleCallsMs: 0, useState: true, now: () => NOW, onWarning: (m) => warnings.push(m) },
    deps,
  );
  const sessions = submitted.flatMap((b) => b.events.map((e) => e.session_id));
  return { summary, sessions, saved: saved.map((r) => path.basename(r.path)), warnings };
}

describe('runImport with small files grouped', () => {
  const files = ['s1', 's2', 's3', 's4', 's5'].map(transcript);
  const gone: FoundFile = { ...transcript('gone'), path: path.join(dir, 'missing', 'gone.jsonl') };

  it('submits in file order, and a file that cannot be read fails alone', async () => {
    const list = [files[0], files[1], gone, files[2], files[3], files[4]];
    const grouped = await run(list, true);
    expect(grouped.sessions).toEqual(['s1', 's1', 's2', 's2', 's3', 's3', 's4', 's4', 's5', 's5']);
    expect(grouped.summary.files_failed).toBe(1);
    expect(grouped.warnings).toEqual([expect.stringContaining('gone.jsonl')]);
    expect(grouped.saved).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl', 's4.jsonl', 's5.jsonl']);
    expect(grouped.summary.events).toBe(10);
    expect(grouped.summary.stored).toBe(10);

    // The same as one task per file.
    const single = await run(list, false);
    expect(single.sessions).toEqual(grouped.sessions);
    expect({ ...single.summary, elapsed_ms: 0 }).toEqual({ ...grouped.summary, elapsed_ms: 0 });
    expect(single.saved).toEqual(grouped.saved);
  });
});
