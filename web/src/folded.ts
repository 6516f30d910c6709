/**
 * Folded sightings: the same real-world occurrence (one tool call, one prompt, one API request) seen
 * by several sources carries one correlation_key, and the server counts only the first sighting.
 * The others are still listed, but must not add to counts or sums on screen either.
 *
 * Folded events carry `metadata.counted_elsewhere: true`, read from /api/events or pushed over the
 * live stream. A list also infers it for events without the flag: among the events it holds, the
 * lowest seq with a key is the counted one (the server's own rule).
 */
import type { StoredEvent } from './types.js';

export interface Folded {
  /** Source of the sighting that was counted, when that sighting is in the list. */
  via: string | null;
}

export type FoldMap = Map<StoredEvent, Folded>;

/** Which events of a list are folded sightings, and where their counted twin came from. */
export function foldedIn(events: readonly StoredEvent[]): FoldMap {
  const first = new Map<string, StoredEvent>();
  for (const e of events) {
    if (!e.correlation_key) continue;
    const seen = first.get(e.correlation_key);
    if (!seen || e.seq < seen.seq) first.set(e.correlation_key, e);
  }
  const out: FoldMap = new Map();
  for (const e of events) {
    const owner = e.correlation_key ? first.get(e.correlation_key) : undefined;
    const flagged = e.metadata?.counted_elsewhere === true;
    if (!flagged && (!owner || owner === e)) continue;
    // A flagged event that is the lowest seq here was counted from a sighting outside this list.
    const via = owner && owner !== e && owner.metadata?.counted_elsewhere !== true ? owner.source : null;
    out.set(e, { via });
  }
  return out;
}

/** The short hint shown on a folded row. */
export function foldLabel(f: Folded, e: StoredEvent): string {
  return f.via && f.via !== e.source ? `also seen via ${f.via}` : 'counted once';
}

/** The tooltip of a folded row: why it is listed but not counted. */
export function foldTitle(f: Folded, e: StoredEvent): string {
  const where = f.via ? `its ${f.via} sighting` : 'an earlier sighting from another source';
  return `Already counted from ${where} (${e.correlation_key ?? 'same occurrence'}); this ${e.source} sighting is listed but not added to counts, tokens or cost again.`;
}
