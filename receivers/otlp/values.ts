/**
 * OTLP value helpers shared by the log, metric and trace walkers: AnyValue → JS value, the lenient
 * number/boolean readers the agents need (ints as numbers or strings, numeric strings, "true"),
 * nanosecond timestamps and trace/span ids.
 */

import { LIMITS } from '../../collector/core/event.js';

export type Attrs = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deeper arrays and maps than this are cut (a hostile body must not exhaust the stack). */
const MAX_DEPTH = 16;

/**
 * A JSON scalar's text; undefined for anything else. Every conversion of a client value to a
 * string or number goes through here or a typeof check: String() or Number() on an array nested a
 * few thousand levels deep overflows the stack (it joins recursively).
 */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** One AnyValue to a plain value; the empty AnyValue `{}` (or one of the wrong type) is undefined. */
export function anyValue(v: unknown, depth = 0): unknown {
  if (!isObject(v)) return undefined;
  if (v.stringValue !== undefined && v.stringValue !== null) return scalarText(v.stringValue);
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue === true || v.boolValue === 'true';
  if (v.intValue !== undefined && v.intValue !== null) {
    const text = scalarText(v.intValue);
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const text = scalarText(v.doubleValue);
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  if (isObject(v.arrayValue) || isObject(v.kvlistValue)) {
    if (depth >= MAX_DEPTH) return '[nested too deep]';
    if (isObject(v.kvlistValue)) return attrMap(v.kvlistValue.values, depth + 1);
    const values = Array.isArray((v.arrayValue as Record<string, unknown>).values)
      ? ((v.arrayValue as Record<string, unknown>).values as unknown[])
      : [];
    return values.map((x) => anyValue(x, depth + 1) ?? null);
  }
  if (v.bytesValue !== undefined && v.bytesValue !== null) return scalarText(v.bytesValue);
  return undefined;
}

/** A KeyValue list to an object; keys without a value are left out. */
export function attrMap(list: unknown, depth = 0): Attrs {
  const out: Attrs = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value, depth);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

/** A finite number from a number or a numeric string. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A token-like count: a whole number (rounded when an agent sends a double). */
export function count(v: unknown): number | null {
  const n = num(v);
  return n === null ? null : Math.round(n);
}

export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return null;
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** First non-null string among the named keys of one or more attribute maps. */
export function pick(keys: readonly string[], ...maps: Attrs[]): string | null {
  for (const map of maps) {
    for (const key of keys) {
      const s = str(map[key]);
      if (s !== null) return s;
    }
  }
  return null;
}

/** The event times the contract accepts (collector/event.ts LIMITS), as of `now`. */
export function contractRange(now: Date): { minMs: number; maxMs: number } {
  return { minMs: LIMITS.minTimestampMs, maxMs: now.getTime() + LIMITS.maxFutureMs };
}

/** The largest time a Date holds (ms since the epoch, ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** A 64-bit nanosecond timestamp (string or number) in ms, any size; 0 and garbage are null. */
function rawNanosToMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v / 1e6 : null;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return null;
  const digits = v.replace(/^0+/, '');
  if (digits === '') return null;
  // Slice instead of Number(v): nanosecond values exceed 2^53.
  const ms = digits.length > 6 ? Number(digits.slice(0, -6)) + Number(digits.slice(-6)) / 1e6 : Number(digits) / 1e6;
  return Number.isFinite(ms) ? ms : null;
}

/** Whether a nanosecond timestamp is set: a positive number or digit string (any size). */
export function nanosSet(v: unknown): boolean {
  return rawNanosToMs(v) !== null;
}

/** A nanosecond timestamp in ms when a Date can hold it; 0, garbage and out-of-range values are null. */
export function nanosToMs(v: unknown): number | null {
  const ms = rawNanosToMs(v);
  return ms !== null && ms <= MAX_DATE_MS ? ms : null;
}

/**
 * Why a nanosecond timestamp that is set cannot be used, or null when it can (or is unset: 0,
 * absent, or not a number at all, which OTLP readers treat as unset). `range` is the window the
 * event contract accepts (collector/event.ts LIMITS).
 */
export function nanosProblem(v: unknown, range: { minMs: number; maxMs: number }): string | null {
  const ms = rawNanosToMs(v);
  if (ms === null) return null;
  if (ms < range.minMs || ms > range.maxMs) {
    return `out of range (${new Date(range.minMs).toISOString().slice(0, 10)} to one day from now)`;
  }
  return null;
}

export function nanosToIso(v: unknown): string | null {
  const ms = nanosToMs(v);
  return ms === null ? null : new Date(ms).toISOString();
}

export function isoFromString(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * A trace or span id as lower-case hex. OTLP/JSON carries hex; protobuf decoding gives base64.
 * Empty or all-zero ids are null (OTLP: "invalid").
 */
export function hexId(v: unknown, encoding: 'hex' | 'base64'): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const hex = encoding === 'hex' ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
  if (!/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) return null;
  return hex;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asObject(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

/** A field by its lowerCamelCase OTLP/JSON name, or the snake_case proto name some encoders use. */
export function field(obj: Record<string, unknown>, camel: string): unknown {
  const v = obj[camel];
  if (v !== undefined) return v;
  let snake = SNAKE.get(camel);
  if (snake === undefined) SNAKE.set(camel, (snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())));
  return obj[snake];
}

const SNAKE = new Map<string, string>();
