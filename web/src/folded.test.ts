/** Which listed events are folded sightings: the server's flag, or inferred for streamed events. */
import { describe, expect, it } from 'vitest';
import { foldedIn, foldLabel } from './folded.js';
import type { StoredEvent } from './types.js';

const ev = (seq: number, source: string, key: string | null, metadata: Record<string, unknown> = {}) =>
  ({ seq, source, correlation_key: key, metadata, event_id: `e${seq}` }) as unknown as StoredEvent;

describe('foldedIn', () => {
  it('folds every sighting of a key after the lowest seq, naming the counted source', () => {
    const hook = ev(1, 'hook', 'tool:s:1');
    const otel = ev(2, 'otlp', 'tool:s:1');
    const other = ev(3, 'otlp', 'tool:s:2');
    const folds = foldedIn([other, otel, hook]); // newest first, as the feed holds them
    expect([...folds.keys()]).toEqual([otel]);
    expect(foldLabel(folds.get(otel)!, otel)).toBe('also seen via hook');
  });

  it("trusts the server's flag when the counted sighting is not in the list", () => {
    const flagged = ev(7, 'import', 'api:r1', { counted_elsewhere: true });
    const folds = foldedIn([flagged, ev(8, 'otlp', null)]);
    expect(folds.size).toBe(1);
    expect(foldLabel(folds.get(flagged)!, flagged)).toBe('counted once');
  });
});
