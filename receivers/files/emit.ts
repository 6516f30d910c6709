/**
 * What both history parsers share: turning parsed fields into canonical events through the
 * contract's own validation, and the counters a parse reports.
 */
import { createHash, randomUUID } from 'node:crypto';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';

export interface ParseCounters {
  /** Non-empty lines read. */
  lines: number;
  /** Lines that are not JSON objects (truncated writes, garbage): counted and skipped. */
  malformed: number;
  /** Entries deliberately not imported (`<synthetic>` messages, results without their call, …). */
  skipped: number;
  /** Events older than --since. */
  filtered: number;
  /** Built events the contract rejected (should stay 0). */
  invalid: number;
}

export function emptyCounters(): ParseCounters {
  return { lines: 0, malformed: 0, skipped: 0, filtered: 0, invalid: 0 };
}

export class EventSink {
  readonly events: CanonicalEvent[] = [];
  readonly counters = emptyCounters();
  private readonly ctx: { now: () => Date; newId: () => string };

  constructor(
    now: Date,
    private readonly sinceMs: number | null,
  ) {
    this.ctx = { now: () => now, newId: randomUUID };
  }

  /**
   * Validates and keeps an event; events before --since are counted and dropped. `fields` is the
   * parser's own object, emitted once: it is completed in place rather than copied.
   */
  emit(fields: Record<string, unknown>): void {
    if (this.sinceMs !== null && typeof fields.client_timestamp === 'string') {
      const ts = Date.parse(fields.client_timestamp);
      if (Number.isFinite(ts) && ts < this.sinceMs) {
        this.counters.filtered++;
        return;
      }
    }
    if (isObject(fields.metadata)) fields.metadata = compact(fields.metadata);
    fields.source = 'import';
    const result = validateEvent(fields, this.ctx);
    if (result.ok) this.events.push(result.event);
    else this.counters.invalid++;
  }
}

/** Drops undefined entries (one level down too): smaller events to copy between threads and store. */
function compact(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for-in, not Object.entries: no array per key (the parsers' own plain objects: own keys only).
  for (const key in obj) {
    const value = obj[key];
    if (value === undefined || !Object.hasOwn(obj, key)) continue;
    out[key] = isObject(value) ? compact(value) : value;
  }
  return out;
}

/** Short stable digest for deterministic event ids. */
export function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 24);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A non-negative integer token count, or null. */
export function tokens(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

/** Milliseconds between two ISO times, when both parse and the order is right. */
export function durationMs(fromIso: string | null, toIso: string | null): number | null {
  if (!fromIso || !toIso) return null;
  const d = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(d) && d >= 0 ? d : null;
}

/** The child session a subagent is recorded in (the hooks receiver uses the same form). */
export function childSessionId(parentSessionId: string, agentId: string): string {
  return `${parentSessionId}/agent-${agentId}`;
}
