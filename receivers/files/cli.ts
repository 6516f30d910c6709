/**
 * npm run import -- --source claude-code|codex|all [--path DIR] [--since DATE]
 *
 * Imports agent history files into the AgentStats database through the same pipeline the server
 * uses (processors on a piscina pool, one SQLite transaction per batch). It opens the database
 * file directly (WAL), so it works while the server runs, and the dashboard sees the result.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { builtinExporters, builtinProcessors } from '../../collector/builtins.js';
import { ConfigError, loadConfig } from '../../collector/config.js';
import { Pipeline } from '../../collector/pipeline.js';
import { createProcessorPool } from '../../collector/pool.js';
import type { Logger } from '../../collector/component.js';
import { defaultRoots } from './discover.js';
import type { FileKind, ParseResult, ParseTask } from './parse-worker.js';
import { createProgressBar, formatSummary } from './progress.js';
import { retentionWarning } from './retention.js';
import { runImport } from './runner.js';

const USAGE = `usage: npm run import -- [--source claude-code|codex|all] [--path DIR] [--since DATE]
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

class UsageError extends Error {}

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

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2));
  const app = loadConfig({ ...process.env, ...(args.db ? { AGENTSTATS_DB_PATH: args.db } : {}) });
  const logger: Logger = {
    info: () => undefined,
    warn: (msg, f) => process.stderr.write(`import: ${msg} ${f ? JSON.stringify(f) : ''}\n`),
    error: (msg, f) => process.stderr.write(`import: ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  };
  if (args.sources.some((s) => s.kind === 'claude-code')) {
    const warning = retentionWarning();
    if (warning) process.stderr.write(warning);
  }

  // The store-providing exporter (SQLite) on the same file as the server; it serves no HTTP.
  const storeFactory = builtinExporters[0];
  const exporter = await storeFactory.create(storeFactory.defaultConfig(), {
    app,
    clock: { now: () => new Date() },
    newId: () => uuidv7(),
    logger,
    http: undefined as unknown as FastifyInstance,
    store: () => {
      throw new Error('the importer has one store');
    },
  });
  if (!exporter.store) throw new Error('the first exporter must provide the SQLite store');
  const store = exporter.store;
  const pool = createProcessorPool(app, builtinProcessors.map((p) => ({ ...p, config: {} })));
  const pipeline = new Pipeline({ pool, store, exporters: [exporter], logger, maxQueueEvents: app.maxQueueEvents });

  const isTs = import.meta.url.endsWith('.ts');
  const parsePool = new Piscina({
    filename: new URL(`./parse-worker${isTs ? '.ts' : '.js'}`, import.meta.url).href,
    minThreads: args.workers,
    maxThreads: args.workers,
    execArgv: isTs ? ['--import', 'tsx'] : [],
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
        maxQueueEvents: app.maxQueueEvents,
        parse: (task: ParseTask) => parsePool.run(task) as Promise<ParseResult>,
      },
    );
    bar?.done();
    if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else process.stdout.write(formatSummary(summary));
  } finally {
    await pipeline.idle();
    await pool.close();
    await parsePool.destroy();
    await exporter.shutdown?.();
  }
}

const isEntryPoint = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  main().catch((error) => {
    const usage = error instanceof UsageError || error instanceof ConfigError;
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE + '\n');
    process.exit(usage ? 2 : 1);
  });
}
