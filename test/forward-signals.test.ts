/**
 * Issue 13, item 1 for spans and metric points: A receives spans (the OpenTelemetry JS trace
 * exporter) and metric points (the JS metric exporter, cumulative counters and a histogram, as the
 * agents send them) and forwards them to B with its `otlp` exporter over each transport. B's session
 * spans and metric figures equal A's; a SIGKILL of A (its cursors maybe not saved, so part is sent
 * again) and more telemetry after the restart leave B equal, nothing stored twice.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { freePort, killHard, startAgain } from './forward-support.js';

const TOKEN = 'central-secret-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SESSION = 'fwd-signals';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.cleanup()));
  servers = [];
});

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

/** Spans of a round through the SDK's trace exporter: a root, a child with an event and an error. */
async function sendSpans(server: TestServer, round: number): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.331' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
  });
  const tracer = provider.getTracer('com.anthropic.claude_code');
  for (let i = 0; i < 3; i++) {
    const root = tracer.startSpan('claude_code.interaction', { attributes: { 'session.id': SESSION, round, i } });
    const child = tracer.startSpan(
      'claude_code.llm_request',
      { attributes: { 'gen_ai.usage.input_tokens': 12 + i, model: 'claude-sonnet-4-6', tags: ['a', 'b'] } },
      trace.setSpan(context.active(), root),
    );
    child.addEvent('gen_ai.request.attempt', { attempt: 1 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'overloaded' });
    await new Promise((r) => setTimeout(r, 3));
    child.end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

/** Cumulative metrics as Claude Code sends them with temporality "cumulative": several collections. */
async function sendMetrics(server: TestServer, adds: number[]): Promise<void> {
  const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'claude-code' }), readers: [reader] });
  const meter = provider.getMeter('com.anthropic.claude_code');
  const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
  const cost = meter.createCounter('claude_code.cost.usage', { unit: 'USD' });
  const latency = meter.createHistogram('claude_code.request.duration', { unit: 'ms' });
  const exporter = new OTLPMetricExporter({ url: `${server.url}/v1/metrics` });
  for (const n of adds) {
    tokens.add(100 * n, { 'session.id': SESSION, type: 'input', model: 'claude-sonnet-4-6' });
    tokens.add(10 * n, { 'session.id': SESSION, type: 'output', model: 'claude-sonnet-4-6' });
    cost.add(0.01 * n, { 'session.id': SESSION, model: 'claude-sonnet-4-6' });
    latency.record(40 * n + 1, { 'session.id': SESSION });
    await reader.forceFlush();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getMetrics().at(-1)!, resolve));
    if (result.code !== 0) throw new Error(`metric export failed: ${result.error?.message}`);
    await new Promise((r) => setTimeout(r, 5)); // the next collection gets a later timestamp
  }
  await exporter.shutdown();
  await provider.shutdown();
}

const spansOf = async (s: TestServer, headers: Record<string, string> = {}) => {
  const spans = ((await s.get(`/api/sessions/${SESSION}`, headers)).body.spans ?? []) as Array<Record<string, unknown>>;
  return spans.map((x) => JSON.stringify(x)).sort();
};
const metricsOf = async (s: TestServer, headers: Record<string, string> = {}) => (await s.get('/api/stats', headers)).body.metrics;

async function forwarderState(a: TestServer): Promise<Record<string, number>> {
  const health = (await a.get('/api/health')).body;
  return health.components.find((c: any) => c.kind === 'exporter' && c.id === 'otlp')?.state ?? {};
}

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

describe.each<Protocol>(['http/protobuf', 'http/json', 'grpc'])('forwarding spans and metric points A → B over %s', (protocol) => {
  it('B holds A\'s spans and metric figures, once each, through a SIGKILL and restart of A', async () => {
    const grpcPort = await freePort();
    const b = await startTestServer({ env: { AGENTSTATS_TOKEN: TOKEN, AGENTSTATS_GRPC_PORT: String(grpcPort) } });
    servers.push(b);
    const dirA = makeTempDir();
    const configFile = path.join(dirA, 'agentstats.json');
    writeFileSync(configFile, JSON.stringify({ exporters: { otlp: { batch_size: 4, batch_delay_ms: 50, retry_initial_ms: 200, retry_max_ms: 800 } } }));
    let a = await startTestServer({
      dir: dirA,
      args: ['--config', configFile],
      env: {
        AGENTSTATS_GRPC_PORT: 'off',
        AGENTSTATS_FORWARD_ENDPOINT: protocol === 'grpc' ? `http://127.0.0.1:${grpcPort}` : b.url,
        AGENTSTATS_FORWARD_PROTOCOL: protocol,
        AGENTSTATS_FORWARD_HEADERS: `authorization=Bearer ${TOKEN}`,
        AGENTSTATS_MACHINE: 'laptop-a',
      },
    });
    servers.push(a);
    // The session itself comes from an event (forwarded as a log record).
    const ev = await a.post('/api/events', { session_id: SESSION, agent_type: 'claude_code', event_type: 'user_prompt' });
    expect(ev.status).toBe(201);

    await sendSpans(a, 0);
    await sendMetrics(a, [1, 2, 3]);
    const spansA = await until('A to store the spans', () => spansOf(a), (s) => s.length === 6);
    const metricsA = await metricsOf(a);
    expect(metricsA.totals.find((t: any) => t.name === 'claude_code.token.usage' && t.key === 'input').value).toBe(600);
    await until('B to hold A\'s spans', () => spansOf(b, AUTH), (s) => s.length === spansA.length);
    expect(await spansOf(b, AUTH)).toEqual(spansA);
    await until('B to hold A\'s metric figures', () => metricsOf(b, AUTH), (m) => JSON.stringify(m) === JSON.stringify(metricsA));

    // A dies right after delivering (cursors saved at most every 5 s: part is sent again), restarts, gets more.
    await killHard(a);
    servers = servers.filter((s) => s !== a);
    a = await startAgain(a);
    servers.push(a);
    await sendSpans(a, 1);
    await sendMetrics(a, [4, 5]);
    const spansA2 = await until('A to store more spans', () => spansOf(a), (s) => s.length === 12);
    const metricsA2 = await metricsOf(a);
    expect(metricsA2.totals.find((t: any) => t.name === 'claude_code.token.usage' && t.key === 'input').value).toBe(1500);
    await until('B to hold A\'s spans again', () => spansOf(b, AUTH), (s) => s.length >= spansA2.length);
    await until('B to hold A\'s metric figures again', () => metricsOf(b, AUTH), (m) => JSON.stringify(m) === JSON.stringify(metricsA2));
    const state = await until('A to drain', () => forwarderState(a), (s) => s.backlog === 0);
    // Nothing stored twice: no span appears twice, and totals (which add every stored point) still equal.
    expect(await spansOf(b, AUTH)).toEqual(spansA2);
    expect(await metricsOf(b, AUTH)).toEqual(metricsA2);
    expect(state.spans_dropped + state.metric_points_dropped).toBe(0);
    const b2 = (await b.get('/api/health', AUTH)).body;
    expect(b2.events).toBe(1);
  }, 180_000);
});
