/**
 * foldRollups finds an event's ~30 rollup rows once per kind of event (its dimensions' values and
 * quarter hour): every row must hold exactly what adding each event to each of its rows, one by
 * one and in order, gives — the same floating-point sums, the same rows in the same order — however
 * the values look (empty, missing, separators inside them).
 */
import { describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { addEvent, DIMENSIONS, emptyCounters, foldRollups, type Counters } from './rollups.js';
import { HOUR_MS, QUARTER_MS } from './quarters.js';

/** The plain way: every event added to each of its rows, looked up by key string each time. */
function reference(events: Array<{ event: CanonicalEvent; tsMs: number }>) {
  const totals = new Map<string, { dim: string; key: string; c: Counters }>();
  const hourly = new Map<string, { hour: number; dim: string; key: string; c: Counters }>();
  const quarters = new Map<string, { quarter: number; dim: string; key: string; c: Counters }>();
  for (const { event, tsMs } of events) {
    const hour = Math.floor(tsMs / HOUR_MS);
    const quarter = Math.floor(tsMs / QUARTER_MS);
    for (const [dim, read] of DIMENSIONS) {
      const key = read(event);
      if (key === null) continue;
      const t = totals.get(`${dim}\u0000${key}`) ?? { dim, key, c: emptyCounters() };
      totals.set(`${dim}\u0000${key}`, t);
      addEvent(t.c, event);
      const h = hourly.get(`${hour}\u0000${dim}\u0000${key}`) ?? { hour, dim, key, c: emptyCounters() };
      hourly.set(`${hour}\u0000${dim}\u0000${key}`, h);
      addEvent(h.c, event);
      const q = quarters.get(`${quarter}\u0000${dim}\u0000${key}`) ?? { quarter, dim, key, c: emptyCounters() };
      quarters.set(`${quarter}\u0000${dim}\u0000${key}`, q);
      addEvent(q.c, event);
    }
  }
  return { totals, hourly, quarters };
}

/** A small deterministic generator: the same events every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('foldRollups', () => {
  it('gives every row exactly the sums of adding each event to it in order', () => {
    const next = random(7);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
    const base = Date.parse('2026-11-20T09:50:00Z');
    const events: Array<{ event: CanonicalEvent; tsMs: number }> = [];
    for (let i = 0; i < 3000; i++) {
      const tsMs = base + Math.floor(next() * 3 * HOUR_MS);
      const r = validateEvent(
        {
          event_id: `f${i}`,
          session_id: pick(['s1', 's2']),
          agent_type: pick(['claude_code', 'codex']),
          event_type: pick(['api_request', 'tool_use', 'api_error', 'user_prompt']),
          tool_name: pick(['Bash', 'Read', null]),
          status: pick(['success', 'error', null]),
          // Values that would collide in a signature joined with a separator, and '' beside none.
          model: pick(['m|a', 'm', '', null, '1:m']),
          project: pick(['a|a', 'a', 'a|b|', null]),
          branch: pick(['main', '', null, '|-']),
          machine: pick(['box', null]),
          tokens_in: Math.floor(next() * 1000),
          tokens_out: Math.floor(next() * 500),
          cache_read_tokens: Math.floor(next() * 10_000),
          cost_usd: pick([null, next() / 7, next() * 1e-7, 0.1, 0.2]),
          client_timestamp: new Date(tsMs).toISOString(),
        },
        { now: () => new Date(base + 4 * HOUR_MS), newId: () => `g${i}` },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      events.push({ event: r.event, tsMs });
    }
    const folded = foldRollups(events);
    const expected = reference(events);
    // Same rows, in the same order, with the same sums to the last bit (toEqual on numbers is exact).
    expect([...folded.totals.entries()]).toEqual([...expected.totals.entries()]);
    expect([...folded.hourly.entries()]).toEqual([...expected.hourly.entries()]);
    expect([...folded.quarters.entries()]).toEqual([...expected.quarters.entries()]);
    expect(folded.hourly.size).toBeGreaterThan(folded.totals.size);
  });
});
