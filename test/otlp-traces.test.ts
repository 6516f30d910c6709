/**
 * Issue 3: OTLP traces are stored with name, parent, duration, status and attributes, linked to
 * their session, and shown by GET /api/sessions/:id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ROOT } from './helpers/server.js';
import { attributes, logsRequest, nanos, postJson, postRaw, startOtlpServer, type OtlpServer } from './otlp-support.js';

const require = createRequire(import.meta.url);
const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const TraceResponse = generated.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

const { encodeProtobufRequest } = (await import(
  pathToFileURL(path.join(ROOT, 'dist/receivers/otlp/proto.js')).href
)) as typeof import('../receivers/otlp/proto.js');

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const T = (s: number) => nanos(new Date(Date.parse('2026-11-24T10:00:00Z') + s * 1000).toISOString());

function claudeLog(sessionId: string, extra: Record<string, unknown> = {}) {
  return logsRequest({ 'service.name': 'claude-code' }, 'com.anthropic.claude_code.events', [
    { timeUnixNano: T(0), body: { stringValue: 'claude_code.user_prompt' },
      attributes: attributes({ 'event.name': 'user_prompt', 'session.id': sessionId, prompt_length: '3' }), ...extra },
  ]);
}

describe('OTLP traces', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    server = await startOtlpServer({ AGENTSTATS_GRPC_PORT: 'off' });
  });
  afterAll(async () => server.cleanup());

  it('stores SDK-exported spans with parent, duration, status, attributes and events, shown on the session', async () => {
    expect((await postJson(server, '/v1/logs', claudeLog('trace-sess'))).status).toBe(200);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.331' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/api/otel/v1/traces` }))],
    });
    const tracer = provider.getTracer('com.anthropic.claude_code');
    const root = tracer.startSpan('claude_code.interaction', { attributes: { 'session.id': 'trace-sess' } });
    const child = tracer.startSpan(
      'claude_code.llm_request',
      { attributes: { 'gen_ai.usage.input_tokens': 12, 'gen_ai.input.messages': 'a secret prompt' } },
      trace.setSpan(context.active(), root),
    );
    child.addEvent('gen_ai.request.attempt', { attempt: 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'overloaded' });
    await new Promise((r) => setTimeout(r, 20));
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const detail = (await server.get('/api/sessions/trace-sess')).body;
    const spans = detail.spans as any[];
    expect(spans.map((s) => s.name).sort()).toEqual(['claude_code.interaction', 'claude_code.llm_request']);
    const rootSpan = spans.find((s) => s.name === 'claude_code.interaction');
    const llm = spans.find((s) => s.name === 'claude_code.llm_request');
    expect(llm.parent_span_id).toBe(rootSpan.span_id);
    expect(llm.trace_id).toBe(rootSpan.trace_id);
    expect(llm.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(llm.session_id).toBe('trace-sess'); // linked through its trace
    expect(llm.duration_ms).toBeGreaterThanOrEqual(15);
    // A status message is error text: only its size unless AGENTSTATS_STORE_PROMPTS=1.
    expect(llm).toMatchObject({ status_code: 2, status_message: null, agent_type: 'claude_code' });
    expect(llm.extra.status_message_length).toBe('overloaded'.length);
    expect(llm.attributes['gen_ai.usage.input_tokens']).toBe(12);
    expect(llm.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(llm.extra.events[0]).toMatchObject({ name: 'gen_ai.request.attempt', attributes: { attempt: 1 } });
  });

  it('links protobuf spans without a session attribute through the trace id of a log record (Codex)', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const log = logsRequest({ 'service.name': 'codex_exec' }, 'codex_otel.log_only', [
      { timeUnixNano: '0', observedTimeUnixNano: T(1), traceId, spanId: 'b7ad6b7169203331',
        attributes: attributes({ 'event.name': 'codex.user_prompt', 'conversation.id': 'codex-trace', prompt_length: '4' }) },
    ]);
    expect((await postJson(server, '/v1/logs', log)).status).toBe(200);
    const span = (spanId: string, name: string, parent?: string) => ({
      traceId: b64(traceId), spanId: b64(spanId), ...(parent ? { parentSpanId: b64(parent) } : {}), name, kind: 1,
      startTimeUnixNano: T(1), endTimeUnixNano: T(3), attributes: attributes({ 'codex.turn': 1 }),
    });
    const body = encodeProtobufRequest('traces', {
      resourceSpans: [{ resource: { attributes: attributes({ 'service.name': 'codex_exec' }) },
        scopeSpans: [{ scope: { name: 'codex' }, spans: [span('00f067aa0ba902b7', 'run_turn'), span('00f067aa0ba902b8', 'codex.sampling', '00f067aa0ba902b7'),
          { ...span('00f067aa0ba902b9', 'broken'), spanId: '' }] }] }],
    });
    const res = await postRaw(server, '/v1/traces', body, { contentType: 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/x-protobuf');
    const response = TraceResponse.toObject(TraceResponse.decode(res.bytes), { longs: String });
    expect(response.partialSuccess.rejectedSpans).toBe('1');
    expect(response.partialSuccess.errorMessage).toMatch(/spanId/);

    const spans = (await server.get('/api/sessions/codex-trace')).body.spans as any[];
    expect(spans.map((s) => s.name).sort()).toEqual(['codex.sampling', 'run_turn']);
    expect(spans.every((s) => s.agent_type === 'codex' && s.duration_ms === 2000)).toBe(true);
  });

  it('links spans stored earlier without a session once a later export names the session', async () => {
    const traceId = 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb';
    const span = (spanId: string, attrs: Record<string, unknown>) => ({
      resourceSpans: [{ resource: { attributes: attributes({ 'service.name': 'gemini-cli' }) }, scopeSpans: [{ spans: [
        { traceId, spanId, name: `span-${spanId}`, startTimeUnixNano: T(5), endTimeUnixNano: T(6), attributes: attributes(attrs) },
      ] }] }],
    });
    expect((await postJson(server, '/v1/logs', claudeLog('late-sess'))).status).toBe(200);
    expect((await postJson(server, '/v1/traces', span('1111111111111111', { 'http.method': 'POST' }))).json).toEqual({});
    expect((await server.get('/api/sessions/late-sess')).body.spans).toHaveLength(0);
    expect((await postJson(server, '/v1/traces', span('2222222222222222', { 'session.id': 'late-sess' }))).json).toEqual({});
    const spans = (await server.get('/api/sessions/late-sess')).body.spans as any[];
    expect(spans.map((s) => s.span_id).sort()).toEqual(['1111111111111111', '2222222222222222']);
  });
});
