/**
 * One export request over OTLP/HTTP (protobuf or JSON, optionally gzip) or OTLP/gRPC, with its
 * outcome classified for the retry loop: delivered, retry (with the server's Retry-After), or
 * refused for good. Header values are never logged or put in messages.
 */
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

// On libuv's thread pool, not the main thread that answers ingest.
const gzipAsync = promisify(gzip);
import * as grpc from '@grpc/grpc-js';
import { RETRYABLE_STATUS, parseRetryAfter } from './backoff.js';
import { signalUrl, type OtlpExporterConfig } from './config.js';

export type Signal = 'logs' | 'metrics' | 'traces';

export type SendOutcome =
  | { kind: 'ok'; rejected: number }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  /** 413: the batch is too large for the server; the caller halves it. */
  | { kind: 'too_large'; reason: string }
  | { kind: 'refused'; reason: string };

export interface Sender {
  send(signal: Signal, body: Uint8Array): Promise<SendOutcome>;
  close(): void;
}

const GRPC_PATHS: Record<Signal, string> = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
};

/** gRPC codes the OTLP spec calls retryable. */
const GRPC_RETRYABLE = new Set([
  grpc.status.CANCELLED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.ABORTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
  grpc.status.RESOURCE_EXHAUSTED,
]);

export function createSender(config: OtlpExporterConfig, rejectedOf: (signal: Signal, body: Uint8Array, json: boolean) => number): Sender {
  return config.protocol === 'grpc' ? grpcSender(config, rejectedOf) : httpSender(config, rejectedOf);
}

function httpSender(config: OtlpExporterConfig, rejectedOf: (signal: Signal, body: Uint8Array, json: boolean) => number): Sender {
  const json = config.protocol === 'http/json';
  const controllers = new Set<AbortController>();
  return {
    async send(signal, body) {
      const headers: Record<string, string> = {
        ...config.headers,
        'content-type': json ? 'application/json' : 'application/x-protobuf',
      };
      let payload: Uint8Array = body;
      if (config.compression === 'gzip') {
        payload = await gzipAsync(body);
        headers['content-encoding'] = 'gzip';
      }
      const controller = new AbortController();
      controllers.add(controller);
      const timer = setTimeout(() => controller.abort(), config.timeout_ms);
      try {
        const res = await fetch(signalUrl(config.endpoint!, signal), { method: 'POST', headers, body: payload as unknown as RequestInit['body'], signal: controller.signal });
        const answer = new Uint8Array(await res.arrayBuffer());
        if (res.ok) return { kind: 'ok', rejected: safeRejected(() => rejectedOf(signal, answer, json)) };
        const reason = `HTTP ${res.status}`;
        if (RETRYABLE_STATUS.has(res.status)) {
          return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()) };
        }
        if (res.status === 413) return { kind: 'too_large', reason };
        // A wrong or missing key is fixed by the user, not by dropping what waits: keep retrying.
        if (res.status === 401 || res.status === 403 || res.status === 404) return { kind: 'retry', reason, retryAfterMs: null };
        return { kind: 'refused', reason };
      } catch (error) {
        return { kind: 'retry', reason: networkReason(error), retryAfterMs: null };
      } finally {
        clearTimeout(timer);
        controllers.delete(controller);
      }
    },
    close() {
      for (const c of controllers) c.abort();
    },
  };
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : 'network error');
}

function safeRejected(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}

const passThrough = (b: Buffer) => b;

function grpcSender(config: OtlpExporterConfig, rejectedOf: (signal: Signal, body: Uint8Array, json: boolean) => number): Sender {
  const url = new URL(config.endpoint!);
  const port = url.port || (url.protocol === 'https:' ? '443' : '4317');
  const credentials = url.protocol === 'https:' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const options: grpc.ChannelOptions = config.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 } : {};
  const client = new grpc.Client(`${url.hostname}:${port}`, credentials, options);
  return {
    send(signal, body) {
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(config.headers)) metadata.set(key.toLowerCase(), value);
      return new Promise<SendOutcome>((resolve) => {
        client.makeUnaryRequest<Buffer, Buffer>(
          GRPC_PATHS[signal],
          passThrough,
          passThrough,
          Buffer.from(body),
          metadata,
          { deadline: Date.now() + config.timeout_ms },
          (error, answer) => {
            if (!error) return resolve({ kind: 'ok', rejected: safeRejected(() => rejectedOf(signal, answer ?? Buffer.alloc(0), false)) });
            const reason = `gRPC ${grpc.status[error.code] ?? error.code}`;
            if (GRPC_RETRYABLE.has(error.code) || error.code === grpc.status.UNAUTHENTICATED || error.code === grpc.status.PERMISSION_DENIED) {
              // The OTLP spec: RetryInfo in the status details says how long to wait; grpc-js does not
              // decode details, so the back-off alone applies.
              return resolve({ kind: 'retry', reason, retryAfterMs: null });
            }
            resolve({ kind: 'refused', reason });
          },
        );
      });
    },
    close() {
      client.close();
    },
  };
}
