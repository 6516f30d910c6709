/**
 * The one privacy rule for user content. Prompts, model output, tool inputs and outputs, commands
 * and error text are user secrets: unless prompt storage is on (service.store_prompts,
 * AGENTSTATS_STORE_PROMPTS), a content field keeps only its size —
 *   a string becomes `<key>_length` (characters), an object or array `<key>_bytes` (JSON bytes);
 *   numbers, booleans and null stay (no text hides in them).
 * Applied at any depth of an event's metadata (and of span attributes) by every receiver that
 * copies fields it does not know (native, OTLP); the hooks receiver and the history importers build
 * metadata from allow-lists and never copy content in the first place. docs/event-contract.md lists
 * the keys.
 */

/**
 * Content keys, compared without case and punctuation (`tool_input`, `toolInput`, `tool-input`
 * match), on the whole key or its last dotted segment (`gen_ai.input.messages`, `error.message`,
 * `exception.message`, `http.response.body`).
 */
export const CONTENT_KEYS: readonly string[] = [
  // prompts and model output
  'prompt',
  'prompt_text',
  'user_prompt',
  'request_text',
  'response',
  'response_text',
  'prompt_response',
  'completion',
  'last_assistant_message',
  'message',
  'messages',
  'content',
  'text',
  'body',
  'reasoning',
  'thinking',
  'title',
  'session_title',
  'instructions',
  'system_instructions',
  'system_prompt',
  'custom_instructions',
  // tool input and output (commands, file contents, search terms, URLs)
  'input',
  'output',
  'tool_input',
  'tool_output',
  'tool_response',
  'tool_result',
  'tool_parameters',
  'arguments',
  'args',
  'function_args',
  'command',
  'command_args',
  'full_command',
  'bash_command',
  'stdout',
  'stderr',
  'query',
  'pattern',
  'url',
  'diff',
  'patch',
  'old_string',
  'new_string',
  // error text (it quotes the prompt, the command or what the tool saw)
  'error',
  'error_message',
  'error_details',
  'stacktrace',
  'stack',
];

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const CONTENT = new Set(CONTENT_KEYS.map(normalize));

/** Keys seen so far → whether they are content: keys repeat, so most checks are one lookup. */
const seen = new Map<string, boolean>();
const MAX_SEEN = 10_000;

/** Whether a field of this name can carry what the user or model wrote. */
export function isContentKey(key: string): boolean {
  let hit = seen.get(key);
  if (hit === undefined) {
    const dot = key.lastIndexOf('.');
    hit = CONTENT.has(normalize(key)) || (dot !== -1 && CONTENT.has(normalize(key.slice(dot + 1))));
    if (seen.size >= MAX_SEEN) seen.clear(); // hostile senders with endless new keys stay bounded
    seen.set(key, hit);
  }
  return hit;
}

/** Deeper values than this are replaced whole (validation refuses metadata deeper than 32). */
const MAX_DEPTH = 64;

/**
 * `fields` with every content field, at any depth, reduced to its size unless `storePrompts`.
 * Returns the same object when nothing changed. A size key the sender already set is kept.
 */
export function redactContent(fields: Record<string, unknown>, storePrompts: boolean): Record<string, unknown> {
  return storePrompts ? fields : redactObject(fields, 0);
}

function redactObject(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  // Built only once something changes: most metadata has no content and is returned as is.
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = obj[key];
    const container = value !== null && typeof value === 'object';
    if (isContentKey(key) && (container || typeof value === 'string')) {
      out ??= copyFirst(obj, keys, i);
      const sizeKey = typeof value === 'string' ? `${key}_length` : `${key}_bytes`;
      if (!(sizeKey in obj)) setOwn(out, sizeKey, typeof value === 'string' ? value.length : jsonBytes(value));
      const errorType = typeof value === 'string' && isErrorKey(key) ? apiErrorType(value) : null;
      if (errorType && !('error_type' in obj)) out.error_type = errorType;
      continue;
    }
    const kept = container ? redactValue(value, depth + 1) : value;
    if (kept !== value) out ??= copyFirst(obj, keys, i);
    if (out) setOwn(out, key, kept);
  }
  return out ?? obj;
}

/** A new object holding the first `n` keys of `obj`. */
function copyFirst(obj: Record<string, unknown>, keys: string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) setOwn(out, keys[i], obj[keys[i]]);
  return out;
}

function redactValue(value: object, depth: number): unknown {
  if (depth > MAX_DEPTH) return '[nested too deep]';
  if (!Array.isArray(value)) return redactObject(value as Record<string, unknown>, depth);
  const list = value as unknown[];
  let out: unknown[] | null = null;
  list.forEach((item, i) => {
    if (item === null || typeof item !== 'object') return;
    const inner = redactValue(item, depth + 1);
    if (inner !== item) (out ??= [...list])[i] = inner;
  });
  return out ?? value;
}

/** An own property even for a key like `__proto__` (plain assignment would set the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const ERROR_KEYS = new Set(['error', 'errormessage', 'errordetails', 'message']);

function isErrorKey(key: string): boolean {
  return ERROR_KEYS.has(normalize(key.slice(key.lastIndexOf('.') + 1)));
}

function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return 0;
  }
}

/**
 * The error class an API error's JSON names (`{"type":"error","error":{"type":"overloaded_error"}}`):
 * an enum of the API, safe to keep, and what the dashboard shows for a redacted error.
 */
function apiErrorType(text: string): string | null {
  const match = /"type"\s*:\s*"([a-z][a-z_]{0,47}_error)"/.exec(text.slice(0, 4096));
  return match ? match[1] : null;
}
