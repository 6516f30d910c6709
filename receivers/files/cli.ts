/**
 * The import command: `npm run import -- --source claude-code|codex|all [--path DIR] [--since DATE]`.
 *
 * Parses the arguments, walks the history files, parses them on a piscina pool and submits the
 * events to a pipeline that collector/import-main.ts wires (the server's processors and store, on
 * the same database file in WAL mode, so it works while the server runs).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import type { SubmitBatch, SubmitResult } from '../../collector/pipeline.js';
import type { Store } from '../../collector/store.js';
import { defaultRoots } from './discover.js';
import type { FileKind, ParseResult, ParseTask } from './parse-worker.js';
import { createProgressBar, formatSummary } from './progress.js';
import { retentionWarning } from './retention.js';
import { runImport } from './runner.js';

export const USAGE = `usage: npm run import -- [--source claude-code|codex|all] [--path DIR] [--since DATE]
                         [--db FILE] [--workers N] [--settle MINUTES] [--json] [--quiet]
  --source   which history to import (default: all)
  --path     read this directory instead of the default locations (needs one --source)
  --since    only events from this date on (YYYY-MM-DD, local midnight, or an ISO time);
             a filtered run does not update the per-file bookkeeping
  --db       database file (default: AGENTSTATS_DB_PATH or ./data/agentstats.db)
  --workers  parsing threads (default: cores - 1, at most 8)
  --settle   minutes a file must be quiet before its last response is taken as final (default 10)
  --json     print the summary as JSON on stdout
  --quiet    no progress bar`;

export class UsageError extends Error {}

export function parseSince(raw: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const ms = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new UsageError(`--since must be YYYY-MM-DD or an ISO time, got "${raw}"`);
  return ms;
}

function tryParse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseCli(argv: string[]) {
  const { values } = tryParse(() => parseArgs({
    args: argv,
    options: {
      source: { type: 'string', default: 'all' },
      path: { type: 'string' },
      since: { type: 'string' },
      db: { type: 'string' },
      workers: { type: 'string' },
      settle: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const source = values.source!;
  if (!['claude-code', 'codex', 'all'].includes(source)) {
    throw new UsageError(`--source must be claude-code, codex or all, got "${source}"`);
  }
  const kinds: FileKind[] = source === 'all' ? ['claude-code', 'codex'] : [source as FileKind];
  if (values.path && kinds.length > 1) throw new UsageError('--path needs --source claude-code or --source codex');
  const workers = values.workers === undefined ? Math.min(8, Math.max(1, availableParallelism() - 1)) : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers must be 1..64');
  const settle = Number(values.settle);
  if (!Number.isFinite(settle) || settle < 0) throw new UsageError('--settle must be a number of minutes >= 0');
  return {
    sources: kinds.map((kind) => ({ kind, roots: values.path ? [path.resolve(values.path)] : defaultRoots(kind) })),
    sinceMs: values.since ? parseSince(values.since) : null,
    db: values.db,
    workers,
    settleMs: settle * 60_000,
    json: values.json!,
    quiet: values.quiet!,
  };
}

/** What the command needs from the process that wires it: a store and a pipeline on one database. */
export interface ImportWiring {
  store: Pick<Store, 'listImportFiles' | 'saveImportFiles'>;
  pipeline: { submit(batch: SubmitBatch): Promise<SubmitResult>; idle(): Promise<void>; readonly queueDepth: number };
  maxQueueEvents: number;
  close(): Promise<void>;
}

export async function importCommand(
  argv: string[],
  wire: (dbPath: string | undefined) => Promise<ImportWiring>,
): Promise<void> {
  const args = parseCli(argv);
  if (args.sources.some((s) => s.kind === 'claude-code')) {
    const warning = retentionWarning();
    if (warning) process.stderr.write(warning);
  }
  const { store, pipeline, maxQueueEvents, close } = await wire(args.db);

  const parsePool = new Piscina({
    filename: new URL('./parse-worker.js', import.meta.url).href,
    minThreads: args.workers,
    maxThreads: args.workers,
    idleTimeout: Infinity,
  });
  const bar = !args.quiet && !args.json && process.stderr.isTTY ? createProgressBar(process.stderr) : null;

  try {
    const summary = await runImport(
      {
        sources: args.sources,
        sinceMs: args.sinceMs,
        window: args.workers * 2,
        maxTaskBytes: 32 * 1024 * 1024,
        settleResponsesMs: args.settleMs,
        settleCallsMs: Math.max(args.settleMs, 24 * 3_600_000),
        useState: args.sinceMs === null,
        now: () => Date.now(),
        onProgress: bar ? (p) => bar.update(p) : undefined,
        onWarning: (msg) => process.stderr.write(`import: skipped ${msg}\n`),
      },
      {
        store,
        pipeline,
        maxQueueEvents,
        parse: (task: ParseTask) => parsePool.run(task) as Promise<ParseResult>,
      },
    );
    bar?.done();
    if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else process.stdout.write(formatSummary(summary));
  } finally {
    await pipeline.idle();
    await parsePool.destroy();
    await close();
  }
}
