/**
 * Worker side of BodyDecoder: decodes one large OTLP body (JSON or protobuf) off the main thread.
 * An undecodable body is answered as data ({status, message}), so the 400 keeps its message.
 */
import { decodeBody, OtlpHttpError, type Encoding } from './decode.js';
import type { Signal } from './proto.js';

export interface DecodeTask {
  signal: Signal;
  encoding: Encoding;
  body: Uint8Array;
}

export type DecodeAnswer = { ok: Record<string, unknown> } | { error: { status: 400 | 413 | 415; message: string } };

export default function decodeTask(task: DecodeTask): DecodeAnswer {
  try {
    return { ok: decodeBody(task.signal, task.encoding, Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength)) };
  } catch (error) {
    if (error instanceof OtlpHttpError) return { error: { status: error.statusCode, message: error.message } };
    throw error;
  }
}
