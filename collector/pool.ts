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
  // Workers load compiled JavaScript: the pool runs from dist/ (npm start, npm run dev, tests).
  const workerUrl = new URL('./worker.js', import.meta.url);
  const init: WorkerInit = { app, processors };
  const piscina = new Piscina({
    filename: workerUrl.href,
    minThreads: app.workers,
    maxThreads: app.workers,
    workerData: init,
    idleTimeout: Infinity,
  });
  // A worker that dies is replaced by piscina; its task fails and the batch is answered with an
  // error. Without a listener the 'error' event would take the whole server down.
  piscina.on('error', (error: unknown) => {
    process.stderr.write(`agentstats: processor worker failed: ${String(error)}\n`);
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
