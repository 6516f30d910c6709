/**
 * Fuzz (issue 10.9): the OTLP receiver's decoders and mappers, called directly. Properties, for
 * every signal and both encodings:
 *  - decoding answers a request object or an OtlpHttpError (→ 400), never anything else;
 *  - mapping never throws and never even needs its last-line guard (faults = 0);
 *  - what it produces is storable: validated events, ISO times in the contract's window, finite
 *    values, JSON- and structured-clone-able (the worker pool clones every batch);
 *  - valid records survive beside hostile ones in the same request.
 * The inputs of issue 10.6 run first as fixed examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, validateEvent } from '../../collector/core/event.js';
import { decodeBody, OtlpHttpError } from '../../receivers/otlp/decode.js';
import { mapLogsRequest, type SignalResult } from '../../receivers/otlp/logs.js';
import { mapMetricsRequest } from '../../receivers/otlp/metrics.js';
import { encodeProtobufRequest, type Signal } from '../../receivers/otlp/proto.js';
import { TraceSessions } from '../../receivers/otlp/trace-sessions.js';
import { mapTracesRequest } from '../../receivers/otlp/traces.js';
import {
  DEEP,
  FIXED64_MAX,
  FUZZ_NOW,
  HUGE_NANOS,
  logRecordArb,
  metricArb,
  params,
  requestArb,
  spanArb,
  TIMEOUT,
  toJsonText,
  validLogRecord,
  validMetric,
  validSpan,
} from './arbitraries.js';

const SIGNALS: Signal[] = ['logs', 'metrics', 'traces'];
const deep = `__DEEP_${DEEP}__`;

function map(signal: Signal, request: Record<string, unknown>, idEncoding: 'hex' | 'base64'): SignalResult<any> {
  const now = () => FUZZ_NOW;
  const common = { storePrompts: false, idEncoding, traceSessions: new TraceSessions(), now };
  if (signal === 'logs') {
    let n = 0;
    return mapLogsRequest(request, { ...common, validation: { now, newId: () => `id-${n++}` } });
  }
  if (signal === 'metrics') return mapMetricsRequest(request, { now });
  return mapTracesRequest(request, common);
}

/** Decode (a 400 is a fine answer) then map; returns null for a 400. */
function decodeAndMap(signal: Signal, encoding: 'json' | 'protobuf', body: Buffer): SignalResult<any> | null {
  let request: Record<string, unknown>;
  try {
    request = decodeBody(signal, encoding, body);
  } catch (error) {
    if (error instanceof OtlpHttpError && error.statusCode === 400) return null;
    throw error;
  }
  const result = map(signal, request, encoding === 'json' ? 'hex' : 'base64');
  expectStorable(signal, result);
  return result;
}

const inWindow = (iso: unknown) => {
  const ms = Date.parse(String(iso));
  return ms >= LIMITS.minTimestampMs && ms <= FUZZ_NOW.getTime() + LIMITS.maxFutureMs;
};

function expectStorable(signal: Signal, result: SignalResult<any>): void {
  expect(result.faults).toBe(0);
  expect(result.rejected).toBeGreaterThanOrEqual(0);
  for (const item of result.items) {
    structuredClone(item);
    JSON.stringify(item);
    if (signal === 'logs') {
      expect(validateEvent(item, { now: () => FUZZ_NOW, newId: () => 'x' }).ok).toBe(true);
    } else if (signal === 'traces') {
      expect(inWindow(item.start_time)).toBe(true);
      if (item.end_time !== null) expect(inWindow(item.end_time)).toBe(true);
      expect(item.trace_id).toMatch(/^[0-9a-f]{32}$/);
    } else {
      expect(inWindow(item.time)).toBe(true);
      expect(Number.isFinite(item.value)).toBe(true);
    }
  }
}

/** Issue 10.6's inputs, as whole requests of each signal. */
const regression: Record<Signal, unknown[]> = {
  logs: [
    { resourceLogs: [{ scopeLogs: [{ logRecords: [validLogRecord('r'), { ...validLogRecord('r2'), timeUnixNano: HUGE_NANOS }] }] }] },
    { resourceLogs: [{ scopeLogs: [{ logRecords: [{ ...validLogRecord('r3'), timeUnixNano: deep }] }] }] },
    { resourceLogs: [{ scopeLogs: [{ logRecords: [{ ...validLogRecord('r4'), body: deep }] }] }] },
    { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'k', value: { stringValue: deep } }] }] }] }] },
    { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'k', value: { arrayValue: { values: deep } } }] }] }] }] },
    { resourceLogs: deep },
  ],
  traces: [
    { resourceSpans: [{ scopeSpans: [{ spans: [validSpan(1, 's'), { ...validSpan(2, 's'), startTimeUnixNano: HUGE_NANOS }] }] }] },
    { resourceSpans: [{ scopeSpans: [{ spans: [{ ...validSpan(3, 's'), endTimeUnixNano: FIXED64_MAX }] }] }] },
    { resourceSpans: [{ scopeSpans: [{ spans: [{ ...validSpan(4, 's'), attributes: deep, events: deep, name: deep }] }] }] },
  ],
  metrics: [
    { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ timeUnixNano: HUGE_NANOS, asDouble: 1 }] } }] }] }] },
    { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ timeUnixNano: deep, asInt: deep }] } }] }] }] },
  ],
};

describe('OTLP/JSON decode and map', () => {
  for (const signal of SIGNALS) {
    it(`${signal}: any request decodes to 400 or maps without a fault to storable items`, () => {
      fc.assert(
        fc.property(requestArb(signal), (request) => {
          decodeAndMap(signal, 'json', Buffer.from(toJsonText(request)));
        }),
        params(150, 1200, regression[signal].map((r) => [r] as [unknown])),
      );
    }, TIMEOUT);
  }

  it('valid records survive beside hostile ones in the same request', () => {
    const garbage = { logs: logRecordArb, traces: spanArb, metrics: metricArb };
    for (const signal of SIGNALS) {
      fc.assert(
        fc.property(requestArb(signal), fc.array(garbage[signal], { maxLength: 6 }), fc.nat({ max: 3 }), (noise, junk, valid) => {
          const good =
            signal === 'logs'
              ? Array.from({ length: valid + 1 }, (_, i) => validLogRecord(`valid-${i}`))
              : signal === 'traces'
                ? Array.from({ length: valid + 1 }, (_, i) => validSpan(i, `valid-${i}`))
                : Array.from({ length: valid + 1 }, (_, i) => validMetric(`valid.metric.${i}`));
          // Valid and hostile interleaved in one scope, beside whole hostile resources.
          const mixed = good.flatMap((g, i) => [g, ...junk.slice(i * 2, i * 2 + 2)]).concat(junk.slice(good.length * 2));
          const [top, scopes, list] =
            signal === 'logs' ? ['resourceLogs', 'scopeLogs', 'logRecords'] : signal === 'traces' ? ['resourceSpans', 'scopeSpans', 'spans'] : ['resourceMetrics', 'scopeMetrics', 'metrics'];
          const hostile = (noise as Record<string, unknown>)[top];
          const resources = [
            ...(Array.isArray(hostile) ? hostile : [hostile]),
            { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] }, [scopes]: [{ [list]: mixed }] },
          ];
          const result = decodeAndMap(signal, 'json', Buffer.from(toJsonText({ [top]: resources })));
          expect(result).not.toBeNull();
          const kept = new Set(
            result!.items.map((item: any) => (signal === 'logs' ? item.session_id : signal === 'traces' ? item.name : item.name)),
          );
          for (let i = 0; i <= valid; i++) {
            expect(kept.has(signal === 'logs' ? `valid-${i}` : signal === 'traces' ? `valid-${i}` : `valid.metric.${i}`)).toBe(true);
          }
        }),
        params(40, 1500),
      );
    }
  }, TIMEOUT);
});

describe('OTLP/protobuf decode and map', () => {
  it('arbitrary bytes: a 400 or a request that maps without a fault', () => {
    for (const signal of SIGNALS) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
          decodeAndMap(signal, 'protobuf', Buffer.from(bytes));
        }),
        params(300, 300),
      );
    }
  }, TIMEOUT);

  it('valid requests with flipped, cut or added bytes: a 400 or a clean mapping; intact ones keep every record', () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const valid: Record<Signal, Buffer> = {
      logs: encodeProtobufRequest('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [validLogRecord('pb-0'), validLogRecord('pb-1')] }] }] }),
      traces: encodeProtobufRequest('traces', {
        resourceSpans: [{ scopeSpans: [{ spans: [0, 1].map((i) => {
          const s = validSpan(i, `pb-${i}`);
          return { ...s, traceId: b64(s.traceId as string), spanId: b64(s.spanId as string) };
        }) }] }],
      }),
      metrics: encodeProtobufRequest('metrics', { resourceMetrics: [{ scopeMetrics: [{ metrics: [validMetric('pb.0'), validMetric('pb.1')] }] }] }),
    };
    for (const signal of SIGNALS) {
      expect(decodeAndMap(signal, 'protobuf', valid[signal])!.items).toHaveLength(2);
      const mutation = fc.record({
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        cut: fc.option(fc.nat()),
        tail: fc.uint8Array({ maxLength: 16 }),
      });
      fc.assert(
        fc.property(mutation, ({ flips, cut, tail }) => {
          const bytes = Buffer.from(valid[signal]);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const cutAt = cut === null ? bytes.length : cut % (bytes.length + 1);
          decodeAndMap(signal, 'protobuf', Buffer.concat([bytes.subarray(0, cutAt), tail]));
        }),
        params(300, 300),
      );
    }
  }, TIMEOUT);
});
