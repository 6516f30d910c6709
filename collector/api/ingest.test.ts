/**
 * EventInput (collector/api/schemas/ingest.ts) describes what validateEvent accepts; fastify does
 * not validate native bodies with it (validateEvent does, without coercion). This keeps the two in
 * agreement on everything a JSON Schema can state: for generated bodies, the schema accepts exactly
 * the ones validateEvent accepts. Left out, as no schema can state them: the time window of
 * client_timestamp, reasoning_tokens ≤ tokens_out and metadata depth (the generator stays inside them).
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, validateEvent } from '../core/event.js';
import { EventInput } from './schemas/index.js';

const check = new Ajv({ strict: true, allowUnionTypes: true }).compile(EventInput);
const ctx = { now: () => new Date('2026-06-01T00:00:00Z'), newId: () => 'generated' };

// Mostly good values with an occasional bad one, so that about a third of the bodies are valid and
// each kind of mistake shows up on its own as well as together with others.
const GOOD = 30;

/** A value for a string field: fine (up to the limit), or empty, blank, one too long, wrong type. */
const stringValue = (max: number) =>
  fc.oneof(
    { weight: GOOD, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '') },
    { weight: 2, arbitrary: fc.constant('x'.repeat(max)) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', null, 5, true, { x: 1 }, ['a'], 'x'.repeat(max + 1)) },
  );
const numberValue = (max: number) =>
  fc.oneof(
    { weight: GOOD, arbitrary: fc.oneof(fc.nat({ max: 1_000_000 }), fc.constantFrom(0, max, null)) },
    { weight: 1, arbitrary: fc.constantFrom(1.5, -1, max + 1, '12', true) },
  );
const timeValue = fc.oneof(
  { weight: GOOD, arbitrary: fc.constantFrom('2026-01-02T03:04:05Z', Date.UTC(2025, 0, 1), null) },
  { weight: 1, arbitrary: fc.constantFrom(true, { t: 1 }) },
);

const OPTIONAL_TEXT: Array<[string, number]> = [
  ['source', 64], ['tool_name', LIMITS.shortText], ['status', 64], ['model', LIMITS.shortText],
  ['project', LIMITS.pathText], ['branch', LIMITS.shortText], ['cwd', LIMITS.pathText], ['cost_source', 32],
  ['parent_session_id', LIMITS.idLength], ['request_id', LIMITS.idLength], ['prompt_id', LIMITS.idLength],
  ['tool_use_id', LIMITS.idLength], ['correlation_key', LIMITS.pathText],
];

const body = fc.record(
  {
    event_id: fc.oneof(stringValue(LIMITS.idLength), fc.constant(undefined)),
    session_id: stringValue(LIMITS.idLength),
    agent_type: stringValue(LIMITS.idLength),
    event_type: stringValue(LIMITS.idLength),
    ...Object.fromEntries(OPTIONAL_TEXT.map(([name, max]) => [name, stringValue(max)])),
    tokens_in: numberValue(LIMITS.maxTokens),
    // Never above tokens_out's range start: reasoning ≤ output is not a schema rule.
    reasoning_tokens: fc.oneof({ weight: GOOD, arbitrary: fc.constantFrom(0, null) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 'x') }),
    tokens_out: numberValue(LIMITS.maxTokens),
    cost_usd: numberValue(LIMITS.maxCostUsd),
    duration_ms: numberValue(LIMITS.maxDurationMs),
    client_timestamp: timeValue,
    metadata: fc.oneof({ weight: GOOD, arbitrary: fc.constantFrom({ a: 1 }, null) }, { weight: 1, arbitrary: fc.constantFrom([1], 'text') }),
    colour: fc.constantFrom('blue', 3, null),
  },
  { requiredKeys: [] },
);

describe('EventInput schema', () => {
  it('accepts exactly the bodies validateEvent accepts', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(body, (input) => {
        const result = validateEvent(input, ctx);
        const errors = result.ok ? [] : result.errors;
        expect({ schema: check(input), errors }).toEqual({ schema: result.ok, errors });
        if (result.ok) accepted++;
        else refused++;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the agreement were exercised, not just one.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it('refuses what is not an object, as validateEvent does', () => {
    for (const input of [null, [], 'event', 3]) {
      expect(check(input)).toBe(false);
      expect(validateEvent(input, ctx).ok).toBe(false);
    }
  });
});
