import { describe, expect, it } from 'vitest';
import { isCanonicalIso } from './iso-time.js';

/** What isCanonicalIso must answer: the text parses and formats back to itself. */
const roundTrips = (text: string): boolean => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && new Date(ms).toISOString() === text;
};

/** A small seeded generator: the same cases every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('isCanonicalIso', () => {
  it('accepts what toISOString writes, for times from year 0 to 9999', () => {
    const next = random(7);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 20_000; i++) {
      const text = new Date(Math.floor(next() * max)).toISOString();
      expect(isCanonicalIso(text), text).toBe(true);
    }
    for (const text of ['2024-02-29T10:00:00.000Z', '2000-02-29T23:59:59.999Z', '0000-02-29T00:00:00.000Z', '1970-01-01T00:00:00.000Z']) {
      expect(isCanonicalIso(text), text).toBe(true);
    }
  });

  it('refuses every other text, the ones Date rolls over too (30 February, 24:00)', () => {
    const edges = [
      '2026-02-30T00:00:00.000Z', '2025-02-29T10:00:00.000Z', '1900-02-29T10:00:00.000Z', '2026-04-31T10:00:00.000Z',
      '2026-02-12T24:00:00.000Z', '2026-02-12T23:60:00.000Z', '2026-02-12T23:59:60.000Z', '2026-13-01T00:00:00.000Z',
      '2026-00-10T10:00:00.000Z', '2026-02-00T10:00:00.000Z', '2026-02-12 04:57:09.636Z', '2026-02-12T04:57:09.636z',
      '2026-02-12T04:57:09Z', '2026-02-12T04:57:09.636+00:00', '+002026-02-12T04:57:09.636Z', '2026-02-12T04:57:09.6360',
      '2026-02-1aT04:57:09.636Z', '2026-02-12T04:57:09,636Z', '',
    ];
    for (const text of edges) expect(isCanonicalIso(text), text).toBe(roundTrips(text));
    // Every character of canonical texts replaced by each of a few others: the answer is always the round trip's.
    const next = random(11);
    const swaps = '0123456789-T:.Z +z';
    for (let i = 0; i < 200; i++) {
      const text = new Date(Math.floor(next() * Date.UTC(2100, 0))).toISOString();
      for (let at = 0; at < text.length; at++) {
        for (const c of swaps) {
          const changed = text.slice(0, at) + c + text.slice(at + 1);
          expect(isCanonicalIso(changed), changed).toBe(roundTrips(changed));
        }
      }
    }
  });
});
