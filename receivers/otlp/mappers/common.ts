/**
 * What every log mapper shares: the record as the walker hands it over, the result type, and the
 * helpers that build the raw event (validated later by collector/core/event.ts) and its metadata.
 */
import { redactContent } from '../../../collector/core/privacy.js';
import { str, type Attrs } from '../values.js';

/** One OTLP log record, decoded and flattened by logs.ts. */
export interface LogInput {
  /** The event name: attribute `event.name`, else a `claude_code.*` body; null when neither. */
  name: string | null;
  attrs: Attrs;
  resource: Attrs;
  scope: { name: string | null; version: string | null };
  body: unknown;
  /** The OTLP LogRecord.eventName field (Codex puts a source location here: never used alone). */
  otlpEventName: string | null;
  /** ISO time: timeUnixNano if non-zero, else observedTimeUnixNano, else `event.timestamp`. */
  time: string | null;
  traceId: string | null;
  spanId: string | null;
  severityNumber: number | null;
  severityText: string | null;
}

export interface MapContext {
  storePrompts: boolean;
}

export type MapResult =
  | { event: Record<string, unknown> }
  /** Deliberately ignored (not an error): e.g. Codex's non-event debug records. */
  | { skip: string }
  /** Unusable: counted in partialSuccess.rejectedLogRecords. */
  | { reject: string };

export interface LogMapper {
  agent: string;
  map(input: LogInput, ctx: MapContext): MapResult;
}

/** Facts inside Claude Code's tool_parameters JSON that name things without revealing content. */
const SAFE_TOOL_FACTS = ['mcp_server_name', 'mcp_tool_name', 'skill_name', 'subagent_type', 'git_commit_id'];

function toolFacts(json: unknown): Attrs | null {
  if (typeof json !== 'string' || !json.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const facts: Attrs = {};
    for (const key of SAFE_TOOL_FACTS) if (typeof parsed[key] === 'string') facts[key] = parsed[key];
    return Object.keys(facts).length > 0 ? facts : null;
  } catch {
    return null;
  }
}

/** Attributes that end up in event columns or on the session, never repeated in metadata. */
const ALWAYS_PROMOTED = ['event.name', 'event.timestamp', 'session.id', 'model'];

/**
 * The record's attributes for metadata: promoted keys dropped, user content (prompts, tool input
 * and output, commands, error text) reduced to its size unless prompts may be stored — the rule of
 * collector/core/privacy.ts. Claude's tool_parameters keeps the facts that name things.
 */
export function restAttrs(attrs: Attrs, promoted: readonly string[], ctx: MapContext): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (ALWAYS_PROMOTED.includes(key) || promoted.includes(key)) continue;
    out[key] = value;
  }
  if (!ctx.storePrompts) {
    const facts = toolFacts(out.tool_parameters);
    if (facts) out.tool_facts = facts;
  }
  return redactContent(out, ctx.storePrompts);
}

/** Attributes with user content reduced to its size unless prompts may be stored (spans use this). */
export function redactAttrs(attrs: Attrs, ctx: MapContext): Attrs {
  return redactContent(attrs, ctx.storePrompts);
}

/** Where the record came from, kept under metadata.otel for tracing it back. */
export function otelInfo(input: LogInput): Attrs {
  const info: Attrs = {};
  if (input.name) info.event_name = input.name;
  if (input.scope.name) info.scope = input.scope.name;
  if (input.traceId) info.trace_id = input.traceId;
  if (input.spanId) info.span_id = input.spanId;
  if (input.severityText) info.severity = input.severityText;
  else if (input.severityNumber) info.severity_number = input.severityNumber;
  return info;
}

/** The raw event fields every mapper starts from. */
export function baseEvent(
  agent: string,
  sessionId: string,
  eventType: string,
  input: LogInput,
  metadata: Attrs,
): Record<string, unknown> {
  return {
    session_id: sessionId,
    agent_type: agent,
    event_type: eventType,
    source: 'otlp',
    client_timestamp: input.time,
    model: str(input.attrs.model),
    metadata: { ...metadata, otel: otelInfo(input) },
  };
}

/** 'success' / 'error' from a success flag; null when unknown. */
export function statusOf(success: boolean | null): string | null {
  return success === null ? null : success ? 'success' : 'error';
}

/** Strips a known agent prefix from an event name (`codex.tool_result` → `tool_result`). */
export function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** a − b clamped at zero, for "input includes cached" agents; null when a is unknown. */
export function minus(a: number | null, ...b: Array<number | null>): number | null {
  if (a === null) return null;
  return Math.max(0, b.reduce<number>((acc, x) => acc - (x ?? 0), a));
}
