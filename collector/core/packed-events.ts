/**
 * Events serialized once, on the worker thread that made them, and carried through the main thread
 * as bytes: the main thread reads only their ids and counts, the writer thread unpacks them. Without
 * this every event was copied into the main thread's heap and out again to the writer thread (two
 * structured clones and the garbage they leave). The main thread still unpacks them when something
 * there reads them: a dashboard's live stream, or another pipeline that runs its own chain.
 */
import { deserialize, serialize } from 'node:v8';
import type { CanonicalEvent } from './event.js';
import type { WriteBatch } from './storage.js';

export interface PackedEvents {
  /** v8.serialize of the CanonicalEvent[] (the structured-clone format postMessage uses too). */
  bytes: Uint8Array;
  /** Their event_ids, in order: all the main thread needs to answer for them. */
  ids: string[];
}

export function packEvents(events: CanonicalEvent[]): PackedEvents {
  return { bytes: serialize(events), ids: events.map((e) => e.event_id) };
}

export function unpackEvents(packed: Pick<PackedEvents, 'bytes'>): CanonicalEvent[] {
  return deserialize(packed.bytes) as CanonicalEvent[];
}

/**
 * Defines `obj[key]` as computed on first read and kept: what packed events make lazily (the events
 * themselves, the stored copies) costs nothing when nobody reads it.
 */
export function lazyProperty<T extends object, K extends keyof T>(obj: T, key: K, make: () => T[K]): T {
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = make();
      Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: true });
      return value;
    },
  });
  return obj;
}

/** Every event of a write batch in order, the packed parts unpacked at their places (`bytes` is all it reads of them). */
export function batchEvents(batch: { events: CanonicalEvent[]; packed?: Array<{ at: number; bytes: Uint8Array }> }): CanonicalEvent[] {
  return mergeParts(batch.events, batch.packed, (part) => unpackEvents(part));
}

/** The event ids of a write batch in the same order, without unpacking anything. */
export function batchIds(batch: WriteBatch): string[] {
  return mergeParts(
    batch.events.map((e) => e.event_id),
    batch.packed,
    (part) => part.ids,
  );
}

function mergeParts<T, P extends { at: number }>(items: T[], parts: P[] | undefined, expand: (part: P) => T[]): T[] {
  if (!parts?.length) return items;
  const out: T[] = [];
  let i = 0;
  for (const part of parts) {
    while (i < part.at) out.push(items[i++]);
    for (const item of expand(part)) out.push(item);
  }
  while (i < items.length) out.push(items[i++]);
  return out;
}
