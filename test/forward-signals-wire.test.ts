/**
 * The spans and metric points the `otlp` exporter sends, on the wire: the bytes decode with the
 * OpenTelemetry JS SDK's own generated codecs into the expected OTLP (ids, parent, kind, status,
 * events, DELTA points, histogram sum and count, agentstats.* facts), and a receiving AgentStats'
 * OTLP mapping (receivers/otlp) turns them back into the records the sender stored — protobuf and
 * OTLP/JSON alike.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { MetricPointRecord, SpanRecord } from '../collector/core/storage.js';
import { resourceOf } from '../exporters/otlp/log-records.js';
import { serializeSpans, toReadableSpan } from '../exporters/otlp/spans.js';
import { serializePoints } from '../exporters/otlp/metric-points.js';
import { decodeProtobufRequest } from '../receivers/otlp/proto.js';
import { mapTracesRequest } from '../receivers/otlp/traces.js';
import { mapMetricsRequest } from '../receivers/otlp/metrics.js';
import { TraceSessions } from '../receivers/otlp/trace-sessions.js';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const TraceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const MetricsRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const resource = resourceOf({ machine: 'laptop-a', hostName: 'host-a', version: 'test' });
const now = () => new Date('2026-11-24T12:00:00Z');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const attrs = (list: Array<{ key: string; value: Record<string, unknown> }>) =>
  Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value)[0]]));

const ROOT_SPAN: SpanRecord = {
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', parent_span_id: null, session_id: 'sess-1',
  agent_type: 'claude_code', name: 'claude_code.interaction', kind: 1, start_time: '2026-11-24T10:00:00.000Z',
  end_time: '2026-11-24T10:00:02.500Z', duration_ms: 2500.25, status_code: 0, status_message: null,
  attributes: { 'session.id': 'sess-1', round: 2 }, extra: { service: 'claude-code', scope: 'com.anthropic.claude_code' },
};
const CHILD_SPAN: SpanRecord = {
  ...ROOT_SPAN, span_id: '00f067aa0ba902b8', parent_span_id: '00f067aa0ba902b7', session_id: null, name: 'claude_code.llm_request',
  kind: 3, status_code: 2, start_time: '2026-11-24T10:00:00.100Z', end_time: '2026-11-24T10:00:01.100Z', duration_ms: 1000,
  attributes: { 'gen_ai.usage.input_tokens': 12, tags: ['a', 'b'] },
  extra: {
    service: 'claude-code', scope: 'com.anthropic.claude_code', status_message_length: 10,
    events: [{ name: 'gen_ai.request.attempt', time: '2026-11-24T10:00:00.200Z', attributes: { attempt: 1 } }],
  },
};

const point = (fields: Partial<MetricPointRecord>): MetricPointRecord => ({
  name: 'claude_code.token.usage', agent_type: 'claude_code', session_id: 'sess-1', series_key: 'series-input',
  attributes: { 'session.id': 'sess-1', type: 'input' }, unit: 'tokens', kind: 'sum', temporality: 'cumulative',
  start_time: '2026-11-24T09:00:00.000Z', time: '2026-11-24T10:00:00.000Z', value: 300, count: null, ...fields,
});
const POINTS: MetricPointRecord[] = [
  point({}),
  point({ series_key: 'series-delta', temporality: 'delta', value: 7, attributes: { type: 'output' } }),
  point({ name: 'claude_code.active_time', series_key: 'series-gauge', kind: 'gauge', temporality: 'unspecified', value: 1.5, unit: 's' }),
  point({ name: 'claude_code.request.duration', series_key: 'series-hist', kind: 'histogram', value: 123.5, count: 4, unit: 'ms' }),
  point({ name: 'gemini_cli.latency', series_key: 'series-exp', kind: 'exp_histogram', temporality: 'delta', value: 9, count: 2, agent_type: 'gemini_cli', session_id: null }),
];

describe('forwarded spans on the wire', () => {
  it('decode with the SDK codecs into the stored spans, with the agentstats.* facts beside their attributes', () => {
    const bytes = serializeSpans([ROOT_SPAN, CHILD_SPAN].map((s) => toReadableSpan(s, resource, false)), false);
    const req = TraceRequest.decode(bytes);
    expect(req.resourceSpans).toHaveLength(1);
    expect(attrs(req.resourceSpans[0].resource.attributes)).toMatchObject({ 'service.name': 'agentstats', 'agentstats.machine': 'laptop-a' });
    const scope = req.resourceSpans[0].scopeSpans[0];
    expect(scope.scope.name).toBe('com.anthropic.claude_code');
    const [root, child] = scope.spans;
    expect(hex(root.traceId)).toBe(ROOT_SPAN.trace_id);
    expect(hex(child.spanId)).toBe(CHILD_SPAN.span_id);
    expect(hex(child.parentSpanId)).toBe(ROOT_SPAN.span_id);
    expect([root.kind, child.kind]).toEqual([1, 3]);
    expect(child.status.code).toBe(2);
    expect(child.status.message ?? '').toBe(''); // error text stays home without send_prompts
    expect(String(root.startTimeUnixNano)).toBe(String(BigInt(Date.parse(ROOT_SPAN.start_time)) * 1_000_000n));
    expect(child.events.map((e: { name: string }) => e.name)).toEqual(['gen_ai.request.attempt']);
    expect(attrs(root.attributes)).toMatchObject({
      'session.id': 'sess-1', 'agentstats.machine': 'laptop-a', 'agentstats.session_id': 'sess-1',
      'agentstats.agent_type': 'claude_code', 'agentstats.duration_ms': 2500.25,
    });
  });

  it.each(['protobuf', 'json'] as const)('come back out of a receiving AgentStats\' OTLP mapping as the sender stored them (%s)', (encoding) => {
    const bytes = serializeSpans([ROOT_SPAN, CHILD_SPAN].map((s) => toReadableSpan(s, resource, false)), encoding === 'json');
    const request = encoding === 'json' ? JSON.parse(Buffer.from(bytes).toString('utf8')) : decodeProtobufRequest('traces', bytes);
    const result = mapTracesRequest(request, {
      storePrompts: false, idEncoding: encoding === 'json' ? 'hex' : 'base64', traceSessions: new TraceSessions(), now,
    });
    expect(result.rejected).toBe(0);
    // The child had no session of its own: the receiver links it through its trace, as the sender's store did.
    expect(result.items).toEqual([ROOT_SPAN, { ...CHILD_SPAN, session_id: 'sess-1' }]);
  });
});

describe('forwarded metric points on the wire', () => {
  it('decode with the SDK codecs as DELTA points (gauges as gauges), histograms with sum and count', () => {
    const req = MetricsRequest.decode(serializePoints(POINTS, resource, false));
    const metrics = req.resourceMetrics[0].scopeMetrics[0].metrics as any[];
    const byName = (n: string) => metrics.filter((m) => m.name === n);
    const tokens = byName('claude_code.token.usage');
    expect(tokens).toHaveLength(1);
    expect(tokens[0].sum.aggregationTemporality).toBe(1); // DELTA: the cumulative series' stored deltas
    expect(tokens[0].sum.isMonotonic).toBe(true);
    expect(tokens[0].sum.dataPoints.map((p: any) => p.asDouble)).toEqual([300, 7]);
    expect(attrs(tokens[0].sum.dataPoints[0].attributes)).toEqual({
      'session.id': 'sess-1', type: 'input', 'agentstats.machine': 'laptop-a', 'agentstats.series_key': 'series-input',
      'agentstats.agent_type': 'claude_code', 'agentstats.session_id': 'sess-1',
    });
    expect(byName('claude_code.active_time')[0].gauge.dataPoints[0].asDouble).toBe(1.5);
    const hist = byName('claude_code.request.duration')[0].histogram;
    expect(hist.aggregationTemporality).toBe(1);
    expect([Number(hist.dataPoints[0].count), hist.dataPoints[0].sum]).toEqual([4, 123.5]);
    expect(attrs(byName('gemini_cli.latency')[0].histogram.dataPoints[0].attributes)['agentstats.kind']).toBe('exp_histogram');
  });

  it.each(['protobuf', 'json'] as const)('come back out of a receiving AgentStats\' OTLP mapping in the sender\'s series (%s)', (encoding) => {
    const bytes = serializePoints(POINTS, resource, encoding === 'json');
    const request = encoding === 'json' ? JSON.parse(Buffer.from(bytes).toString('utf8')) : decodeProtobufRequest('metrics', bytes);
    const result = mapMetricsRequest(request, { now });
    expect(result.rejected).toBe(0);
    const strip = ({ monotonic: _m, ...p }: MetricPointRecord) => p;
    // Stored values are what each point added: they arrive as delta points (gauges unchanged).
    const expected = POINTS.map((p) => ({ ...p, temporality: p.kind === 'gauge' ? 'unspecified' : 'delta' }));
    expect(result.items.map(strip)).toEqual(expected);
  });
});
