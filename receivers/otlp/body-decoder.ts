/**
 * Decodes OTLP bodies: small ones on the main thread (a worker round trip costs more than they do),
 * large ones on a worker thread, so that a 16 MB protobuf export (protobufjs decode + toObject takes
 * seconds) never holds up other answers. Decompression runs in libuv's pool either way.
 */
import { Piscina } from 'piscina';
import { decodeBody, decompress, OtlpHttpError, type Encoding } from './decode.js';
import type { DecodeAnswer, DecodeTask } from './decode-worker.js';
import type { Signal } from './proto.js';

export class BodyDecoder {
  private pool: Piscina | null = null;

  /** @param offThreadBytes decoded bodies at least this large go to the worker (0: never). */
  constructor(private readonly offThreadBytes: number) {}

  /** The Export*ServiceRequest as a plain object; throws OtlpHttpError (400/413/415). */
  async decode(signal: Signal, encoding: Encoding, raw: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Record<string, unknown>> {
    const body = await decompress(raw, contentEncoding, maxBytes);
    if (this.offThreadBytes === 0 || body.length < this.offThreadBytes) return decodeBody(signal, encoding, body);
    // One thread, started on the first large body: decoding is rare and bursty, and back-pressure
    // (admission control, the pipeline's queue) already bounds how many wait for it.
    this.pool ??= new Piscina({ filename: new URL('./decode-worker.js', import.meta.url).href, minThreads: 0, maxThreads: 1, idleTimeout: 60_000 });
    const task: DecodeTask = { signal, encoding, body };
    const answer = (await this.pool.run(task)) as DecodeAnswer;
    if ('error' in answer) throw new OtlpHttpError(answer.error.status, answer.error.message);
    return answer.ok;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
