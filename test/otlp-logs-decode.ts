/**
 * Decodes an OTLP ExportLogsServiceRequest (protobuf) for tests with the OpenTelemetry JS SDK's own
 * generated codecs (@opentelemetry/otlp-transformer's root: Resource, InstrumentationScope,
 * KeyValue, AnyValue). The package ships no LogRecord codec, so the three envelope messages are
 * walked here by their field numbers from opentelemetry-proto's logs.proto; every value inside is
 * decoded by the SDK's code.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const common = root.opentelemetry.proto.common.v1;
const resourceV1 = root.opentelemetry.proto.resource.v1;

type Attrs = Record<string, unknown>;

export interface DecodedLog {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attrs;
}

export interface DecodedResourceLogs {
  resource: Attrs;
  scopes: Array<{ name: string; version: string; records: DecodedLog[] }>;
}

function value(v: any): unknown {
  const o = common.AnyValue.toObject(v, { longs: String, defaults: false });
  if (o.stringValue !== undefined) return o.stringValue;
  if (o.boolValue !== undefined) return o.boolValue;
  if (o.intValue !== undefined) return Number(o.intValue);
  if (o.doubleValue !== undefined) return o.doubleValue;
  return o;
}

function attrs(list: any[]): Attrs {
  return Object.fromEntries(list.map((kv) => [kv.key, value(kv.value)]));
}

function fixed64(r: protobuf.Reader): bigint {
  const lo = BigInt(r.fixed32() >>> 0);
  const hi = BigInt(r.fixed32() >>> 0);
  return (hi << 32n) | lo;
}

function logRecord(bytes: Uint8Array): DecodedLog {
  const r = protobuf.Reader.create(bytes);
  const out: DecodedLog = { timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: undefined, attributes: {} };
  const kvs: any[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: out.timeUnixNano = fixed64(r); break;
      case 11: out.observedTimeUnixNano = fixed64(r); break;
      case 2: out.severityNumber = r.int32(); break;
      case 3: out.severityText = r.string(); break;
      case 5: out.body = value(common.AnyValue.decode(r.bytes())); break;
      case 6: kvs.push(common.KeyValue.decode(r.bytes())); break;
      default: r.skipType(tag & 7);
    }
  }
  out.attributes = attrs(kvs);
  return out;
}

function scopeLogs(bytes: Uint8Array) {
  const r = protobuf.Reader.create(bytes);
  const scope = { name: '', version: '', records: [] as DecodedLog[] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      const s = common.InstrumentationScope.decode(r.bytes());
      scope.name = s.name;
      scope.version = s.version;
    } else if (tag >>> 3 === 2) scope.records.push(logRecord(r.bytes()));
    else r.skipType(tag & 7);
  }
  return scope;
}

export function decodeLogsRequest(bytes: Uint8Array): DecodedResourceLogs[] {
  const r = protobuf.Reader.create(bytes);
  const out: DecodedResourceLogs[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      r.skipType(tag & 7);
      continue;
    }
    const rl = protobuf.Reader.create(r.bytes());
    const entry: DecodedResourceLogs = { resource: {}, scopes: [] };
    while (rl.pos < rl.len) {
      const t = rl.uint32();
      if (t >>> 3 === 1) entry.resource = attrs(resourceV1.Resource.decode(rl.bytes()).attributes);
      else if (t >>> 3 === 2) entry.scopes.push(scopeLogs(rl.bytes()));
      else rl.skipType(t & 7);
    }
    out.push(entry);
  }
  return out;
}
