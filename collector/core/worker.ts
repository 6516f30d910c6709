/**
 * Piscina worker: loads the configured processors once, then runs the chain over each batch.
 */
import { workerData } from 'node:worker_threads';
import type { CanonicalEvent } from './event.js';
import type { Processor, ProcessorFactory } from './component.js';
import type { WorkerInit } from './pool.js';
import { resolveConfigPath } from './paths.js';

const init = workerData as WorkerInit;

const chain: Processor[] = [];
for (const spec of init.processors) {
  const mod = (await import(spec.module)) as { default: ProcessorFactory };
  const factory = mod.default;
  if (!factory || factory.kind !== 'processor') {
    throw new Error(`${spec.module} does not export a processor factory as default`);
  }
  chain.push(
    await factory.create(spec.config, { id: spec.id, resolvePath: (p) => resolveConfigPath(spec.baseDir, p) }),
  );
}

export default function runChain(events: CanonicalEvent[]): CanonicalEvent[] {
  let batch = events;
  for (const processor of chain) batch = processor.process(batch);
  return batch;
}
