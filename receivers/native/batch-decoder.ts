/**
 * Decodes native batch bodies: small ones on the main thread (a worker round trip costs more than
 * they do), larger ones on the receiver's own worker thread, which also runs the pipeline's
 * processor chain on them (decode-worker.ts). Parsing and validating 25 events costs the main
 * thread ~0.5 ms; moving the text out and the finished events back costs it a fraction of that.
 */
import { OnDemandWorker } from '../../collector/core/on-demand-worker.js';
import type { ChainRef } from '../../collector/core/chain.js';
import { decodeBatch, type DecodeOptions } from './decode.js';
import type { DecodeAnswer, DecodeWorkerInit } from './decode-worker.js';

export class BatchDecoder {
  private readonly worker: OnDemandWorker<string, DecodeAnswer>;

  /** @param offThreadBytes bodies at least this long (UTF-16 units) go to the worker (0: never). */
  constructor(
    private readonly options: DecodeOptions,
    chain: ChainRef | null,
    private readonly offThreadBytes: number,
  ) {
    this.worker = new OnDemandWorker(new URL('./decode-worker.js', import.meta.url), { options, chain } satisfies DecodeWorkerInit);
  }

  async decode(body: string): Promise<DecodeAnswer> {
    if (this.offThreadBytes === 0 || body.length < this.offThreadBytes) {
      const decoded = decodeBatch(body, this.options);
      return 'refused' in decoded ? decoded : { ...decoded, processed: null };
    }
    return this.worker.run(body);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
