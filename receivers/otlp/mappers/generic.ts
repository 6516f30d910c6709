/**
 * The fallback for any OTel log that no agent mapper claims: kept as an event named after the
 * record (attribute `event.name`, else the OTLP eventName, else `log`), never dropped.
 */
import { pick, str } from '../values.js';
import { baseEvent, restAttrs, type LogInput, type LogMapper, type MapResult } from './common.js';

const SESSION_KEYS = ['session.id', 'conversation.id', 'gen_ai.conversation.id', 'thread.id'] as const;

/** Severity numbers 17 and above are ERROR and FATAL. */
const SEVERITY_ERROR = 17;

export function genericEventType(input: LogInput): string {
  return input.name ?? input.otlpEventName ?? 'log';
}

/** A session for records that name none: one per emitting service instance. */
export function fallbackSession(input: LogInput): string {
  const instance = pick(['service.instance.id', 'service.name'], input.resource) ?? 'unknown';
  return `otel:${instance}`;
}

export const genericMapper: LogMapper = {
  agent: 'otel',
  map(input, ctx): MapResult {
    const agent = str(input.resource['service.name']) ?? 'otel';
    const sessionId = pick(SESSION_KEYS, input.attrs, input.resource) ?? fallbackSession(input);
    const event = baseEvent(agent, sessionId, genericEventType(input), input, restAttrs(input.attrs, [], ctx));
    if (input.body !== undefined && input.body !== null) {
      (event.metadata as Record<string, unknown>).body = input.body;
    }
    if (input.severityNumber !== null && input.severityNumber >= SEVERITY_ERROR) event.status = 'error';
    return { event };
  },
};
