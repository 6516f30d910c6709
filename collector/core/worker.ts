/**
 * Piscina worker: loads the configured processors once, then runs the chain over each batch.
 * A processor that cannot be loaded or created is remembered, not thrown at load: the pool's
 * ready() check (a `null` task) then fails with the processor's id and start-up stops, instead of
 * piscina replacing a dying worker forever while every batch fails.
 */
import { workerData } from 'node:worker_threads';
import type { CanonicalEvent } from './event.js';
import type { Processor, ProcessorFactory } from './component.js';
import type { ChainResult, WorkerInit } from './pool.js';
import { resolveConfigPath } from './paths.js';

const init = workerData as WorkerInit;

const chain: Processor[] = [];
let initError: string | null = null;
for (const spec of init.processors) {
  try {
    const mod = (await import(spec.module)) as { default: ProcessorFactory };
    const factory = mod.default;
    if (!factory || factory.kind !== 'processor') throw new Error(`${spec.module} does not export a processor factory as default`);
    const processor = await factory.create(spec.config, { id: spec.id, resolvePath: (p) => resolveConfigPath(spec.baseDir, p) });
    if (!processor || typeof processor.process !== 'function') throw new Error('create() must return an object with process(events)');
    chain.push(processor);
  } catch (error) {
    initError = `processor ${spec.id}: could not be created: ${error instanceof Error ? error.message : String(error)}`;
    break;
  }
}

/**
 * Runs the chain; a processor that throws is named in the answer rather than thrown anonymously.
 * `null` asks whether the chain loaded (the pool's ready check).
 */
export default function runChain(events: CanonicalEvent[] | null): ChainResult | null {
  if (initError) throw new Error(initError);
  if (events === null) return null;
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
