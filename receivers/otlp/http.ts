/**
 * OTLP/HTTP transport: POST <prefix>/v1/{logs,metrics,traces} with application/json or
 * application/x-protobuf bodies, optionally gzip-compressed, chunked or not. Answers as OTLP/HTTP
 * specifies: 200 with the Export*ServiceResponse in the request's content type; 400 undecodable;
 * 413 too large (before or after decompression); 415 unknown content type or encoding.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../collector/core/errors.js';
import { replyError, replySubmitError } from '../../collector/server/errors.js';
import { encodingOf, OtlpHttpError, type Encoding } from './decode.js';
import type { BodyDecoder } from './body-decoder.js';
import { encodeProtobufResponse, encodeStatus, type Signal } from './proto.js';
import type { OtlpSignals } from './signals.js';

export interface HttpOptions {
  /** Path prefixes the /v1/<signal> routes are mounted under ('' = the standard /v1/...). */
  prefixes: string[];
  /** Most bytes accepted, both on the wire and after decompression. */
  bodyLimit: number;
  decoder: BodyDecoder;
}

const SIGNALS: Signal[] = ['logs', 'metrics', 'traces'];

/** google.rpc.Code for the HTTP statuses OTLP errors use. */
const RPC_CODE: Record<number, number> = { 400: 3, 413: 8, 415: 3 };

export function registerHttp(scope: FastifyInstance, signals: OtlpSignals, opts: HttpOptions): void {
  // Every body is read raw: JSON and protobuf alike may be gzip-compressed, so parsing waits for
  // the handler. Unknown content types are answered 415 there, in OTLP form.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.bodyLimit }, (_req, body, done) => {
    done(null, body);
  });

  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : error.statusCode;
    // Whatever fastify refuses before the handler (a bad Content-Length, an aborted body…) is the
    // client's problem and gets its 4xx in OTLP form; only the server's own faults are 500.
    if (status !== undefined && status >= 400 && status < 500) {
      return sendError(reply, encodingOf(request.headers['content-type']), status, error.message);
    }
    request.log.error({ err: error }, 'otlp request failed');
    return replyError(reply, 'internal_error');
  });

  for (const prefix of opts.prefixes) {
    for (const signal of SIGNALS) {
      scope.post(`${prefix}/v1/${signal}`, { bodyLimit: opts.bodyLimit }, (request, reply) =>
        handle(signal, request, reply, signals, opts),
      );
    }
  }
}

async function handle(
  signal: Signal,
  request: FastifyRequest,
  reply: FastifyReply,
  signals: OtlpSignals,
  opts: HttpOptions,
): Promise<FastifyReply> {
  const encoding = encodingOf(request.headers['content-type']);
  if (!encoding) {
    return sendError(
      reply,
      null,
      415,
      `unsupported Content-Type "${request.headers['content-type'] ?? ''}": use application/json or application/x-protobuf`,
    );
  }
  let decoded: Record<string, unknown>;
  try {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    decoded = await opts.decoder.decode(signal, encoding, raw, header(request.headers['content-encoding']), opts.bodyLimit);
  } catch (error) {
    if (error instanceof OtlpHttpError) return sendError(reply, encoding, error.statusCode, error.message);
    throw error;
  }
  let response: Record<string, unknown>;
  try {
    response = await signals.export(signal, decoded, encoding === 'json' ? 'hex' : 'base64');
  } catch (error) {
    return replySubmitError(reply, error);
  }
  if (encoding === 'protobuf') {
    return reply.code(200).header('content-type', 'application/x-protobuf').send(encodeProtobufResponse(signal, response));
  }
  return reply.code(200).header('content-type', 'application/json').send(response);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** An error as google.rpc.Status, in protobuf for protobuf clients and JSON otherwise. */
function sendError(reply: FastifyReply, encoding: Encoding | null, status: number, message: string): FastifyReply {
  const code = RPC_CODE[status] ?? 2;
  if (encoding === 'protobuf') {
    return reply.code(status).header('content-type', 'application/x-protobuf').send(encodeStatus(code, message));
  }
  const error: ErrorCode = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_otlp';
  return reply.code(status).header('content-type', 'application/json').send({ code, error, message });
}
