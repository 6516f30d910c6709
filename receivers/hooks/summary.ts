/**
 * Size-bounded summaries of hook fields that may hold user secrets (prompts, tool inputs, tool
 * output). Contents are never kept whole: without service.store_prompts only shapes, sizes and a
 * few non-secret facts (file paths, the model's own one-line description) survive; with it, short
 * prefixes of the telling fields are kept too.
 */
import type { Body } from './types.js';

/** Longest text kept from any one field. */
export const MAX_TEXT = 200;

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Bytes of a value as JSON (strings: their UTF-8 length). */
export function sizeOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch {
    return 0;
  }
}

/** Fields that say what a tool touched without carrying content. */
const SAFE_INPUT_FIELDS = ['file_path', 'notebook_path', 'path', 'dir_path', 'absolute_path', 'description', 'subagent_type'];
/** Fields that carry what the user or model typed: kept (clipped) only with storePrompts. */
const TEXT_INPUT_FIELDS = ['command', 'pattern', 'url', 'query', 'prompt'];

export function summarizeToolInput(input: unknown, storePrompts: boolean): Record<string, unknown> | null {
  if (input === undefined || input === null) return null;
  if (!isObject(input)) return { type: typeof input, bytes: sizeOf(input) };
  const summary: Record<string, unknown> = { keys: Object.keys(input).slice(0, 20), bytes: sizeOf(input) };
  for (const field of SAFE_INPUT_FIELDS) {
    const value = str(input[field]);
    if (value) summary[field] = clip(value);
  }
  if (storePrompts) {
    for (const field of TEXT_INPUT_FIELDS) {
      const value = str(input[field]);
      if (value) summary[field] = clip(value);
    }
  }
  return summary;
}

/** Shape of a tool's output: size and the success/failure facts, never the output itself. */
export function summarizeToolResponse(response: unknown): Record<string, unknown> | null {
  if (response === undefined || response === null) return null;
  if (typeof response === 'string') return { type: 'string', bytes: sizeOf(response) };
  if (!isObject(response)) return { type: typeof response, bytes: sizeOf(response) };
  const summary: Record<string, unknown> = { type: 'object', bytes: sizeOf(response) };
  for (const flag of ['interrupted', 'isImage', 'is_error', 'success', 'noOutputExpected']) {
    if (typeof response[flag] === 'boolean') summary[flag] = response[flag];
  }
  const exit = num(response.exit_code ?? response.exitCode ?? response.returnCode);
  if (exit !== null) summary.exit_code = exit;
  if (response.error !== undefined && response.error !== null) summary.has_error = true;
  return summary;
}

/** Whether an after-tool response reports a failure (Gemini's `error`, flags some tools set). */
export function responseFailed(response: unknown): boolean {
  if (!isObject(response)) return false;
  if (response.is_error === true || response.success === false) return true;
  const error = response.error;
  if (error === undefined || error === null || error === false || error === '') return false;
  return !(isObject(error) && Object.keys(error).length === 0);
}

/** A free-text error message: its exit code when it names one, its size, the text only with storePrompts. */
export function summarizeError(error: unknown, storePrompts: boolean): Record<string, unknown> | null {
  const text = str(error);
  if (!text) return null;
  const summary: Record<string, unknown> = { bytes: sizeOf(text) };
  const exit = /^Exit code (\d+)/.exec(text);
  if (exit) summary.exit_code = Number(exit[1]);
  if (storePrompts) summary.message = clip(text.split('\n', 1)[0]);
  return summary;
}

/** A prompt: its length always, its text (bounded by the payload limit) only with storePrompts. */
export function promptFields(prompt: unknown, storePrompts: boolean): Record<string, unknown> {
  if (typeof prompt !== 'string') return {};
  return storePrompts ? { prompt_length: prompt.length, prompt } : { prompt_length: prompt.length };
}

/** "PostCompact" → "post_compact": generic events keep their own name in the feed's style. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .slice(0, 128) || 'hook_event';
}
