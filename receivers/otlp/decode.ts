/**
 * Transport-level decoding shared by OTLP/HTTP: content type, content encoding (with the decoded
 * size bounded, so a small gzip bomb cannot grow past the body limit), and the request body itself.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decodeProtobufRequest, type Signal } from './proto.js';

export type Encoding = 'json' | 'protobuf';

/** An error that maps to one HTTP status and OTLP/gRPC-style message. */
export class OtlpHttpError extends Error {
  constructor(
    readonly statusCode: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export function encodingOf(contentType: string | undefined): Encoding | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return null;
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** Decompresses per Content-Encoding, refusing output larger than maxBytes. */
export async function decompress(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let out = body;
  for (const coding of codings.reverse()) {
    const fn = coding === 'gzip' || coding === 'x-gzip' ? gunzip : coding === 'deflate' ? inflate : coding === 'br' ? brotli : null;
    if (!fn) throw new OtlpHttpError(415, `unsupported Content-Encoding "${coding}" (use gzip or none)`);
    try {
      out = await fn(out, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new OtlpHttpError(413, `decompressed body is larger than ${Math.floor(maxBytes / 1024)} KB`);
      }
      throw new OtlpHttpError(400, `body is not valid ${coding} data`);
    }
  }
  return out;
}

/** The Export*ServiceRequest as a plain object in OTLP/JSON form; throws OtlpHttpError(400). */
export function decodeBody(signal: Signal, encoding: Encoding, body: Buffer): Record<string, unknown> {
  let decoded: unknown;
  if (encoding === 'json') {
    if (body.length === 0) return {};
    try {
      decoded = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new OtlpHttpError(400, `body is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      decoded = decodeProtobufRequest(signal, body);
    } catch (error) {
      throw new OtlpHttpError(400, `body is not a valid protobuf ${requestName(signal)}: ${(error as Error).message}`);
    }
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new OtlpHttpError(400, `body must be a JSON object (${requestName(signal)})`);
  }
  const list = (decoded as Record<string, unknown>)[TOP_LEVEL[signal]];
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    throw new OtlpHttpError(400, `${TOP_LEVEL[signal]} must be an array`);
  }
  return decoded as Record<string, unknown>;
}

const TOP_LEVEL: Record<Signal, string> = { logs: 'resourceLogs', metrics: 'resourceMetrics', traces: 'resourceSpans' };

export function requestName(signal: Signal): string {
  return `Export${signal === 'logs' ? 'Logs' : signal === 'metrics' ? 'Metrics' : 'Trace'}ServiceRequest`;
}
