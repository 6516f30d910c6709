/**
 * Decodes native batch bodies: small ones on the main thread (a worker round trip costs more than
 * they do), larger ones on the receiver's own worker thread, which also runs the pipeline's
 * processor chain on them (decode-worker.ts). Parsing and validating 25 events costs the main
 * thread ~0.5 ms; moving the text out and the finished events back costs it a fraction of that.
 */
import { Piscina } from 'piscina';
import type { ChainRef } from '../../collector/core/chain.js';
import { decodeBatch, type DecodeOptions } from './decode.js';
import type { DecodeAnswer, DecodeWorkerInit } from './decode-worker.js';

export class BatchDecoder {
  private pool: Piscina | null = null;

  /** @param offThreadBytes bodies at least this long (UTF-16 units) go to the worker (0: never). */
  constructor(
    private readonly options: DecodeOptions,
    private readonly chain: ChainRef | null,
    private readonly offThreadBytes: number,
  ) {}

  async decode(body: string): Promise<DecodeAnswer> {
    if (this.offThreadBytes === 0 || body.length < this.offThreadBytes) {
      const decoded = decodeBatch(body, this.options);
      return 'refused' in decoded ? decoded : { ...decoded, processed: null };
    }
    // One thread, started on the first large body and kept while batches keep coming: the
    // pipeline's queue and admission control bound how many bodies wait for it.
    this.pool ??= new Piscina({
      filename: new URL('./decode-worker.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: 60_000,
      workerData: { options: this.options, chain: this.chain } satisfies DecodeWorkerInit,
    });
    return (await this.pool.run(body)) as DecodeAnswer;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
