/**
 * The import command's arguments: `npm run import -- --source claude-code|codex|all [--path DIR]
 * [--since DATE] …`, turned into the files receiver's config (and the storage path) for the one
 * service builder. collector/service/run-import.ts runs it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FilesReceiverConfig } from './index.js';
import { FILE_KINDS, type FileKind } from '../../collector/core/agents.js';

export const USAGE = `usage: npm run import -- [--source ${FILE_KINDS.join('|')}|all] [--path DIR] [--since DATE]
                         [--db FILE] [--config FILE] [--workers N] [--settle MINUTES] [--json] [--quiet]
  --source   which history to import (default: all)
  --path     read this directory instead of the default locations (needs one --source)
  --since    only events from this date on (YYYY-MM-DD, local midnight, or an ISO time);
             a filtered run does not update the per-file bookkeeping
  --db       database file (default: exporters.sqlite.path, AGENTSTATS_DB_PATH or ./data/agentstats.db)
  --config   config file (as for npm start); its pipeline's processors and storage are used
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

export interface ImportArgs {
  help: boolean;
  json: boolean;
  configPath?: string;
  db?: string;
  /** Overrides of the files receiver's config. */
  files: Partial<FilesReceiverConfig>;
}

export function parseImportArgs(argv: string[]): ImportArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        source: { type: 'string', default: 'all' },
        path: { type: 'string' },
        since: { type: 'string' },
        db: { type: 'string' },
        config: { type: 'string' },
        workers: { type: 'string' },
        settle: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const source = values.source as string;
  if (source !== 'all' && !(FILE_KINDS as readonly string[]).includes(source)) {
    throw new UsageError(`--source must be ${FILE_KINDS.join(', ')} or all, got "${source}"`);
  }
  const kinds: FileKind[] = source === 'all' ? [...FILE_KINDS] : [source as FileKind];
  if (values.path && kinds.length > 1) throw new UsageError('--path needs --source claude-code or --source codex');
  const files: Partial<FilesReceiverConfig> = { mode: 'once', sources: kinds, progress: !values.quiet && !values.json };
  if (values.path) files[kinds[0] === 'claude-code' ? 'claude_code_dir' : 'codex_dir'] = path.resolve(values.path as string);
  if (values.workers !== undefined) {
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('--workers must be 1..64');
    files.workers = workers;
  }
  const settle = Number(values.settle);
  if (!Number.isFinite(settle) || settle < 0) throw new UsageError('--settle must be a number of minutes >= 0');
  files.settle_minutes = settle;
  if (values.since) files.since = new Date(parseSince(values.since as string)).toISOString();
  return {
    help: values.help === true,
    json: values.json === true,
    configPath: values.config as string | undefined,
    db: values.db as string | undefined,
    files,
  };
}
