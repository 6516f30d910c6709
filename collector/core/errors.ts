/**
 * One error catalog for every route (code → status and default message), and one mapping of
 * pipeline failures to an HTTP status and a gRPC status code, shared by all receivers. Pure data:
 * the fastify reply helpers live in collector/server/errors.ts.
 */
import { BackpressureError, StorageUnavailableError } from './consumer.js';

export const ERRORS = {
  bad_request: { status: 400, message: 'the request is not valid' },
  invalid_event: { status: 400, message: 'the event is not valid' },
  invalid_otlp: { status: 400, message: 'the OTLP body cannot be decoded' },
  unauthorized: { status: 401, message: 'send Authorization: Bearer <token>' },
  forbidden_host: { status: 403, message: 'Host header must name this machine (localhost or 127.0.0.1)' },
  cross_site_request: { status: 403, message: 'cross-site writes are not allowed' },
  not_found: { status: 404, message: 'not found' },
  read_only: { status: 409, message: 'defined in the config file: change it there' },
  batch_too_large: { status: 413, message: 'too many events in one batch' },
  payload_too_large: { status: 413, message: 'the body is too large' },
  unsupported_media_type: { status: 415, message: 'unsupported content type' },
  overloaded: { status: 503, message: 'ingest queue is full, retry later' },
  storage_unavailable: { status: 503, message: 'storage cannot take writes right now (disk full or read-only), retry later' },
  too_many_clients: { status: 503, message: 'too many stream clients' },
  ingest_failed: { status: 500, message: 'the batch could not be stored' },
  internal_error: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** gRPC status codes used here (numeric values from the gRPC spec, so the core needs no grpc-js). */
export const GRPC_STATUS = { INVALID_ARGUMENT: 3, UNAUTHENTICATED: 16, UNAVAILABLE: 14, INTERNAL: 13 } as const;

export interface SubmitFailure {
  code: ErrorCode;
  status: number;
  grpcCode: number;
  message: string;
  /** Seconds the client should wait before retrying, when a retry can succeed. */
  retryAfterSeconds?: number;
}

/** What a failed pipeline submit means for the client, on any transport. */
export function submitFailure(error: unknown): SubmitFailure {
  if (error instanceof BackpressureError) {
    return {
      code: 'overloaded',
      status: ERRORS.overloaded.status,
      grpcCode: GRPC_STATUS.UNAVAILABLE,
      message: ERRORS.overloaded.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof StorageUnavailableError) {
    return {
      code: 'storage_unavailable',
      status: ERRORS.storage_unavailable.status,
      grpcCode: GRPC_STATUS.UNAVAILABLE,
      message: `${ERRORS.storage_unavailable.message}: ${error.reason}`,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  return {
    code: 'ingest_failed',
    status: ERRORS.ingest_failed.status,
    grpcCode: GRPC_STATUS.INTERNAL,
    message: ERRORS.ingest_failed.message,
  };
}
