/**
 * `npm run import`: the same service builder as `npm start`, in run-once mode, with the files
 * receiver as the only receiver of the config's first pipeline (its processors and storage).
 */
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { ConfigError } from '../config/types.js';
import { createRootLogger } from '../server/logging.js';
import { parseImportArgs, UsageError, USAGE } from '../../receivers/files/cli.js';
import { formatSummary } from '../../receivers/files/progress.js';
import { retentionWarning } from '../../receivers/files/retention.js';
import type { ImportSummary } from '../../receivers/files/runner.js';
import { buildService } from './build.js';
import { defaultConfig } from './default-config.js';
import { VERSION } from './serve.js';

export async function importMain(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const args = parseImportArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const flags = args.db ? [{ key: 'exporters.sqlite.path', value: path.resolve(args.db), flag: '--db' }] : [];
  const loaded = loadConfig({ defaults: defaultConfig(), env, configPath: args.configPath, flags });
  const [name, pipeline] = Object.entries(loaded.config.service.pipelines)[0];
  loaded.config.service.pipelines = { [name]: { ...pipeline, receivers: ['files'] } };
  loaded.config.receivers.files = { ...loaded.config.receivers.files, ...args.files };

  if (args.files.sources?.includes('claude-code')) {
    const warning = retentionWarning();
    if (warning) process.stderr.write(warning);
  }
  // Progress and the summary own stdout/stderr; the log says only what went wrong.
  const logger = createRootLogger('warn', loaded.config.service.log.format, process.stderr);
  const service = await buildService(loaded, { mode: 'once', logger, version: VERSION });
  await service.start();
  let summary: ImportSummary;
  try {
    summary = (await service.runOnce()).files as unknown as ImportSummary;
  } finally {
    await service.shutdown();
  }
  if (args.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(formatSummary(summary));
}

export function reportImportFailure(error: unknown): never {
  process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(USAGE + '\n');
  process.exit(error instanceof UsageError || error instanceof ConfigError ? 2 : 1);
}
