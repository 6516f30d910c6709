/**
 * Entry point of `npm run import`: wires the server's own processors and store (the first
 * exporter) on the configured database file, then runs the history import command of
 * receivers/files through them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import type { FastifyInstance } from 'fastify';
import { importCommand, UsageError, USAGE, type ImportWiring } from '../receivers/files/cli.js';
import { builtinExporters, builtinProcessors } from './builtins.js';
import { ConfigError, loadConfig } from './config.js';
import { Pipeline } from './pipeline.js';
import { createProcessorPool } from './pool.js';
import type { Logger } from './component.js';

const logger: Logger = {
  info: () => undefined,
  warn: (msg, f) => process.stderr.write(`import: ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  error: (msg, f) => process.stderr.write(`import: ${msg} ${f ? JSON.stringify(f) : ''}\n`),
};

async function wire(dbPath: string | undefined): Promise<ImportWiring> {
  const app = loadConfig({ ...process.env, ...(dbPath ? { AGENTSTATS_DB_PATH: dbPath } : {}) });
  // The store-providing exporter (SQLite) on the same file as the server; it serves no HTTP here.
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
  if (!exporter.store) throw new Error('the first exporter must provide the store');
  const store = exporter.store;
  const pool = createProcessorPool(app, builtinProcessors.map((p) => ({ ...p, config: {} })));
  const pipeline = new Pipeline({ pool, store, exporters: [exporter], logger, maxQueueEvents: app.maxQueueEvents });
  return {
    store,
    pipeline,
    maxQueueEvents: app.maxQueueEvents,
    async close() {
      await pipeline.idle();
      await pool.close();
      await exporter.shutdown?.();
    },
  };
}

const isEntryPoint = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  importCommand(process.argv.slice(2), wire).catch((error) => {
    const usage = error instanceof UsageError || error instanceof ConfigError;
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE + '\n');
    process.exit(usage ? 2 : 1);
  });
}
