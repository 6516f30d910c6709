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
import { forwardedEvent, isForwarded } from './forwarded.js';
import type { TraceSessions } from './trace-sessions.js';
import {
  anyValue,
  asArray,
  asObject,
  attrMap,
  contractRange,
  field,
  hexId,
  isoFromString,
  nanosProblem,
  nanosToIso,
  nanosSet,
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
  /** Records rejected because mapping threw: a bug to log, never a reason to fail the request. */
  faults: number;
}

const MAX_MESSAGES = 5;

export function emptyResult<T>(): SignalResult<T> {
  return { items: [], rejected: 0, messages: [], faults: 0 };
}

/** Longest reason kept: reasons can quote client text (an event name), which is not echoed in bulk. */
const MAX_MESSAGE_CHARS = 200;

export function note(result: SignalResult<unknown>, where: string, why: string, count = 1): void {
  result.rejected += count;
  const text = why.length > MAX_MESSAGE_CHARS ? `${why.slice(0, MAX_MESSAGE_CHARS)}…` : why;
  if (result.messages.length < MAX_MESSAGES) result.messages.push(`${where}: ${text}`);
}

/**
 * Runs the mapping of one record (or of everything under one resource or scope, `records` of
 * them). An unexpected throw rejects just those records, so one odd record never costs the valid
 * ones of the same export a 500.
 */
export function guarded(result: SignalResult<unknown>, where: string, records: () => number, map: () => void): void {
  const taken = result.items.length;
  const rejected = result.rejected;
  try {
    map();
  } catch (error) {
    // The unit is rejected as a whole: records of it already taken or noted count once, here.
    result.items.length = taken;
    result.rejected = rejected;
    result.faults += 1;
    let count = 1;
    try {
      count = Math.max(1, records());
    } catch {
      // keep 1
    }
    note(result, where, `could not be read (${error instanceof Error ? error.name : 'error'})`, count);
  }
}

export function mapLogsRequest(request: Record<string, unknown>, opts: SignalOptions): SignalResult<CanonicalEvent> {
  const result = emptyResult<CanonicalEvent>();
  const withFacts = new Set<string>();
  const range = contractRange(opts.validation.now());
  asArray(field(request, 'resourceLogs')).forEach((rl, ri) => {
    const resourceLogs = asObject(rl);
    const scopes = asArray(field(resourceLogs, 'scopeLogs'));
    const recordsIn = () => scopes.reduce((n: number, sl) => n + asArray(field(asObject(sl), 'logRecords')).length, 0);
    guarded(result, `resource ${ri}`, recordsIn, () => {
      const resource = attrMap(asObject(resourceLogs.resource).attributes);
      scopes.forEach((sl, si) => {
        const scopeLogs = asObject(sl);
        const scopeObj = asObject(scopeLogs.scope);
        const scope = { name: str(scopeObj.name), version: str(scopeObj.version) };
        asArray(field(scopeLogs, 'logRecords')).forEach((lr, li) => {
          const where = `record ${ri}.${si}.${li}`;
          guarded(result, where, () => 1, () => {
            const why = mapRecord(lr, resource, scope, { opts, range, withFacts, result });
            if (why) note(result, where, why);
          });
        });
      });
    });
  });
  return result;
}

interface RecordContext {
  opts: SignalOptions;
  range: { minMs: number; maxMs: number };
  /** Sessions that already got their session facts in this request. */
  withFacts: Set<string>;
  result: SignalResult<CanonicalEvent>;
}

/** Maps one record into ctx.result.items; returns why it was rejected, or null. */
function mapRecord(lr: unknown, resource: Record<string, unknown>, scope: LogInput['scope'], ctx: RecordContext): string | null {
  const { opts, withFacts, result } = ctx;
  if (typeof lr !== 'object' || lr === null || Array.isArray(lr)) return 'not a LogRecord object';
  const record = lr as Record<string, unknown>;
  // The time the event will carry must be one the contract accepts: a value too large for a Date
  // is refused like any other out-of-range time, not replaced by the observed time.
  const timeField = nanosSet(field(record, 'timeUnixNano')) ? 'timeUnixNano' : 'observedTimeUnixNano';
  const timeProblem = nanosProblem(field(record, timeField), ctx.range);
  if (timeProblem) return `${timeField} ${timeProblem}`;
  const input = flatten(record, resource, scope, opts);
  if (isForwarded(input.attrs)) {
    // Central mode: an event another AgentStats forwarded, rebuilt as it was stored there.
    const forwarded = forwardedEvent(input.attrs, resource, opts);
    if ('reject' in forwarded) return forwarded.reject;
    result.items.push(forwarded.event);
    return null;
  }
  const mapped = chooseMapper(input).map(input, opts);
  if ('skip' in mapped) return null;
  if ('reject' in mapped) return mapped.reject;
  const raw = mapped.event;
  raw.event_id = recordId(record, input);
  const sessionId = scalarText(raw.session_id) ?? '';
  // Session facts ride on one event per session and request: the session row merges them.
  if (!withFacts.has(sessionId)) {
    withFacts.add(sessionId);
    (raw.metadata as Record<string, unknown>).session = sessionFacts(resource, input.attrs);
  }
  const validated = validateEvent(raw, opts.validation);
  if (!validated.ok) return validated.errors.map((e) => `${e.field} ${e.message}`).join('; ');
  opts.traceSessions.remember(input.traceId, sessionId);
  result.items.push(validated.event);
  return null;
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
    scalarText(field(record, 'timeUnixNano')) ?? '',
    scalarText(field(record, 'observedTimeUnixNano')) ?? '',
    JSON.stringify(input.attrs),
    JSON.stringify(input.body ?? null),
    `${input.traceId ?? ''}/${input.spanId ?? ''}/${input.otlpEventName ?? ''}`,
  ].join('\n');
  // No time at all: 0, so the id stays deterministic.
  const ms = input.time ? Date.parse(input.time) : 0;
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `otlp-${time}-${hash('sha256', key).slice(0, 24)}`;
}
