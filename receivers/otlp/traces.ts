/**
 * OTLP traces → span records linked to a session: by a session attribute on the span or its
 * resource, else by another span of the same trace in the request, else by a log record seen
 * earlier with the same trace id (Codex puts trace ids on its log records). The store links the
 * remaining ones when a later span of the same trace names its session.
 */
import type { SpanRecord } from '../../collector/core/storage.js';
import { agentOf } from './mappers/index.js';
import { redactAttrs, type MapContext } from './mappers/common.js';
import { emptyResult, guarded, note, type SignalResult } from './logs.js';
import type { TraceSessions } from './trace-sessions.js';
import { restoreForwardedSpan } from './forwarded-telemetry.js';
import {
  asArray,
  asObject,
  attrMap,
  contractRange,
  field,
  hexId,
  nanosProblem,
  nanosToIso,
  nanosToMs,
  num,
  pick,
  str,
} from './values.js';

const SESSION_KEYS = ['session.id', 'conversation.id', 'gen_ai.conversation.id', 'thread.id', 'thread_id'] as const;

export interface TraceOptions extends MapContext {
  idEncoding: 'hex' | 'base64';
  traceSessions: TraceSessions;
  /** The server's clock: span times beyond one day from now are refused, as event times are. */
  now: () => Date;
}

export function mapTracesRequest(request: Record<string, unknown>, opts: TraceOptions): SignalResult<SpanRecord> {
  const result = emptyResult<SpanRecord>();
  const range = contractRange(opts.now());
  asArray(field(request, 'resourceSpans')).forEach((rs, ri) => {
    const resourceSpans = asObject(rs);
    const scopes = asArray(field(resourceSpans, 'scopeSpans'));
    const spansIn = () => scopes.reduce((n: number, ss) => n + asArray(asObject(ss).spans).length, 0);
    guarded(result, `resource ${ri}`, spansIn, () => {
      const resource = attrMap(asObject(resourceSpans.resource).attributes);
      const service = str(resource['service.name']);
      scopes.forEach((ss, si) => {
        const scopeSpans = asObject(ss);
        const from = { resource, service, scope: str(asObject(scopeSpans.scope).name) };
        asArray(scopeSpans.spans).forEach((s, pi) => {
          const where = `span ${ri}.${si}.${pi}`;
          guarded(result, where, () => 1, () => {
            const mapped = mapSpan(asObject(s), from, range, opts);
            if (typeof mapped === 'string') note(result, where, mapped);
            else result.items.push(restoreForwardedSpan(mapped));
          });
        });
      });
    });
  });
  linkSessions(result.items, opts.traceSessions);
  return result;
}

interface SpanSource {
  resource: Record<string, unknown>;
  service: string | null;
  scope: string | null;
}

/** One span as a record, or why it was rejected. */
function mapSpan(span: Record<string, unknown>, from: SpanSource, range: { minMs: number; maxMs: number }, opts: TraceOptions): SpanRecord | string {
  const id = (v: unknown) => hexId(v, opts.idEncoding);
  const traceId = id(field(span, 'traceId'));
  const spanId = id(field(span, 'spanId'));
  if (!traceId || traceId.length !== 32) return 'traceId must be 16 non-zero bytes';
  if (!spanId || spanId.length !== 16) return 'spanId must be 8 non-zero bytes';
  for (const key of ['startTimeUnixNano', 'endTimeUnixNano']) {
    const problem = nanosProblem(field(span, key), range);
    if (problem) return `${key} ${problem}`;
  }
  const startMs = nanosToMs(field(span, 'startTimeUnixNano'));
  if (startMs === null) return 'no startTimeUnixNano';
  const endMs = nanosToMs(field(span, 'endTimeUnixNano'));
  const attributes = redactAttrs(attrMap(span.attributes), opts);
  const name = str(span.name) ?? '(unnamed)';
  const status = asObject(span.status);
  // A status message is error text: the same rule as an `error` attribute (its size in extra).
  const statusMessage = str(status.message);
  const extra = extraOf(span, from.scope, from.service, opts);
  if (statusMessage !== null && !opts.storePrompts) extra.status_message_length = statusMessage.length;
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: id(field(span, 'parentSpanId')),
    session_id: pick(SESSION_KEYS, attributes, from.resource),
    agent_type: agentOf(name, from.resource),
    name,
    kind: num(span.kind),
    start_time: new Date(startMs).toISOString(),
    end_time: endMs === null ? null : new Date(endMs).toISOString(),
    duration_ms: endMs === null ? null : Math.max(0, endMs - startMs),
    status_code: num(status.code),
    status_message: opts.storePrompts ? statusMessage : null,
    attributes,
    extra,
  };
}

/** Span events and links as they came (content reduced to its size), plus where the span came from. */
function extraOf(span: Record<string, unknown>, scope: string | null, service: string | null, opts: TraceOptions) {
  const extra: Record<string, unknown> = {};
  if (service) extra.service = service;
  if (scope) extra.scope = scope;
  const events = asArray(span.events).map((e) => {
    const ev = asObject(e);
    return {
      name: str(ev.name),
      time: nanosToIso(field(ev, 'timeUnixNano')),
      attributes: redactAttrs(attrMap(ev.attributes), opts),
    };
  });
  if (events.length) extra.events = events;
  const links = asArray(span.links).map((l) => {
    const link = asObject(l);
    return {
      trace_id: hexId(field(link, 'traceId'), opts.idEncoding),
      span_id: hexId(field(link, 'spanId'), opts.idEncoding),
      attributes: redactAttrs(attrMap(link.attributes), opts),
    };
  });
  if (links.length) extra.links = links;
  return extra;
}

function linkSessions(spans: SpanRecord[], traceSessions: TraceSessions): void {
  for (const span of spans) traceSessions.remember(span.trace_id, span.session_id);
  for (const span of spans) span.session_id ??= traceSessions.get(span.trace_id);
}
