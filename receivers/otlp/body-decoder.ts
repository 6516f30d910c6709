/**
 * Decodes OTLP bodies: small ones on the main thread (a worker round trip costs more than they do),
 * large ones on a worker thread, so that a 16 MB protobuf export (protobufjs decode + toObject takes
 * seconds) never holds up other answers. Decompression runs in libuv's pool either way.
 */
import { OnDemandWorker } from '../../collector/core/on-demand-worker.js';
import { decodeBody, decompress, OtlpHttpError, type Encoding } from './decode.js';
import type { DecodeAnswer, DecodeTask } from './decode-worker.js';
import type { Signal } from './proto.js';

export class BodyDecoder {
  private readonly worker = new OnDemandWorker<DecodeTask, DecodeAnswer>(new URL('./decode-worker.js', import.meta.url));

  /** @param offThreadBytes decoded bodies at least this large go to the worker (0: never). */
  constructor(private readonly offThreadBytes: number) {}

  /** The Export*ServiceRequest as a plain object; throws OtlpHttpError (400/413/415). */
  async decode(signal: Signal, encoding: Encoding, raw: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Record<string, unknown>> {
    const body = await decompress(raw, contentEncoding, maxBytes);
    if (this.offThreadBytes === 0 || body.length < this.offThreadBytes) return decodeBody(signal, encoding, body);
    const answer = await this.worker.run({ signal, encoding, body });
    if ('error' in answer) throw new OtlpHttpError(answer.error.status, answer.error.message);
    return answer.ok;
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
