/**
 * The processor pool: a piscina worker pool running one pipeline's processor chain, one task per
 * batch. A round trip costs tens of microseconds, so tasks are always whole batches, never events.
 */
import { Piscina } from 'piscina';
import type { CanonicalEvent } from './event.js';
import type { Logger } from './component.js';

export interface ProcessorSpec {
  /** Component id from config (`type` or `type/name`). */
  id: string;
  /** URL of a module whose default export is a ProcessorFactory. */
  module: string;
  /** The validated config, defaults included. */
  config: unknown;
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
}

export interface WorkerInit {
  processors: ProcessorSpec[];
}

export interface ProcessedBatch {
  events: CanonicalEvent[];
  /** How many events each processor passed on, in chain order (its input is the one before). */
  passed: number[];
}

/** What a worker task answers: the processed batch, or which processor threw. */
export type ChainResult = ProcessedBatch | { failedAt: number; message: string };

/** A processor threw on a batch; `processorId` names it (self-telemetry counts it failed). */
export class ProcessorError extends Error {
  constructor(
    readonly processorId: string,
    message: string,
  ) {
    super(`processor ${processorId}: ${message}`);
  }
}

export interface ProcessorPool {
  run(events: CanonicalEvent[]): Promise<ProcessedBatch>;
  close(): Promise<void>;
}

export interface StartingPool extends ProcessorPool {
  /** Resolves once a worker has created every processor; rejects naming the one that failed. */
  ready(): Promise<void>;
}

/**
 * `onDemand`: no thread starts until a batch needs one, and ready() checks nothing — for a run-once
 * import, whose receiver runs the chain in its own workers and checks it there (files: host.chain).
 */
export function createProcessorPool(processors: ProcessorSpec[], workers: number, logger: Logger, { onDemand = false } = {}): StartingPool {
  // Workers load compiled JavaScript: the pool runs from dist/ (npm start, npm run dev, tests).
  const workerUrl = new URL('./worker.js', import.meta.url);
  const init: WorkerInit = { processors };
  const piscina = new Piscina({
    filename: workerUrl.href,
    minThreads: onDemand ? 0 : workers,
    maxThreads: workers,
    workerData: init,
    idleTimeout: Infinity,
  });
  // A worker that dies is replaced by piscina; its task fails and the batch is answered with an
  // error. Without a listener the 'error' event would take the whole server down.
  piscina.on('error', (error: unknown) => logger.error('processor worker failed', { error: String(error) }));
  return {
    async ready() {
      if (processors.length > 0 && !onDemand) await piscina.run(null);
    },
    async run(events) {
      if (events.length === 0 || processors.length === 0) return { events, passed: processors.map(() => events.length) };
      const result = (await piscina.run(events)) as ChainResult;
      if ('failedAt' in result) throw new ProcessorError(processors[result.failedAt].id, result.message);
      return result;
    },
    async close() {
      await piscina.destroy();
    },
  };
}
