/**
 * Piscina worker: loads the configured processors once, then runs the chain over each batch.
 */
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import type { CanonicalEvent } from './event.js';
import type { Processor, ProcessorFactory } from './component.js';
import type { ChainResult, WorkerInit } from './pool.js';

const init = workerData as WorkerInit;

const chain: Processor[] = [];
for (const spec of init.processors) {
  const mod = (await import(spec.module)) as { default: ProcessorFactory };
  const factory = mod.default;
  if (!factory || factory.kind !== 'processor') {
    throw new Error(`${spec.module} does not export a processor factory as default`);
  }
  chain.push(
    await factory.create(spec.config, { id: spec.id, resolvePath: (p) => path.resolve(spec.baseDir, p) }),
  );
}

/** Runs the chain; a processor that throws is named in the answer rather than thrown anonymously. */
export default function runChain(events: CanonicalEvent[]): ChainResult {
  let batch = events;
  const passed: number[] = [];
  for (let i = 0; i < chain.length; i++) {
    try {
      batch = chain[i].process(batch);
    } catch (error) {
      return { failedAt: i, message: error instanceof Error ? error.message : String(error) };
    }
    passed.push(batch.length);
  }
  return { events: batch, passed };
}
