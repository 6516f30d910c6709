/**
 * Piscina worker: loads the configured processors once, then runs the chain over each batch.
 * A processor that cannot be loaded or created is remembered, not thrown at load: the pool's
 * ready() check (a `null` task) then fails with the processor's id and start-up stops, instead of
 * piscina replacing a dying worker forever while every batch fails.
 */
import { workerData } from 'node:worker_threads';
import type { CanonicalEvent } from './event.js';
import type { ChainResult, WorkerInit } from './pool.js';
import { loadChain, runChain, type Chain } from './chain.js';

const init = workerData as WorkerInit;

let chain: Chain | null = null;
let initError: string | null = null;
try {
  chain = await loadChain(init.processors);
} catch (error) {
  initError = error instanceof Error ? error.message : String(error);
}

/** Runs the chain (chain.ts). `null` asks whether the chain loaded (the pool's ready check). */
export default function processBatch(events: CanonicalEvent[] | null): ChainResult | null {
  if (initError) throw new Error(initError);
  if (events === null) return null;
  return runChain(chain!, events);
}
