/** The `otlp` exporter's config: where to forward, how, and how much may wait. */
import type { JsonSchema } from '../../collector/core/component.js';

export type ForwardProtocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface OtlpExporterConfig {
  /** Base URL; `/v1/logs` etc. are appended as with OTEL_EXPORTER_OTLP_ENDPOINT. gRPC: http(s)://host:port. */
  endpoint: string | null;
  protocol: ForwardProtocol;
  /** Sent with every request (API keys, `authorization`); never logged. */
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeout_ms: number;
  /** Most records in one export request. */
  batch_size: number;
  /** How long a partly filled batch waits for more before it is sent. */
  batch_delay_ms: number;
  /** Most records waiting to be forwarded; beyond it the oldest are skipped (counted as dropped). */
  max_queue: number;
  retry_initial_ms: number;
  retry_max_ms: number;
  /** The name this machine's records carry (`agentstats.machine`); null = the host name. */
  machine: string | null;
  /** Prompt text and tool content leave the machine only with this on (and only if stored at all). */
  send_prompts: boolean;
  /** On the first start: forward what is already stored (`all`) or only what is stored from now on (`new`). */
  backfill: 'all' | 'new';
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: {
      type: ['string', 'null'],
      description: 'Base URL of the OTLP receiver (`/v1/logs`, `/v1/traces`, `/v1/metrics` are appended for HTTP); gRPC: `http://host:4317` (https = TLS). Env `AGENTSTATS_FORWARD_ENDPOINT`.',
    },
    protocol: { enum: ['http/protobuf', 'http/json', 'grpc'], description: 'Transport and encoding. Env `AGENTSTATS_FORWARD_PROTOCOL`.' },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Headers (gRPC: metadata) on every request, e.g. `authorization`; shown as <set>, never logged. Env `AGENTSTATS_FORWARD_HEADERS` (`key=value,…`).',
    },
    compression: { enum: ['gzip', 'none'], description: 'Request body compression.' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 600000, description: 'ms before a request counts as failed (and is retried).' },
    batch_size: { type: 'integer', minimum: 1, maximum: 10000, description: 'Most records in one export request.' },
    batch_delay_ms: { type: 'integer', minimum: 0, maximum: 600000, description: 'ms a partly filled batch waits for more records.' },
    max_queue: {
      type: 'integer',
      minimum: 1,
      description: 'Most records waiting to be forwarded (the queue is the database itself); beyond it the oldest are skipped and counted as `dropped`.',
    },
    retry_initial_ms: { type: 'integer', minimum: 10, maximum: 600000, description: 'First retry delay; doubles per failed attempt, with jitter.' },
    retry_max_ms: { type: 'integer', minimum: 10, maximum: 3600000, description: 'Longest retry delay (a longer `Retry-After` is still honoured).' },
    machine: { type: ['string', 'null'], maxLength: 256, description: 'This machine\'s name on forwarded records (`agentstats.machine`); null = the host name. Env `AGENTSTATS_MACHINE`.' },
    send_prompts: {
      type: 'boolean',
      description: 'Let stored prompt text and tool content leave the machine (needs `service.store_prompts` too); off: only their sizes are sent.',
    },
    backfill: { enum: ['all', 'new'], description: 'First start: forward the events, spans and metric points already stored (`all`) or only those stored from now on (`new`).' },
  },
};

export function defaultConfig(): OtlpExporterConfig {
  return {
    endpoint: null,
    protocol: 'http/protobuf',
    headers: {},
    compression: 'gzip',
    timeout_ms: 10_000,
    batch_size: 512,
    batch_delay_ms: 1000,
    max_queue: 1_000_000,
    retry_initial_ms: 1000,
    retry_max_ms: 60_000,
    machine: null,
    send_prompts: false,
    backfill: 'all',
  };
}

export function validate(config: OtlpExporterConfig): string[] {
  if (config.endpoint === null) return ['endpoint: is required (a URL such as http://collector:4318), or set AGENTSTATS_FORWARD_ENDPOINT'];
  let url: URL;
  try {
    url = new URL(config.endpoint);
  } catch {
    return [`endpoint: "${config.endpoint}" is not a URL`];
  }
  const problems: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push('endpoint: must be an http:// or https:// URL');
  if (url.username || url.password) problems.push('endpoint: put credentials in headers, not in the URL');
  if (config.retry_max_ms < config.retry_initial_ms) problems.push('retry_max_ms: must not be less than retry_initial_ms');
  return problems;
}

/** The URL of one signal, as the OTel SDK builds it from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function signalUrl(endpoint: string, signal: 'logs' | 'metrics' | 'traces'): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}
