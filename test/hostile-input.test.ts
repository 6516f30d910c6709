/**
 * Issue 10.6: hostile or broken input never answers 500 and never costs the valid records of the
 * same request. Fixed regression cases against the real server, over every transport: OTLP/HTTP
 * JSON and protobuf, OTLP/gRPC, the native receiver and the hooks receiver. An array nested 5,000
 * levels deep where a value belongs (String() or Number() on it overflows the stack) and times
 * beyond the Date range or the contract's window ("99999999999999999999999" ns, fixed64 max).
 */
import * as grpc from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server.js';
import { attributes, logsRequest, nanos, postJson, postRaw, startOtlpServer, type OtlpServer } from './otlp-support.js';

const { encodeProtobufRequest } = (await import(
  pathToFileURL(path.join(ROOT, 'dist/receivers/otlp/proto.js')).href
)) as typeof import('../receivers/otlp/proto.js');
const require = createRequire(import.meta.url);
const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const TraceResponse = generated.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
const rejectedSpans = (bytes: Buffer) =>
  TraceResponse.toObject(TraceResponse.decode(bytes), { longs: String }).partialSuccess?.rejectedSpans;

const DEEP = 5000;
/** `[[[…]]]` DEEP levels, spliced into a JSON text where a value belongs. */
const deepArray = '['.repeat(DEEP) + ']'.repeat(DEEP);
const HUGE_NANOS = '99999999999999999999999';
const TRACE = '5b8efff798038103d269b633813fc60c';

let server: OtlpServer;
beforeAll(async () => {
  server = await startOtlpServer();
});
afterAll(async () => {
  await server?.cleanup();
});

function apiRecord(sessionId: string, extra: Record<string, unknown> = {}) {
  return {
    timeUnixNano: nanos('2026-11-24T10:00:00Z'),
    body: { stringValue: 'claude_code.api_request' },
    attributes: attributes({ 'event.name': 'api_request', 'session.id': sessionId, input_tokens: 5, output_tokens: 1 }),
    ...extra,
  };
}

/** A JSON logs request with one valid record and one whose `key` holds the deep array. */
function withDeepValue(sessionId: string, place: (record: Record<string, unknown>) => void): string {
  const bad = apiRecord(`${sessionId}-bad`);
  place(bad);
  const text = JSON.stringify(logsRequest({ 'service.name': 'claude-code' }, 's', [apiRecord(sessionId), bad]));
  return text.replace('"__DEEP__"', deepArray);
}

async function eventsOf(sessionId: string): Promise<any[]> {
  return (await server.get(`/api/events?session_id=${encodeURIComponent(sessionId)}`)).body.events;
}

/** Span names of a session (the session is made by one log record, as an agent's would be). */
async function spanNames(sessionId: string): Promise<string[]> {
  await postJson(server, '/v1/logs', logsRequest({ 'service.name': 'claude-code' }, 's', [apiRecord(sessionId)]));
  return ((await server.get(`/api/sessions/${sessionId}`)).body.spans as any[]).map((s) => s.name);
}

describe('OTLP/JSON', () => {
  const places: Array<[string, (r: Record<string, unknown>) => void]> = [
    ['timeUnixNano', (r) => (r.timeUnixNano = '__DEEP__')],
    ['observedTimeUnixNano', (r) => (r.observedTimeUnixNano = '__DEEP__')],
    ['body', (r) => (r.body = '__DEEP__')],
    ['stringValue', (r) => (r.attributes as any[]).push({ key: 'k', value: { stringValue: '__DEEP__' } })],
    ['intValue', (r) => (r.attributes as any[]).push({ key: 'k', value: { intValue: '__DEEP__' } })],
    ['doubleValue', (r) => (r.attributes as any[]).push({ key: 'k', value: { doubleValue: '__DEEP__' } })],
    ['bytesValue', (r) => (r.attributes as any[]).push({ key: 'k', value: { bytesValue: '__DEEP__' } })],
    ['arrayValue', (r) => (r.attributes as any[]).push({ key: 'k', value: { arrayValue: { values: '__DEEP__' } } })],
    ['attribute value', (r) => (r.attributes as any[]).push({ key: 'k', value: '__DEEP__' })],
    ['traceId', (r) => (r.traceId = '__DEEP__')],
    ['severityNumber', (r) => (r.severityNumber = '__DEEP__')],
  ];

  it('a 5,000-level array where a value belongs: 200, the valid record stored', async () => {
    for (const [name, place] of places) {
      const sid = `deep-${name.replace(/\W/g, '')}`;
      const res = await postRaw(server, '/v1/logs', withDeepValue(sid, place), { contentType: 'application/json' });
      expect([name, res.status]).toEqual([name, 200]);
      expect(await eventsOf(sid), name).toHaveLength(1);
    }
  });

  it('a log time beyond the Date range: the record rejected in partialSuccess, the valid one stored', async () => {
    const body = logsRequest({ 'service.name': 'claude-code' }, 's', [
      apiRecord('huge-log-ok'),
      apiRecord('huge-log-bad', { timeUnixNano: HUGE_NANOS }),
    ]);
    const res = await postJson(server, '/v1/logs', body);
    expect(res.status).toBe(200);
    expect(res.json.partialSuccess).toMatchObject({ rejectedLogRecords: '1' });
    expect(res.json.partialSuccess.errorMessage).toMatch(/timeUnixNano out of range/);
    expect(await eventsOf('huge-log-ok')).toHaveLength(1);
    expect(await eventsOf('huge-log-bad')).toEqual([]);
  });

  it('a span time beyond the Date range: rejectedSpans, the valid span stored', async () => {
    const span = (id: string, start: string, end?: string) => ({
      traceId: TRACE,
      spanId: id,
      name: `span-${id}`,
      startTimeUnixNano: start,
      ...(end ? { endTimeUnixNano: end } : {}),
      attributes: attributes({ 'session.id': 'huge-span' }),
    });
    const ok = nanos('2026-11-24T10:00:00Z');
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                span('aaaaaaaaaaaaaaa1', ok, nanos('2026-11-24T10:00:01Z')),
                span('aaaaaaaaaaaaaaa2', HUGE_NANOS),
                span('aaaaaaaaaaaaaaa3', ok, HUGE_NANOS),
              ],
            },
          ],
        },
      ],
    };
    const res = await postJson(server, '/v1/traces', body);
    expect(res.status).toBe(200);
    expect(res.json.partialSuccess).toMatchObject({ rejectedSpans: '2' });
    expect(await spanNames('huge-span')).toEqual(['span-aaaaaaaaaaaaaaa1']);
  });

  it('a metric point time beyond the Date range: rejectedDataPoints, the valid point stored', async () => {
    const point = (time: string, v: number) => ({ timeUnixNano: time, asDouble: v });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: attributes({ 'service.name': 'claude-code' }) },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'huge.sum',
                  sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(nanos('2026-11-24T10:00:00Z'), 7), point(HUGE_NANOS, 8)] },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await postJson(server, '/v1/metrics', body);
    expect(res.status).toBe(200);
    expect(res.json.partialSuccess).toMatchObject({ rejectedDataPoints: '1' });
    const totals = (await server.get('/api/stats')).body.metrics.totals as any[];
    expect(totals.filter((t) => t.name === 'huge.sum').map((t) => t.value)).toEqual([7]);
  });
});

// ------------------------------------------------------------------ protobuf, by hand where needed
const varint = (n: number) => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
};
/** A length-delimited protobuf field. */
const ld = (field: number, bytes: Buffer) => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
/** AnyValue{array_value{values: AnyValue{…}}} DEEP levels: built as bytes, no encoder recursion. */
function deepAnyValue(): Buffer {
  let v = Buffer.alloc(0);
  for (let i = 0; i < DEEP; i++) v = ld(5, ld(1, v));
  return v;
}
/** ExportLogsServiceRequest: a valid record, plus (appended: repeated fields concatenate) a deep one. */
function protobufWithDeepRecord(sessionId: string): Buffer {
  const valid = encodeProtobufRequest('logs', logsRequest({ 'service.name': 'claude-code' }, 's', [apiRecord(sessionId)]));
  return Buffer.concat([valid, ld(1, ld(2, ld(2, ld(5, deepAnyValue()))))]);
}
/** ExportTraceServiceRequest with one valid span and one starting at fixed64 max (year 2554). */
function protobufSpans(sessionId: string): Buffer {
  const good = encodeProtobufRequest('traces', {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: Buffer.from(TRACE, 'hex').toString('base64'),
                spanId: Buffer.from('bbbbbbbbbbbbbbb1', 'hex').toString('base64'),
                name: 'pb-ok',
                startTimeUnixNano: nanos('2026-11-24T10:00:00Z'),
                attributes: attributes({ 'session.id': sessionId }),
              },
            ],
          },
        ],
      },
    ],
  });
  const fixed64Max = Buffer.concat([Buffer.from([0x39]), Buffer.alloc(8, 0xff)]); // field 7, fixed64
  const span = Buffer.concat([ld(1, Buffer.from(TRACE, 'hex')), ld(2, Buffer.from('bbbbbbbbbbbbbbb2', 'hex')), fixed64Max]);
  return Buffer.concat([good, ld(1, ld(2, ld(2, span)))]);
}

describe('OTLP/protobuf over HTTP', () => {
  it('an AnyValue nested 5,000 deep cannot be decoded: 400, never 500', async () => {
    const res = await postRaw(server, '/v1/logs', protobufWithDeepRecord('pb-deep'), { contentType: 'application/x-protobuf' });
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/x-protobuf');
  });

  it('a span at fixed64 max: rejected in partialSuccess, the valid span stored', async () => {
    const res = await postRaw(server, '/v1/traces', protobufSpans('pb-span'), { contentType: 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(rejectedSpans(res.bytes)).toBe('1');
    expect(await spanNames('pb-span')).toEqual(['pb-ok']);
  });
});

describe('OTLP/gRPC', () => {
  function call(method: string, body: Buffer): Promise<{ code: number; bytes?: Buffer }> {
    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        method,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        (error: grpc.ServiceError | null, bytes?: Buffer) => {
          client.close();
          resolve({ code: error ? error.code : grpc.status.OK, bytes });
        },
      );
    });
  }

  it('deep nesting is INVALID_ARGUMENT; a span at fixed64 max is a partial success', async () => {
    const deep = await call('/opentelemetry.proto.collector.logs.v1.LogsService/Export', protobufWithDeepRecord('grpc-deep'));
    expect(deep.code).toBe(grpc.status.INVALID_ARGUMENT);
    const spans = await call('/opentelemetry.proto.collector.trace.v1.TraceService/Export', protobufSpans('grpc-span'));
    expect(spans.code).toBe(grpc.status.OK);
    expect(rejectedSpans(spans.bytes!)).toBe('1');
    expect(await spanNames('grpc-span')).toEqual(['pb-ok']);
  });
});

describe('native and hooks', () => {
  it('native: deep values and impossible times are per-event rejections, never 500', async () => {
    const valid = { session_id: 'native-ok', agent_type: 'claude_code', event_type: 'tool_use', event_id: 'native-ok-1' };
    const text = JSON.stringify({
      events: [
        valid,
        { ...valid, event_id: 'n2', metadata: { deep: '__DEEP__' } },
        { ...valid, event_id: 'n3', tool_name: '__DEEP__' },
        { ...valid, event_id: 'n4', client_timestamp: 1e300 },
        { ...valid, event_id: 'n5', timestamp: HUGE_NANOS },
        { ...valid, event_id: 'n6', deep_extra: '__DEEP__' },
      ],
    }).replaceAll('"__DEEP__"', deepArray);
    const res = await postRaw(server, '/api/events/batch', text, { contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.json.ids).toEqual(['native-ok-1']);
    expect(res.json.rejected.map((r: any) => r.index)).toEqual([1, 2, 3, 4, 5]);
    const single = await postRaw(server, '/api/events', JSON.stringify({ ...valid, event_id: 'n7', metadata: { d: '__DEEP__' } }).replace('"__DEEP__"', deepArray), {
      contentType: 'application/json',
    });
    expect(single.status).toBe(400);
    expect(await eventsOf('native-ok')).toHaveLength(1);
  });

  it('hooks: a deep tool_input is stored as its shape; a deep session_id is rejected; both 200', async () => {
    const body = JSON.stringify({ session_id: 'hook-deep', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: '__DEEP__', cwd: '__DEEP__' });
    const res = await postRaw(server, '/api/hooks/claude-code', body.replaceAll('"__DEEP__"', deepArray), { contentType: 'application/json' });
    expect([res.status, res.text]).toEqual([200, '']);
    const bad = JSON.stringify({ session_id: '__DEEP__', hook_event_name: 'Stop' }).replace('"__DEEP__"', deepArray);
    expect((await postRaw(server, '/api/hooks/codex', bad, { contentType: 'application/json' })).status).toBe(200);
    let events: any[] = [];
    for (let i = 0; i < 100 && events.length === 0; i++) {
      events = await eventsOf('hook-deep');
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events[0]).toMatchObject({ event_type: 'tool_start', cwd: null });
    expect((await server.get('/api/hooks/stats')).body.rejected).toMatchObject({ missing_session_id: 1 });
  });
});
