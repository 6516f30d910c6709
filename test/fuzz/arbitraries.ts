/**
 * Generators for the fuzz suite (issue 10.9): hostile JSON values, OTLP requests whose every field
 * may be plausible or hostile, and the fixed regression inputs of issue 10. Seeded and bounded in
 * time (FUZZ_SEED, FUZZ_RUNS, FUZZ_MS to go further locally), so CI runs the same cases fast.
 *
 * Deep nesting: JSON.stringify itself overflows on an array ~5,000 levels deep, so hostile values
 * carry a placeholder string ("__DEEP_<n>__") that toJsonText() replaces with n levels of `[`…`]`
 * after stringifying — the receivers then see exactly what a client would send.
 */
import fc from 'fast-check';

export const SEED = Number(process.env.FUZZ_SEED ?? 20261110);
const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const MS = Number(process.env.FUZZ_MS ?? 0);

/** A vitest timeout for one `it` that runs a few properties (longer when FUZZ_MS asks for it). */
export const TIMEOUT = MS ? MS * 6 + 30_000 : 30_000;

/** fc.assert parameters: fixed seed, `runs` cases (or FUZZ_RUNS), and at most `ms` (or FUZZ_MS). */
export function params<T>(runs: number, ms: number, examples: T[] = []): fc.Parameters<T> {
  return {
    seed: SEED,
    numRuns: RUNS || runs,
    examples,
    plugins: [fc.interruptAfterTimeLimit(MS || ms)],
  };
}

/** The nanosecond time of issue 10.6 (beyond the Date range), and fixed64's maximum (year 2554). */
export const HUGE_NANOS = '99999999999999999999999';
export const FIXED64_MAX = '18446744073709551615';
export const DEEP = 5000;

const deepMarker = (n: number) => `__DEEP_${n}__`;

/** JSON text of a value, with every deep marker replaced by that many nested arrays. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"__DEEP_(\d+)__"/g, (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

/** Parses what toJsonText wrote (JSON.parse copes with any depth). */
export function viaJson<T = unknown>(value: unknown): T {
  return JSON.parse(toJsonText(value)) as T;
}

/** Scalars that break careless code: huge digit strings, lone surrogates, NUL, prototype keys. */
const nastyScalar: fc.Arbitrary<unknown> = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  HUGE_NANOS,
  FIXED64_MAX,
  '\u0000',
  '\ud800',
  '__proto__',
  'constructor',
  'x'.repeat(5000),
  0,
  -1,
  -0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  0.1,
  true,
  false,
  null,
);

/** Any JSON value, including deep nesting and nasty scalars. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 3, arbitrary: nastyScalar },
  { weight: 1, arbitrary: fc.constantFrom(DEEP, 40, 17, 33).map(deepMarker) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": 1}}')) },
);

/** Either a plausible value or (1 time in `odds`) a hostile one. */
export function maybeHostile<T>(plausible: fc.Arbitrary<T>, odds = 4): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: odds - 1, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue });
}

// ------------------------------------------------------------------------------------------ OTLP
const NOW_MS = Date.parse('2026-11-24T10:00:00Z');
const hex = (len: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: len, maxLength: len });

export const nanosArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: NOW_MS - 86_400_000 * 30, max: NOW_MS }).map((ms) => `${ms}000000`) },
  { weight: 1, arbitrary: fc.bigInt(0n, 2n ** 64n - 1n).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(HUGE_NANOS, FIXED64_MAX, '0', '1', '') },
  { weight: 1, arbitrary: fc.double({ noNaN: false }) },
);

const ATTR_KEYS = [
  'event.name',
  'session.id',
  'conversation.id',
  'thread.id',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_usd',
  'duration_ms',
  'model',
  'prompt',
  'prompt.id',
  'tool_name',
  'tool_parameters',
  'request_id',
  'success',
  'event.timestamp',
  'service.name',
  'token_type',
  'type',
];
const EVENT_NAMES = ['api_request', 'user_prompt', 'tool_result', 'tool_decision', 'api_error', 'codex.sse_event', 'gemini_cli.api_response'];

export const anyValueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: maybeHostile(
    fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      // The scalar inside an AnyValue may be hostile too (a deep array as stringValue…).
      maybeHostile(fc.string()).map((s) => ({ stringValue: s })),
      fc.constantFrom(...EVENT_NAMES).map((s) => ({ stringValue: s })),
      maybeHostile(fc.oneof(fc.integer(), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(String))).map((n) => ({ intValue: n })),
      maybeHostile(fc.double().map((d) => (Number.isFinite(d) ? d : String(d)))).map((d) => ({ doubleValue: d })),
      maybeHostile(fc.boolean()).map((b) => ({ boolValue: b })),
      maybeHostile(fc.base64String({ maxLength: 12 })).map((b) => ({ bytesValue: b })),
      fc.constant({}),
      fc.array(tie('v'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
      fc.array(fc.record({ key: fc.string(), value: tie('v') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
    ),
    6,
  ),
})).v;

export const attributesArb = maybeHostile(
  fc.array(fc.record({ key: maybeHostile(fc.constantFrom(...ATTR_KEYS), 8), value: anyValueArb }), { maxLength: 8 }),
  8,
);

const serviceArb = fc.constantFrom('claude-code', 'codex_cli_rs', 'codex-exec', 'gemini-cli', 'my.service', '');
export const resourceArb = maybeHostile(
  fc.record({
    attributes: fc.tuple(serviceArb, attributesArb).map(([service, rest]) => [
      { key: 'service.name', value: { stringValue: service } },
      ...(Array.isArray(rest) ? rest : []),
    ]),
  }),
  8,
);

const optional = { requiredKeys: [] as never[] };

export const logRecordArb = maybeHostile(
  fc.record(
    {
      timeUnixNano: maybeHostile(nanosArb),
      observedTimeUnixNano: maybeHostile(nanosArb),
      severityNumber: maybeHostile(fc.integer({ min: 0, max: 24 })),
      severityText: maybeHostile(fc.string()),
      body: anyValueArb,
      attributes: attributesArb,
      traceId: maybeHostile(hex(32)),
      spanId: maybeHostile(hex(16)),
      eventName: maybeHostile(fc.string()),
      flags: maybeHostile(fc.nat()),
    },
    optional,
  ),
  8,
);

export const spanArb = maybeHostile(
  fc.record(
    {
      traceId: maybeHostile(hex(32), 8),
      spanId: maybeHostile(hex(16), 8),
      parentSpanId: maybeHostile(hex(16)),
      name: maybeHostile(fc.string()),
      kind: maybeHostile(fc.integer({ min: 0, max: 5 })),
      startTimeUnixNano: maybeHostile(nanosArb, 8),
      endTimeUnixNano: maybeHostile(nanosArb),
      attributes: attributesArb,
      events: maybeHostile(fc.array(fc.record({ name: fc.string(), timeUnixNano: nanosArb, attributes: attributesArb }), { maxLength: 2 })),
      links: maybeHostile(fc.array(fc.record({ traceId: hex(32), spanId: hex(16), attributes: attributesArb }), { maxLength: 2 })),
      status: maybeHostile(fc.record({ code: maybeHostile(fc.integer({ min: 0, max: 2 })), message: maybeHostile(fc.string()) }, optional)),
    },
    optional,
  ),
  8,
);

const pointArb = maybeHostile(
  fc.record(
    {
      timeUnixNano: maybeHostile(nanosArb, 8),
      startTimeUnixNano: maybeHostile(nanosArb),
      asDouble: maybeHostile(fc.double()),
      asInt: maybeHostile(fc.oneof(fc.integer(), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map(String))),
      count: maybeHostile(fc.nat().map(String)),
      sum: maybeHostile(fc.double({ noNaN: true, noDefaultInfinity: true })),
      attributes: attributesArb,
      flags: maybeHostile(fc.nat({ max: 3 })),
    },
    optional,
  ),
  8,
);

export const metricArb = maybeHostile(
  fc.record(
    {
      name: maybeHostile(fc.constantFrom('claude_code.token.usage', 'codex.turn.token_usage', 'gemini_cli.api.request.count', 'x')),
      unit: maybeHostile(fc.string()),
      data: fc.tuple(
        fc.constantFrom('sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'),
        fc.record(
          {
            dataPoints: maybeHostile(fc.array(pointArb, { maxLength: 4 }), 8),
            aggregationTemporality: maybeHostile(fc.constantFrom(0, 1, 2, 'AGGREGATION_TEMPORALITY_DELTA')),
            isMonotonic: maybeHostile(fc.boolean()),
          },
          optional,
        ),
      ),
    },
    optional,
  ).map((m) => {
    const { data, ...rest } = m as { data?: [string, unknown] } & Record<string, unknown>;
    return data ? { ...rest, [data[0]]: data[1] } : rest;
  }),
  8,
);

/** A whole Export*ServiceRequest of one signal with hostile values anywhere. */
export function requestArb(signal: 'logs' | 'metrics' | 'traces'): fc.Arbitrary<unknown> {
  const [top, scopes, list, item] =
    signal === 'logs'
      ? ['resourceLogs', 'scopeLogs', 'logRecords', logRecordArb]
      : signal === 'metrics'
        ? ['resourceMetrics', 'scopeMetrics', 'metrics', metricArb]
        : ['resourceSpans', 'scopeSpans', 'spans', spanArb];
  const scope = maybeHostile(
    fc.record({ scope: maybeHostile(fc.record({ name: fc.string(), version: fc.string() }, optional)), [list]: maybeHostile(fc.array(item, { maxLength: 5 }), 8) }, optional),
    8,
  );
  const resource = maybeHostile(fc.record({ resource: resourceArb, [scopes]: maybeHostile(fc.array(scope, { maxLength: 3 }), 8) }, optional), 8);
  return fc.record({ [top]: maybeHostile(fc.array(resource, { maxLength: 3 }), 10) }, optional);
}

// --------------------------------------------------------------------- known-valid OTLP records
/** A Claude Code api_request record that must be stored, for session `sessionId`. */
export function validLogRecord(sessionId: string): Record<string, unknown> {
  return {
    timeUnixNano: `${NOW_MS}000000`,
    body: { stringValue: 'claude_code.api_request' },
    attributes: [
      { key: 'event.name', value: { stringValue: 'api_request' } },
      { key: 'session.id', value: { stringValue: sessionId } },
      { key: 'input_tokens', value: { intValue: '5' } },
      { key: 'output_tokens', value: { intValue: 1 } },
    ],
  };
}

export function validSpan(n: number, sessionId: string): Record<string, unknown> {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: (0x1000000000000000n + BigInt(n)).toString(16),
    name: `valid-${n}`,
    startTimeUnixNano: `${NOW_MS}000000`,
    endTimeUnixNano: `${NOW_MS + 5}000000`,
    attributes: [{ key: 'session.id', value: { stringValue: sessionId } }],
  };
}

export function validMetric(name: string): Record<string, unknown> {
  return {
    name,
    sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ timeUnixNano: `${NOW_MS}000000`, asDouble: 3 }] },
  };
}

/** The server time the fuzzed requests are mapped at (their plausible times lie before it). */
export const FUZZ_NOW = new Date(NOW_MS + 3_600_000);
