/**
 * Protobuf codecs for OTLP. Metrics and traces use the generated static code that ships with
 * @opentelemetry/otlp-transformer (the official .proto files compiled by pbjs). That package does
 * not generate the logs messages, so those few are declared below in .proto syntax (field numbers
 * from opentelemetry-proto logs.proto / common.proto) and compiled at start-up by protobufjs.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

interface StaticType {
  decode(reader: Uint8Array): unknown;
  toObject(message: unknown, options: protobuf.IConversionOptions): Record<string, unknown>;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

/** The part of the package's generated root this module uses (the file has no type declarations). */
interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        metrics: { v1: { ExportMetricsServiceRequest: StaticType; ExportMetricsServiceResponse: StaticType } };
        trace: { v1: { ExportTraceServiceRequest: StaticType; ExportTraceServiceResponse: StaticType } };
      };
    };
  };
}

const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as GeneratedRoot;
const collector = generated.opentelemetry.proto.collector;

const LOGS_PROTO = `
syntax = "proto3";
package agentstats.otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ScopeLogs {
  InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message ResourceLogs {
  Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }

// google.rpc.Status, the body of OTLP/HTTP error answers.
message Any { string type_url = 1; bytes value = 2; }
message Status {
  int32 code = 1;
  string message = 2;
  repeated Any details = 3;
}
`;

const logsRoot = protobuf.parse(LOGS_PROTO).root;
const logsRequest = logsRoot.lookupType('agentstats.otlp.ExportLogsServiceRequest');
const logsResponse = logsRoot.lookupType('agentstats.otlp.ExportLogsServiceResponse');
const status = logsRoot.lookupType('agentstats.otlp.Status');

export type Signal = 'logs' | 'metrics' | 'traces';

/** Plain-object form close to OTLP/JSON: 64-bit ints as strings, bytes as base64, enums as numbers. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, bytes: String, enums: Number, arrays: true };

const requestTypes: Record<Signal, StaticType> = {
  logs: logsRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
  traces: collector.trace.v1.ExportTraceServiceRequest,
};

const responseTypes: Record<Signal, StaticType> = {
  logs: logsResponse,
  metrics: collector.metrics.v1.ExportMetricsServiceResponse,
  traces: collector.trace.v1.ExportTraceServiceResponse,
};

/** Decodes an Export*ServiceRequest; throws on malformed or truncated input. */
export function decodeProtobufRequest(signal: Signal, bytes: Uint8Array): Record<string, unknown> {
  const type = requestTypes[signal];
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

/** Encodes an Export*ServiceResponse given in its JSON form ({} or {partialSuccess: {...}}). */
export function encodeProtobufResponse(signal: Signal, response: Record<string, unknown>): Buffer {
  const type = responseTypes[signal];
  return Buffer.from(type.encode(type.fromObject(response)).finish());
}

/** Encodes a google.rpc.Status for an error answer to a protobuf client. */
export function encodeStatus(code: number, message: string): Buffer {
  return Buffer.from(status.encode(status.fromObject({ code, message })).finish());
}

/** Only for tests and benchmarks: encodes a request given in OTLP/JSON-like object form. */
export function encodeProtobufRequest(signal: Signal, request: Record<string, unknown>): Buffer {
  const type = requestTypes[signal];
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}
