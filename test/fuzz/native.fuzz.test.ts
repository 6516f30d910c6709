/**
 * Fuzz (issue 10.9): the native receiver's validator (collector/event.ts), called directly.
 * Properties: validateEvent never throws on any JSON value; what it accepts is within the
 * contract (ids and strings within their limits, times in the window, metadata no deeper than
 * allowed, storable by JSON and structured clone); validateAll keeps every valid event of a batch
 * beside hostile ones and reports the others by index.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, LIMITS, validateEvent } from '../../collector/core/event.js';
import { validateAll } from '../../collector/core/validate-batch.js';
import { DEEP, FUZZ_NOW, HUGE_NANOS, hostileValue, maybeHostile, params, TIMEOUT, viaJson } from './arbitraries.js';

const ctx = { now: () => FUZZ_NOW, newId: () => 'generated-id' };

const plausibleEvent = fc.record(
  {
    event_id: maybeHostile(fc.string({ minLength: 1, maxLength: 40 })),
    session_id: maybeHostile(fc.string({ minLength: 1, maxLength: 40 })),
    agent_type: maybeHostile(fc.constantFrom('claude_code', 'codex', 'gemini_cli')),
    event_type: maybeHostile(fc.constantFrom('api_request', 'tool_use', 'user_prompt')),
    tokens_in: maybeHostile(fc.nat()),
    tokens_out: maybeHostile(fc.nat()),
    reasoning_tokens: maybeHostile(fc.nat()),
    cost_usd: maybeHostile(fc.double({ min: 0, max: 10, noNaN: true })),
    duration_ms: maybeHostile(fc.nat()),
    client_timestamp: maybeHostile(fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), fc.integer())),
    timestamp: maybeHostile(fc.constantFrom(HUGE_NANOS, 1e300, -1, '2026-11-24T10:00:00Z')),
    cwd: maybeHostile(fc.string()),
    tool_name: maybeHostile(fc.string()),
    metadata: maybeHostile(fc.dictionary(fc.string(), hostileValue, { maxKeys: 4 })),
    extra_field: hostileValue,
  },
  { requiredKeys: [] },
);

/** Any JSON value, or something event-shaped with hostile fields; parsed from JSON like the route does. */
const input = fc.oneof(hostileValue, plausibleEvent).map((v) => viaJson(v));

function expectWithinContract(event: any): void {
  structuredClone(event);
  JSON.stringify(event);
  for (const key of ['event_id', 'session_id', 'agent_type', 'event_type']) {
    expect(typeof event[key]).toBe('string');
    expect(event[key].length).toBeLessThanOrEqual(LIMITS.idLength);
  }
  expect(jsonDepth(event.metadata, LIMITS.maxMetadataDepth + 1)).toBeLessThanOrEqual(LIMITS.maxMetadataDepth);
  if (event.client_timestamp !== null) {
    const ms = Date.parse(event.client_timestamp);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.minTimestampMs);
    expect(ms).toBeLessThanOrEqual(FUZZ_NOW.getTime() + LIMITS.maxFutureMs);
  }
  for (const key of ['tokens_in', 'tokens_out', 'cost_usd', 'duration_ms']) {
    if (event[key] !== null) expect(Number.isFinite(event[key]) && event[key] >= 0).toBe(true);
  }
}

describe('native event validation', () => {
  it('never throws, and accepts only events within the contract', () => {
    const deep = `__DEEP_${DEEP}__`;
    const examples = [
      { session_id: 's', agent_type: 'codex', event_type: 'tool_use', metadata: { d: deep } },
      { session_id: 's', agent_type: 'codex', event_type: 'tool_use', extra: deep },
      { session_id: deep, agent_type: deep, event_type: deep, client_timestamp: deep },
      { session_id: 's', agent_type: 'codex', event_type: 'tool_use', client_timestamp: 1e300, timestamp: HUGE_NANOS },
    ].map((e) => [viaJson(e)] as [unknown]);
    fc.assert(
      fc.property(input, (value) => {
        const result = validateEvent(value, ctx);
        if (result.ok) expectWithinContract(result.event);
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
      params(400, 1200, examples),
    );
  }, TIMEOUT);

  it('a batch keeps every valid event beside hostile ones and reports the rest by index', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 8 }), fc.nat({ max: 3 }), (junk, valid) => {
        const good = Array.from({ length: valid + 1 }, (_, i) => ({ event_id: `good-${i}`, session_id: 's', agent_type: 'codex', event_type: 'tool_use' }));
        const batch = [...junk];
        good.forEach((g, i) => batch.splice(Math.min(i * 2, batch.length), 0, g));
        const { valid: kept, rejected } = validateAll(batch, ctx, { source: 'native' });
        expect(kept.length + rejected.length).toBe(batch.length);
        const ids = new Set(kept.map((e) => e.event_id));
        for (const g of good) expect(ids.has(g.event_id)).toBe(true);
        for (const r of rejected) expect(batch[r.index]).not.toBeUndefined();
      }),
      params(300, 1000),
    );
  }, TIMEOUT);
});
