/**
 * Entry point: reads config, wires receivers → pipeline (piscina processors) → exporters, serves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { buildServer } from './server.js';
import { Pipeline } from './pipeline.js';
import { createProcessorPool } from './pool.js';
import { registerApi } from './api/index.js';
import { loadPricingInfo, registerPricingRoutes } from './api/pricing.js';
import { builtinExporters, builtinProcessors, builtinReceivers } from './builtins.js';
import type { Exporter, Lifecycle, Logger, RuntimeContext } from './component.js';
import type { Store } from './store.js';
import { registerWebUi } from './web.js';
import { projectRoot } from './paths.js';

const VERSION = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(app: AppConfig): Promise<RunningServer> {
  // The cost processor's table file: main.ts may name components; the API module only reads its
  // JSON header. Read first, so a broken AGENTSTATS_PRICING_PATH stops start-up with its path.
  const pricing = loadPricingInfo(
    fileURLToPath(new URL('../processors/cost/prices.json', import.meta.url)),
    app.pricingPath,
  );
  const server = buildServer({ app });
  const logger: Logger = {
    info: (msg, fields) => server.log.info(fields ?? {}, msg),
    warn: (msg, fields) => server.log.warn(fields ?? {}, msg),
    error: (msg, fields) => server.log.error(fields ?? {}, msg),
  };
  const runtime: RuntimeContext = { app, clock: { now: () => new Date() }, newId: () => uuidv7(), logger };

  let store: Store | undefined;
  const exporters: Exporter[] = [];
  for (const factory of builtinExporters) {
    const exporter = await factory.create(factory.defaultConfig(), {
      ...runtime,
      http: server,
      store: () => {
        if (!store) throw new Error('the store exporter must come first');
        return store;
      },
    });
    if (exporter.store && !store) store = exporter.store;
    exporters.push(exporter);
  }
  if (!store) throw new Error('no exporter provides a store');
  const theStore = store;

  const pool = createProcessorPool(
    app,
    builtinProcessors.map((p) => ({ ...p, config: {} })),
  );
  const pipeline = new Pipeline({ pool, store: theStore, exporters, logger, maxQueueEvents: app.maxQueueEvents });

  registerPricingRoutes(server, pricing);
  registerApi(server, theStore, {
    store: theStore,
    startedAt: new Date(),
    queueDepth: () => pipeline.queueDepth,
    version: VERSION,
  });

  const receivers: Lifecycle[] = [];
  for (const factory of builtinReceivers) {
    const config = { ...factory.defaultConfig() };
    const problems = factory.validate?.(config) ?? [];
    if (problems.length) throw new ConfigError(`receiver ${factory.type}: ${problems.join('; ')}`);
    // Each receiver gets its own encapsulated scope: its parsers and limits stay its own.
    await server.register(async (scope) => {
      receivers.push(await factory.create(config, { ...runtime, http: scope, pipeline, store: theStore }));
    });
  }
  await registerWebUi(server, app);

  const sweep = setInterval(() => {
    const idle = theStore.markIdleSessions(new Date(runtime.clock.now().getTime() - app.sessionTimeoutMinutes * 60_000));
    if (idle.length === 0) return;
    for (const exporter of exporters) exporter.consume?.({ events: [], sessions: idle });
  }, app.sweepIntervalMs);
  sweep.unref();

  for (const lifecycle of [...exporters, ...receivers]) await lifecycle.start?.();
  await server.listen({ port: app.port, host: app.host });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : app.port;
  const shownHost = app.host.includes(':') ? `[${app.host}]` : app.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        for (const receiver of receivers) await receiver.shutdown?.();
        await server.close();
        await pipeline.idle();
        await pool.close();
        for (const exporter of exporters) await exporter.shutdown?.();
      })();
      return closing;
    },
  };
}

async function main(): Promise<void> {
  let app: AppConfig;
  try {
    app = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`agentstats: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const running = await startServer(app);
  process.stdout.write(`AgentStats listening on ${running.url}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`AgentStats stopping (${signal})\n`);
    running.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`agentstats: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const isEntryPoint = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  main().catch((error) => {
    process.stderr.write(`agentstats: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
