/**
 * A pipeline's processor chain, loaded in a worker thread: the pipeline's own pool (worker.ts) and
 * any receiver that runs the chain in its own worker where it makes the events (history parsing,
 * native batch decoding), so that the events cross threads once instead of three times.
 */
import type { CanonicalEvent } from './event.js';
import type { Processor, ProcessorFactory } from './component.js';
import type { ChainResult, ProcessorSpec } from './pool.js';
import type { ProcessedBy } from './consumer.js';
import { resolveConfigPath } from './paths.js';

/**
 * The chain of the one pipeline a receiver feeds, as the receiver's own worker loads it. A batch
 * the receiver ran it on is submitted with `processed: { chain: key, … }` (consumer.ts).
 */
export interface ChainRef {
  key: string;
  specs: ProcessorSpec[];
}

export interface Chain {
  readonly processors: Processor[];
}

/** Imports and creates every processor of `specs`; throws naming the one that could not be made. */
export async function loadChain(specs: ProcessorSpec[]): Promise<Chain> {
  const processors: Processor[] = [];
  for (const spec of specs) {
    try {
      const mod = (await import(spec.module)) as { default: ProcessorFactory };
      const factory = mod.default;
      if (!factory || factory.kind !== 'processor') throw new Error(`${spec.module} does not export a processor factory as default`);
      const processor = await factory.create(spec.config, { id: spec.id, resolvePath: (p) => resolveConfigPath(spec.baseDir, p) });
      if (!processor || typeof processor.process !== 'function') throw new Error('create() must return an object with process(events)');
      processors.push(processor);
    } catch (error) {
      throw new Error(`processor ${spec.id}: could not be created: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return { processors };
}

/** Runs the chain over a batch; a processor that throws is named in the answer, not thrown. */
export function runChain(chain: Chain, events: CanonicalEvent[]): ChainResult {
  let batch = events;
  const passed: number[] = [];
  for (let i = 0; i < chain.processors.length; i++) {
    try {
      batch = chain.processors[i].process(batch);
    } catch (error) {
      return { failedAt: i, message: error instanceof Error ? error.message : String(error) };
    }
    passed.push(batch.length);
  }
  return { events: batch, passed };
}

/**
 * A receiver's run of the chain before it submits (ReceiverHost.chain): the events processed, with
 * what each processor did; or, when there is no chain here or a processor threw, the events as they
 * were, so the pipeline's own run of the chain processes them or fails them naming the processor.
 */
export function processForSubmit(
  chain: Chain | null,
  ref: ChainRef | null,
  events: CanonicalEvent[],
): { events: CanonicalEvent[]; processed?: ProcessedBy } {
  if (!chain || !ref) return { events };
  const result = runChain(chain, events);
  if ('failedAt' in result) return { events };
  return { events: result.events, processed: { chain: ref.key, input: events.length, passed: result.passed } };
}
