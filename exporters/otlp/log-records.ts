/**
 * Committed canonical events → OTLP log records, serialized by @opentelemetry/otlp-transformer (the
 * SDK's own serializers: never hand-built OTLP). Each record carries
 *  - the names the agents use where they exist: `event.name` (the agent's own, e.g.
 *    `claude_code.api_request`), `session.id`, `model`, and the scalar attributes the agent sent
 *    (kept in metadata), so an OTel backend can query them like the agent's own telemetry;
 *  - every canonical field as `agentstats.<field>` (tokens by kind, cost, correlation key, source,
 *    event id, …) and the metadata as `agentstats.metadata` (JSON), from which a receiving
 *    AgentStats rebuilds the event exactly (receivers/otlp/forwarded.ts).
 * The resource carries `service.name`, `host.name` and `agentstats.machine`.
 */
import { ProtobufLogsSerializer, JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { EVENT_FIELD_KINDS, eventTime, type CanonicalEvent, type EventField } from '../../collector/core/event.js';
import { redactContent } from '../../collector/core/privacy.js';

/** Canonical fields sent as `agentstats.<name>` (null ones are left out; metadata goes as JSON apart). */
export const CANONICAL_FIELDS = (Object.keys(EVENT_FIELD_KINDS) as EventField[]).filter((f) => f !== 'metadata');

/** Metadata keys that are AgentStats bookkeeping, not the agent's attributes. */
const NOT_AGENT_ATTRS = new Set(['otel', 'session', 'counted_elsewhere', 'forwarded', 'unpriced', 'priced_as', 'machine']);

export interface ForwardResource {
  machine: string;
  hostName: string;
  version: string;
}

type Attrs = Record<string, string | number | boolean>;

/** What the serializers read of a resource (the SDK's Resource has more, unused here). */
export interface PlainResource {
  attributes: Attrs;
}

const SCOPE = { name: 'agentstats.forward', version: '1' };

export function hrTime(ms: number): [number, number] {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

export function resourceOf(r: ForwardResource): PlainResource {
  return {
    attributes: {
      'service.name': 'agentstats',
      'service.version': r.version,
      'host.name': r.hostName,
      'agentstats.machine': r.machine,
    },
  };
}

/** One event's attributes: the agent's names first, then the canonical `agentstats.*` fields. */
export function eventAttributes(event: CanonicalEvent, sendPrompts: boolean, machine: string): Attrs {
  const { counted_elsewhere: _c, ...kept } = event.metadata;
  // Sent only if stored and allowed to leave the machine: otherwise content keeps only its size.
  const metadata = redactContent(kept, sendPrompts);
  const attrs: Attrs = {};
  const otel = metadata.otel as Record<string, unknown> | undefined;
  attrs['event.name'] = typeof otel?.event_name === 'string' ? otel.event_name : `agentstats.${event.event_type}`;
  attrs['session.id'] = event.session_id;
  if (event.model) attrs.model = event.model;
  for (const [key, value] of Object.entries(metadata)) {
    if (NOT_AGENT_ATTRS.has(key) || key.startsWith('agentstats.') || key in attrs) continue;
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      attrs[key] = value;
    }
  }
  for (const field of CANONICAL_FIELDS) {
    // null = this machine; an event that came from another one (central mode) keeps its origin.
    const value = field === 'machine' ? (event.machine ?? machine) : event[field];
    if (value !== null && value !== undefined) attrs[`agentstats.${field}`] = value;
  }
  // false: another sighting of the same request (same correlation key) already counts; a backend
  // that sums tokens or cost must skip these, as AgentStats does.
  attrs['agentstats.counted'] = event.metadata.counted_elsewhere !== true;
  attrs['agentstats.metadata'] = JSON.stringify(metadata);
  return attrs;
}

export function toLogRecord(event: CanonicalEvent, resource: PlainResource, sendPrompts: boolean): ReadableLogRecord {
  const machine = String(resource.attributes['agentstats.machine']);
  const time = hrTime(Date.parse(eventTime(event)));
  const error = event.status === 'error' || event.event_type === 'api_error';
  const record = {
    hrTime: time,
    hrTimeObserved: hrTime(Date.parse(event.created_at)),
    severityNumber: error ? 17 : 9,
    severityText: error ? 'ERROR' : 'INFO',
    body: event.event_type,
    attributes: eventAttributes(event, sendPrompts, machine),
    droppedAttributesCount: 0,
    resource,
    instrumentationScope: SCOPE,
  };
  // The serializers read only the fields above; the SDK's Resource class has methods they never call.
  return record as unknown as ReadableLogRecord;
}

/** Log records (toLogRecord) → an ExportLogsServiceRequest in protobuf or OTLP/JSON bytes. */
export function serializeRecords(records: ReadableLogRecord[], json: boolean): Uint8Array {
  const bytes = (json ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest(records);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return bytes;
}

export function serializeEvents(
  events: CanonicalEvent[],
  resource: PlainResource,
  opts: { json: boolean; sendPrompts: boolean },
): Uint8Array {
  return serializeRecords(events.map((e) => toLogRecord(e, resource, opts.sendPrompts)), opts.json);
}
