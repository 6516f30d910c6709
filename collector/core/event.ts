/**
 * The canonical event: the one shape every receiver produces and every processor and exporter
 * consumes. Token semantics are the same for every agent (see docs/event-contract.md):
 *  - tokens_in excludes cached input;
 *  - cache_read_tokens and cache_write_tokens are separate and disjoint from tokens_in;
 *  - tokens_out includes reasoning/thinking tokens; reasoning_tokens says how many of them.
 */
import { isCanonicalIso } from './iso-time.js';

export interface CanonicalEvent {
  event_id: string;
  session_id: string;
  agent_type: string;
  event_type: string;
  source: string;
  tool_name: string | null;
  status: string | null;
  model: string | null;
  project: string | null;
  branch: string | null;
  cwd: string | null;
  /**
   * The machine the event happened on, when it came from another AgentStats (central mode) or a
   * sender that names it; null: this machine.
   */
  machine: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  /** 'reported' when the agent sent the cost, 'computed' when the cost processor priced it. */
  cost_source: string | null;
  duration_ms: number | null;
  /** When the event happened, as the client says (ISO 8601, UTC). */
  client_timestamp: string | null;
  /** When the server received it (ISO 8601, UTC). */
  created_at: string;
  parent_session_id: string | null;
  request_id: string | null;
  prompt_id: string | null;
  tool_use_id: string | null;
  /**
   * Key under which the same real-world occurrence seen by several sources (OTel, hook, import)
   * is counted once in totals. Null means the event counts on its own.
   */
  correlation_key: string | null;
  metadata: Record<string, unknown>;
  payload_truncated: 0 | 1;
}

export const LIMITS = {
  idLength: 256,
  shortText: 256,
  pathText: 4096,
  maxTokens: 1e12,
  maxCostUsd: 1e7,
  maxDurationMs: 1e10,
  /** Nesting depth of metadata; deeper values are refused (they would overflow cloning and JSON). */
  maxMetadataDepth: 32,
  /** Event times outside [minTimestampMs, now + maxFutureMs] are refused as clock errors. */
  minTimestampMs: Date.UTC(2000, 0, 1),
  maxFutureMs: 24 * 3_600_000,
} as const;

export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; event: CanonicalEvent }
  | { ok: false; errors: FieldError[] };

export interface ValidationContext {
  now: () => Date;
  newId: () => string;
}

/**
 * Every field of a CanonicalEvent with the kind of value it holds: the one list that validation
 * (which input keys are fields), the forwarder (what it sends as `agentstats.*`) and the central
 * receiver (what it reads back) share. `satisfies` makes a field added to the type a compile error here.
 */
export const EVENT_FIELD_KINDS = {
  event_id: 'string',
  session_id: 'string',
  agent_type: 'string',
  event_type: 'string',
  source: 'string',
  tool_name: 'string',
  status: 'string',
  model: 'string',
  project: 'string',
  branch: 'string',
  cwd: 'string',
  tokens_in: 'number',
  tokens_out: 'number',
  cache_read_tokens: 'number',
  cache_write_tokens: 'number',
  reasoning_tokens: 'number',
  cost_usd: 'number',
  cost_source: 'string',
  duration_ms: 'number',
  client_timestamp: 'string',
  created_at: 'string',
  parent_session_id: 'string',
  request_id: 'string',
  prompt_id: 'string',
  tool_use_id: 'string',
  correlation_key: 'string',
  payload_truncated: 'number',
  machine: 'string',
  metadata: 'object',
} as const satisfies Record<keyof CanonicalEvent, 'string' | 'number' | 'object'>;

export type EventField = keyof typeof EVENT_FIELD_KINDS;

/** The fields holding one kind of value, in EVENT_FIELD_KINDS order. */
export function eventFieldsOf(kind: 'string' | 'number' | 'object'): EventField[] {
  return (Object.keys(EVENT_FIELD_KINDS) as EventField[]).filter((f) => EVENT_FIELD_KINDS[f] === kind);
}

/** Input keys that are fields (`timestamp` is client_timestamp's alias); any other key goes to metadata. */
const KNOWN_FIELDS = new Set<string>([...Object.keys(EVENT_FIELD_KINDS), 'timestamp']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredId(value: unknown, field: string, errors: FieldError[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push({ field, message: 'is required and must be a non-empty string' });
    return '';
  }
  if (value.length > LIMITS.idLength) {
    errors.push({ field, message: `must be at most ${LIMITS.idLength} characters` });
  }
  return value;
}

function optionalString(value: unknown, field: string, max: number, errors: FieldError[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.push({ field, message: 'must be a string or null' });
    return null;
  }
  if (value.length > max) {
    errors.push({ field, message: `must be at most ${max} characters` });
    return null;
  }
  return value === '' ? null : value;
}

function optionalNumber(
  value: unknown,
  field: string,
  opts: { integer: boolean; max: number },
  errors: FieldError[],
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    errors.push({ field, message: 'must be a finite number or null' });
    return null;
  }
  if (value < 0) {
    errors.push({ field, message: 'must not be negative' });
    return null;
  }
  if (opts.integer && !Number.isInteger(value)) {
    errors.push({ field, message: 'must be an integer' });
    return null;
  }
  if (value > opts.max) {
    errors.push({ field, message: `must be at most ${opts.max}` });
    return null;
  }
  return value;
}

function optionalTimestamp(value: unknown, field: string, now: Date, errors: FieldError[]): string | null {
  if (value === undefined || value === null) return null;
  // A text already as toISOString writes it (what most clients send) is kept as it is: parsing it
  // into a Date and formatting it again would give the same text.
  const canonical = typeof value === 'string' && isCanonicalIso(value) ? value : null;
  const ms =
    canonical !== null ? Date.parse(canonical) : typeof value === 'number' || typeof value === 'string' ? new Date(value).getTime() : NaN;
  if (Number.isNaN(ms)) {
    errors.push({ field, message: 'must be an ISO 8601 string or epoch milliseconds' });
    return null;
  }
  if (ms < LIMITS.minTimestampMs || ms > now.getTime() + LIMITS.maxFutureMs) {
    errors.push({ field, message: 'must lie between 2000-01-01 and one day from now' });
    return null;
  }
  return canonical ?? new Date(ms).toISOString();
}

/**
 * Depth of nested objects/arrays, counted without recursion (a hostile value may be very deep).
 * Only objects and arrays are pushed, each with its depth on a stack beside it: no pair, and no
 * array of values, per value (this runs for every event's metadata).
 */
export function jsonDepth(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  let deepest = 0;
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (Array.isArray(node)) {
      for (const child of node as unknown[]) {
        if (child !== null && typeof child === 'object') {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const child = record[key];
        if (child !== null && typeof child === 'object' && Object.hasOwn(record, key)) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return deepest;
}

/**
 * Checks an untrusted object against the contract and builds a CanonicalEvent. Every field error is
 * reported at once. Fields this contract does not know are kept in metadata, never dropped.
 * `defaults` lie under the input: a field the input leaves out (or sets to undefined) is read from
 * them — as if spread under it, without building that merged object for every event.
 */
export function validateEvent(input: unknown, ctx: ValidationContext, defaults?: Partial<CanonicalEvent>): ValidationResult {
  if (!isPlainObject(input)) {
    return { ok: false, errors: [{ field: '(event)', message: 'must be a JSON object' }] };
  }
  const under = (defaults ?? NO_DEFAULTS) as Record<string, unknown>;
  // The input's value, else the default's: `or(input.x, under.x)` at each field, so every read is
  // of a named property (one `get(field)` for all fields read by a key that changes every call: a
  // megamorphic lookup per field of every event).
  const or = (value: unknown, fallback: unknown): unknown => (value === undefined ? fallback : value);
  const errors: FieldError[] = [];

  const givenId = or(input.event_id, under.event_id);
  const eventId = givenId === undefined || givenId === null ? ctx.newId() : requiredId(givenId, 'event_id', errors);
  const sessionId = requiredId(or(input.session_id, under.session_id), 'session_id', errors);
  const agentType = requiredId(or(input.agent_type, under.agent_type), 'agent_type', errors);
  const eventType = requiredId(or(input.event_type, under.event_type), 'event_type', errors);

  // Written out field by field (not a loop into a record): this runs for every event received.
  const toolName = optionalString(or(input.tool_name, under.tool_name), 'tool_name', LIMITS.shortText, errors);
  const status = optionalString(or(input.status, under.status), 'status', 64, errors);
  const model = optionalString(or(input.model, under.model), 'model', LIMITS.shortText, errors);
  const project = optionalString(or(input.project, under.project), 'project', LIMITS.pathText, errors);
  const branch = optionalString(or(input.branch, under.branch), 'branch', LIMITS.shortText, errors);
  const cwd = optionalString(or(input.cwd, under.cwd), 'cwd', LIMITS.pathText, errors);
  const machine = optionalString(or(input.machine, under.machine), 'machine', LIMITS.shortText, errors);
  const source = optionalString(or(input.source, under.source), 'source', 64, errors);
  const costSource = optionalString(or(input.cost_source, under.cost_source), 'cost_source', 32, errors);
  const parentSessionId = optionalString(or(input.parent_session_id, under.parent_session_id), 'parent_session_id', LIMITS.idLength, errors);
  const requestId = optionalString(or(input.request_id, under.request_id), 'request_id', LIMITS.idLength, errors);
  const promptId = optionalString(or(input.prompt_id, under.prompt_id), 'prompt_id', LIMITS.idLength, errors);
  const toolUseId = optionalString(or(input.tool_use_id, under.tool_use_id), 'tool_use_id', LIMITS.idLength, errors);
  const correlationKey = optionalString(or(input.correlation_key, under.correlation_key), 'correlation_key', LIMITS.pathText, errors);

  const tokenLimits = TOKEN_LIMITS;
  const tokensIn = optionalNumber(or(input.tokens_in, under.tokens_in), 'tokens_in', tokenLimits, errors);
  const tokensOut = optionalNumber(or(input.tokens_out, under.tokens_out), 'tokens_out', tokenLimits, errors);
  const cacheRead = optionalNumber(or(input.cache_read_tokens, under.cache_read_tokens), 'cache_read_tokens', tokenLimits, errors);
  const cacheWrite = optionalNumber(or(input.cache_write_tokens, under.cache_write_tokens), 'cache_write_tokens', tokenLimits, errors);
  const reasoning = optionalNumber(or(input.reasoning_tokens, under.reasoning_tokens), 'reasoning_tokens', tokenLimits, errors);
  const costUsd = optionalNumber(or(input.cost_usd, under.cost_usd), 'cost_usd', COST_LIMITS, errors);
  const durationMs = optionalNumber(or(input.duration_ms, under.duration_ms), 'duration_ms', DURATION_LIMITS, errors);
  const now = ctx.now();
  const clientTimestamp =
    optionalTimestamp(or(input.client_timestamp, under.client_timestamp), 'client_timestamp', now, errors) ?? optionalTimestamp(or(input.timestamp, under.timestamp), 'timestamp', now, errors);

  let metadata: Record<string, unknown> = {};
  const givenMetadata = or(input.metadata, under.metadata);
  if (givenMetadata !== undefined && givenMetadata !== null) {
    if (isPlainObject(givenMetadata)) metadata = { ...givenMetadata };
    else errors.push({ field: 'metadata', message: 'must be a JSON object' });
  }
  // Defaults are canonical fields: only the input can bring unknown ones.
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key) && !(key in metadata)) metadata[key] = input[key];
  }
  if (jsonDepth(metadata, LIMITS.maxMetadataDepth) > LIMITS.maxMetadataDepth) {
    errors.push({ field: 'metadata', message: `must not nest deeper than ${LIMITS.maxMetadataDepth} levels` });
  }

  if (reasoning !== null && tokensOut !== null && reasoning > tokensOut) {
    errors.push({
      field: 'reasoning_tokens',
      message: 'must not exceed tokens_out (tokens_out includes reasoning tokens)',
    });
  }

  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    event: {
      event_id: eventId,
      session_id: sessionId,
      agent_type: agentType,
      event_type: eventType,
      source: source ?? 'native',
      tool_name: toolName,
      status,
      model,
      project: project ?? projectFromCwd(cwd),
      branch,
      cwd,
      machine,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
      reasoning_tokens: reasoning,
      cost_usd: costUsd,
      cost_source: costSource ?? (costUsd !== null ? 'reported' : null),
      duration_ms: durationMs,
      client_timestamp: clientTimestamp,
      created_at: receivedIso(now),
      parent_session_id: parentSessionId,
      request_id: requestId,
      prompt_id: promptId,
      tool_use_id: toolUseId,
      correlation_key: correlationKey,
      metadata,
      payload_truncated: 0,
    },
  };
}

let lastReceivedMs = NaN;
let lastReceivedIso = '';

/** now.toISOString(), remembered for the last time value: the events of a batch share their `now`. */
function receivedIso(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastReceivedMs) {
    lastReceivedIso = now.toISOString(); // throws for an invalid Date, as before
    lastReceivedMs = ms;
  }
  return lastReceivedIso;
}

const TOKEN_LIMITS = { integer: true, max: LIMITS.maxTokens };
const COST_LIMITS = { integer: false, max: LIMITS.maxCostUsd };
const DURATION_LIMITS = { integer: false, max: LIMITS.maxDurationMs };

const NO_DEFAULTS: Partial<CanonicalEvent> = {};

/** The project name a working directory stands for: its last path segment. */
export function projectFromCwd(cwd: string | null | undefined): string | null {
  if (!cwd) return null;
  const parts = cwd.split(/[\\/]+/).filter(Boolean);
  return parts.length > 0 ? parts[parts.length - 1] : null;
}

/** The event's own time: what the client said, else when the server received it. */
export function eventTime(event: CanonicalEvent): string {
  return event.client_timestamp ?? event.created_at;
}

/** Whether the event counts as an error for error rates. */
export function isErrorEvent(event: Pick<CanonicalEvent, 'status' | 'event_type'>): boolean {
  return event.status === 'error' || event.event_type === 'api_error';
}
