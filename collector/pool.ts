/**
 * The processor pool: a piscina worker pool running the processor chain, one task per batch.
 * A round trip costs tens of microseconds, so tasks are always whole batches, never single events.
 */
import { Piscina } from 'piscina';
import type { CanonicalEvent } from './event.js';
import type { AppConfig } from './config.js';

export interface ProcessorSpec {
  type: string;
  /** URL of a module whose default export is a ProcessorFactory. */
  module: string;
  config: Record<string, unknown>;
}

export interface WorkerInit {
  app: AppConfig;
  processors: ProcessorSpec[];
}

export interface ProcessorPool {
  run(events: CanonicalEvent[]): Promise<CanonicalEvent[]>;
  close(): Promise<void>;
}

export function createProcessorPool(app: AppConfig, processors: ProcessorSpec[]): ProcessorPool {
  const workerUrl = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const init: WorkerInit = { app, processors };
  const piscina = new Piscina({
    filename: workerUrl.href,
    minThreads: app.workers,
    maxThreads: app.workers,
    // Source runs (npm run dev, tests on .ts) need the TypeScript loader inside the worker too.
    execArgv: workerUrl.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    workerData: init,
    idleTimeout: Infinity,
  });
  return {
    async run(events) {
      if (events.length === 0) return events;
      return (await piscina.run(events)) as CanonicalEvent[];
    },
    async close() {
      await piscina.destroy();
    },
  };
}
