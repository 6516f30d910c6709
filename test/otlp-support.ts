/**
 * Helpers for the OTLP tests: a server with gRPC on an ephemeral port, OTLP/JSON builders, and a
 * raw POST that can gzip and pick the content type.
 */
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from './helpers/server.js';

export interface OtlpServer extends TestServer {
  grpcPort: number;
}

export async function startOtlpServer(env: Record<string, string> = {}): Promise<OtlpServer> {
  const server = await startTestServer({ env: { AGENTSTATS_GRPC_PORT: '0', ...env } });
  const match = /AgentStats OTLP\/gRPC listening on [^\s]+:(\d+)/.exec(server.output());
  return Object.assign(server, { grpcPort: match ? Number(match[1]) : -1 });
}

type Json = Record<string, unknown>;

/** Wraps a JS value as an AnyValue; objects that already are AnyValues ({intValue: '1'}) pass through. */
export function anyValue(v: unknown): Json {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 || keys.some((k) => k.endsWith('Value'))) return v as Json;
  }
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return {};
}

export function attributes(obj: Record<string, unknown>): Json[] {
  return Object.entries(obj).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export function logsRequest(resource: Record<string, unknown>, scope: string, records: Json[]): Json {
  return {
    resourceLogs: [
      { resource: { attributes: attributes(resource) }, scopeLogs: [{ scope: { name: scope }, logRecords: records }] },
    ],
  };
}

export function nanos(iso: string): string {
  return `${Date.parse(iso)}000000`;
}

export async function postRaw(
  server: TestServer,
  pathname: string,
  body: Buffer | string,
  opts: { contentType?: string; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; contentType: string | null; text: string; bytes: Buffer; json: any }> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
  if (opts.gzip) headers['content-encoding'] = 'gzip';
  const res = await fetch(server.url + pathname, { method: 'POST', headers, body: new Uint8Array(opts.gzip ? gzipSync(raw) : raw) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, bytes, json };
}

export function postJson(server: TestServer, pathname: string, body: unknown, gzip = false) {
  return postRaw(server, pathname, JSON.stringify(body), { contentType: 'application/json', gzip });
}
