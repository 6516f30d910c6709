/**
 * OTLP logs → canonical events. Walks ExportLogsServiceRequest (OTLP/JSON form, or the protobuf
 * decoded into it), flattens each record, lets the agent's mapper build the event and validates
 * it. Unusable records are counted for partialSuccess; everything else in the request is kept.
 */
import { AGENTS } from '../../collector/core/agents.js';
import { hash } from 'node:crypto';
import { validateEvent, type CanonicalEvent, type ValidationContext } from '../../collector/core/event.js';
import { chooseMapper, type LogInput, type MapContext } from './mappers/index.js';
import { sessionFacts } from './session-facts.js';
import type { TraceSessions } from './trace-sessions.js';
import {
  anyValue,
  asArray,
  asObject,
  attrMap,
  field,
  hexId,
  isoFromString,
  nanosToIso,
  num,
  scalarText,
  str,
} from './values.js';

export interface SignalOptions extends MapContext {
  idEncoding: 'hex' | 'base64';
  validation: ValidationContext;
  traceSessions: TraceSessions;
}

export interface SignalResult<T> {
  items: T[];
  rejected: number;
  /** Why records were rejected (the first few), for partialSuccess.errorMessage. */
  messages: string[];
}

const MAX_MESSAGES = 5;

export function note(result: SignalResult<unknown>, where: string, why: string): void {
  result.rejected += 1;
  if (result.messages.length < MAX_MESSAGES) result.messages.push(`${where}: ${why}`);
}

export function mapLogsRequest(request: Record<string, unknown>, opts: SignalOptions): SignalResult<CanonicalEvent> {
  const result: SignalResult<CanonicalEvent> = { items: [], rejected: 0, messages: [] };
  const withFacts = new Set<string>();
  asArray(field(request, 'resourceLogs')).forEach((rl, ri) => {
    const resourceLogs = asObject(rl);
    const resource = attrMap(asObject(resourceLogs.resource).attributes);
    asArray(field(resourceLogs, 'scopeLogs')).forEach((sl, si) => {
      const scopeLogs = asObject(sl);
      const scopeObj = asObject(scopeLogs.scope);
      const scope = { name: str(scopeObj.name), version: str(scopeObj.version) };
      asArray(field(scopeLogs, 'logRecords')).forEach((lr, li) => {
        const where = `record ${ri}.${si}.${li}`;
        if (typeof lr !== 'object' || lr === null || Array.isArray(lr)) {
          note(result, where, 'not a LogRecord object');
          return;
        }
        const record = lr as Record<string, unknown>;
        const input = flatten(record, resource, scope, opts);
        const mapped = chooseMapper(input).map(input, opts);
        if ('skip' in mapped) return;
        if ('reject' in mapped) {
          note(result, where, mapped.reject);
          return;
        }
        const raw = mapped.event;
        raw.event_id = recordId(record, input);
        const sessionId = String(raw.session_id);
        // Session facts ride on one event per session and request: the session row merges them.
        if (!withFacts.has(sessionId)) {
          withFacts.add(sessionId);
          (raw.metadata as Record<string, unknown>).session = sessionFacts(resource, input.attrs);
        }
        const validated = validateEvent(raw, opts.validation);
        if (!validated.ok) {
          note(result, where, validated.errors.map((e) => `${e.field} ${e.message}`).join('; '));
          return;
        }
        opts.traceSessions.remember(input.traceId, sessionId);
        result.items.push(validated.event);
      });
    });
  });
  return result;
}

function flatten(
  record: Record<string, unknown>,
  resource: Record<string, unknown>,
  scope: LogInput['scope'],
  opts: SignalOptions,
): LogInput {
  const attrs = attrMap(record.attributes);
  const body = anyValue(record.body);
  const bodyName = typeof body === 'string' && body.startsWith(AGENTS.claude_code.otelPrefix) ? body : null;
  return {
    name: str(attrs['event.name']) ?? bodyName,
    attrs,
    resource,
    scope,
    body,
    otlpEventName: str(field(record, 'eventName')),
    time:
      nanosToIso(field(record, 'timeUnixNano')) ??
      nanosToIso(field(record, 'observedTimeUnixNano')) ??
      isoFromString(attrs['event.timestamp']),
    traceId: hexId(field(record, 'traceId'), opts.idEncoding),
    spanId: hexId(field(record, 'spanId'), opts.idEncoding),
    severityNumber: num(field(record, 'severityNumber')),
    severityText: str(field(record, 'severityText')),
  };
}

/**
 * A deterministic event id from the record's content, so an agent retrying an export (after a
 * timeout or a 503) stores each record once. It starts with the record's time in hex, so ids of
 * new records sort after older ones and land at the end of the unique index, not at random pages.
 */
function recordId(record: Record<string, unknown>, input: LogInput): string {
  const key = [
    scalarText(field(record, 'timeUnixNano') ?? ''),
    scalarText(field(record, 'observedTimeUnixNano') ?? ''),
    JSON.stringify(input.attrs),
    JSON.stringify(input.body ?? null),
    `${input.traceId ?? ''}/${input.spanId ?? ''}/${input.otlpEventName ?? ''}`,
  ].join('\n');
  // No time at all: 0, so the id stays deterministic.
  const ms = input.time ? Date.parse(input.time) : 0;
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `otlp-${time}-${hash('sha256', key).slice(0, 24)}`;
}
