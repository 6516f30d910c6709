/**
 * The native receiver's worker: a batch body is parsed, validated and run through the pipeline's
 * processor chain here, so the main thread only moves text in and finished events out (one copy
 * of each event between threads instead of three; see docs/benchmarks.md, issue 14).
 */
import { workerData } from 'node:worker_threads';
import { loadChain, processForSubmit, type Chain, type ChainRef } from '../../collector/core/chain.js';
import type { ProcessedBy } from '../../collector/core/consumer.js';
import { packEvents, type PackedEvents } from '../../collector/core/packed-events.js';
import { decodeBatch, type Decoded, type DecodeOptions, type DecodeRefusal } from './decode.js';

export interface DecodeWorkerInit {
  options: DecodeOptions;
  /** The chain of the pipeline this receiver feeds (null: the pipeline runs its own). */
  chain: ChainRef | null;
}

/** Decoded on the main thread, the events as they are; on this worker, packed (the main thread reads only their ids). */
export type DecodeAnswer =
  | DecodeRefusal
  | (Decoded & { processed: ProcessedBy | null })
  | (Omit<Decoded, 'valid'> & { packed: PackedEvents; processed: ProcessedBy | null });

const init = workerData as DecodeWorkerInit;
// A chain that cannot load here leaves the batches to the pipeline's own pool, which reports why.
const chain: Chain | null = init.chain ? await loadChain(init.chain.specs).catch(() => null) : null;

export default function decodeTask(body: string): DecodeAnswer {
  const decoded = decodeBatch(body, init.options);
  if ('refused' in decoded) return decoded;
  if (decoded.valid.length === 0) return { ...decoded, processed: null };
  const { events, processed } = processForSubmit(chain, init.chain, decoded.valid);
  return { received: decoded.received, packed: packEvents(events), rejected: decoded.rejected, processed: processed ?? null };
}
