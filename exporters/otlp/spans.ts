/**
 * Stored spans → the ReadableSpan shape otlp-transformer's trace serializers read (never
 * hand-built OTLP). The OTLP span is the one stored: ids, parent, name, kind, times, status,
 * attributes, span events and links. Beside the span's own attributes go the facts AgentStats
 * derived — `agentstats.machine`, `agentstats.session_id`, `agentstats.agent_type`,
 * `agentstats.duration_ms` and `agentstats.extra` (JSON) — from which a receiving AgentStats
 * stores the span exactly as the sender did (receivers/otlp/forwarded-telemetry.ts).
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from '../../collector/core/storage.js';
import { redactContent } from '../../collector/core/privacy.js';
import { hrTime, type PlainResource } from './log-records.js';

const SCOPE = 'agentstats.forward';

type Attrs = Record<string, unknown>;

/** OTLP attribute values: nulls left out (OTLP has no null). */
function attrs(values: Attrs): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

function isoHr(iso: string | null | undefined): [number, number] {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? [0, 0] : hrTime(ms);
}

export function toReadableSpan(span: SpanRecord, resource: PlainResource, sendPrompts: boolean): ReadableSpan {
  const machine = String(resource.attributes['agentstats.machine']);
  const extra = redactContent(span.extra, sendPrompts);
  const events = Array.isArray(extra.events) ? (extra.events as Attrs[]) : [];
  const links = Array.isArray(extra.links) ? (extra.links as Attrs[]) : [];
  const own = attrs(redactContent(span.attributes, sendPrompts));
  const forwarded = attrs({
    'agentstats.machine': machine,
    'agentstats.session_id': span.session_id,
    'agentstats.agent_type': span.agent_type,
    'agentstats.duration_ms': span.duration_ms,
    'agentstats.extra': JSON.stringify(extra),
  });
  const readable = {
    name: span.name,
    // The SDK's SpanKind starts at INTERNAL = 0; OTLP (as stored) at INTERNAL = 1.
    kind: span.kind ? span.kind - 1 : undefined,
    spanContext: () => ({ traceId: span.trace_id, spanId: span.span_id, traceFlags: 1 }),
    parentSpanContext: span.parent_span_id ? { traceId: span.trace_id, spanId: span.parent_span_id, traceFlags: 1 } : undefined,
    startTime: isoHr(span.start_time),
    endTime: isoHr(span.end_time),
    status: { code: span.status_code ?? 0, message: sendPrompts ? (span.status_message ?? undefined) : undefined },
    attributes: { ...own, ...forwarded },
    links: links
      .filter((l) => typeof l.trace_id === 'string' && typeof l.span_id === 'string')
      .map((l) => ({ context: { traceId: l.trace_id, spanId: l.span_id, traceFlags: 1 }, attributes: attrs((l.attributes as Attrs) ?? {}) })),
    events: events.map((e) => ({ name: typeof e.name === 'string' ? e.name : '', time: isoHr(e.time as string | null), attributes: attrs((e.attributes as Attrs) ?? {}) })),
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: { name: typeof extra.scope === 'string' ? extra.scope : SCOPE },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  // The serializers read only the fields above; the SDK's Resource class has methods they never call.
  return readable as unknown as ReadableSpan;
}

/** Spans (toReadableSpan) → an ExportTraceServiceRequest in protobuf or OTLP/JSON bytes. */
export function serializeSpans(spans: ReadableSpan[], json: boolean): Uint8Array {
  const bytes = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans);
  if (!bytes) throw new Error('the OTLP trace serializer returned nothing');
  return bytes;
}
