/**
 * The pipeline's processor chain run in the parse worker (ReceiverHost.chain): the events leave
 * the worker processed, in submit-sized batches, and the pipeline writes them as they are instead
 * of sending them through its own pool (two fewer copies of every event between threads).
 */
import { loadChain, processForSubmit, type Chain, type ChainRef } from '../../collector/core/chain.js';
import type { ProcessedBy } from '../../collector/core/consumer.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { packEvents, type PackedEvents } from '../../collector/core/packed-events.js';

/** Events per submitted batch: the unit of the pipeline's queue accounting. */
export const SLICE = 1000;

export interface EventBatch {
  /** Serialized here, once: the main thread hands the bytes on to the writer thread (packed-events.ts). */
  packed: PackedEvents;
  /** Absent when the chain could not run here: the pipeline then runs it (and reports its errors). */
  processed?: ProcessedBy;
}

const loaded = new Map<string, Promise<Chain>>();

/** The chain, loaded once per worker. */
function load(ref: ChainRef): Promise<Chain> {
  const id = `${ref.key}\n${JSON.stringify(ref.specs)}`;
  let chain = loaded.get(id);
  if (!chain) {
    chain = loadChain(ref.specs);
    chain.catch(() => undefined); // read by checkChain, or by chainOf as null
    loaded.set(id, chain);
  }
  return chain;
}

/** The chain; null when it cannot be loaded here. */
function chainOf(ref: ChainRef): Promise<Chain | null> {
  return load(ref).catch(() => null);
}

/**
 * Loads the chain before the first file is read; rejects naming the processor that cannot be
 * created (a run-once import stops there, as a server's start-up does).
 */
export async function checkChain(ref: ChainRef): Promise<void> {
  await load(ref);
}

/** Slices the events into batches, each run through the chain when there is one, and packed. */
export async function processedBatches(events: CanonicalEvent[], ref: ChainRef | null): Promise<EventBatch[]> {
  const chain = ref ? await chainOf(ref) : null;
  const batches: EventBatch[] = [];
  for (let i = 0; i < events.length; i += SLICE) {
    const { events: out, processed } = processForSubmit(chain, ref, events.slice(i, i + SLICE));
    batches.push(processed ? { packed: packEvents(out), processed } : { packed: packEvents(out) });
  }
  return batches;
}
