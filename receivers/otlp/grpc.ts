/**
 * OTLP/gRPC transport: the three Export methods on one grpc-js server. Messages are passed through
 * as raw bytes and decoded by the same protobuf codecs as OTLP/HTTP; grpc-js itself handles
 * `grpc-encoding: gzip` (Gemini CLI compresses) and enforces the message size limit after
 * decompression.
 */
import * as grpc from '@grpc/grpc-js';
import { tokenMatches } from '../../collector/core/auth.js';
import { submitFailure, GRPC_STATUS } from '../../collector/core/errors.js';
import type { Logger } from '../../collector/core/component.js';
import { encodeProtobufResponse, type Signal } from './proto.js';
import type { BodyDecoder } from './body-decoder.js';
import type { OtlpSignals } from './signals.js';

export interface GrpcOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  /** When set, calls must carry `authorization: Bearer <token>` metadata. */
  token: string | null;
  logger: Logger;
  decoder: BodyDecoder;
}

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

const SERVICES: Array<[Signal, string]> = [
  ['logs', '/opentelemetry.proto.collector.logs.v1.LogsService/Export'],
  ['metrics', '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export'],
  ['traces', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'],
];

const passThrough = (b: Buffer) => b;

export async function startGrpc(signals: OtlpSignals, opts: GrpcOptions): Promise<GrpcServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
  });
  for (const [signal, path] of SERVICES) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      void exportCall(signal, call, signals, opts).then(
        (response) => callback(null, response),
        (error: Partial<grpc.StatusObject>) => callback(error),
      );
    };
    server.addService(definition, { Export: handler });
  }
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/** What grpc-js sends back as the call's status: an Error that carries the code and details. */
class GrpcStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

async function exportCall(
  signal: Signal,
  call: grpc.ServerUnaryCall<Buffer, Buffer>,
  signals: OtlpSignals,
  opts: GrpcOptions,
): Promise<Buffer> {
  if (opts.token && !authorized(call.metadata, opts.token)) {
    throw new GrpcStatusError(grpc.status.UNAUTHENTICATED, 'send authorization: Bearer <token> (service.http.token)');
  }
  let request: Record<string, unknown>;
  try {
    request = await opts.decoder.decode(signal, 'protobuf', call.request, undefined, opts.maxMessageBytes);
  } catch (error) {
    throw new GrpcStatusError(grpc.status.INVALID_ARGUMENT, `undecodable request: ${(error as Error).message}`);
  }
  try {
    const response = await signals.export(signal, request, 'base64');
    return encodeProtobufResponse(signal, response);
  } catch (error) {
    // OTLP/gRPC: UNAVAILABLE is retryable, which is what a full queue wants.
    const failure = submitFailure(error);
    if (failure.grpcCode !== GRPC_STATUS.UNAVAILABLE) opts.logger.error('otlp grpc export failed', { error: String(error) });
    throw new GrpcStatusError(failure.grpcCode, failure.message);
  }
}

function authorized(metadata: grpc.Metadata, token: string): boolean {
  const given = metadata.get('authorization')[0];
  if (typeof given !== 'string' || !given.startsWith('Bearer ')) return false;
  return tokenMatches(token, given.slice(7));
}
