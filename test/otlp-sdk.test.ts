/**
 * Issue 3 acceptance: real OTLP requests made by the OpenTelemetry JS SDK exporters (logs and
 * metrics over http/json, http/protobuf and gRPC, gzip on and off) end up as canonical events,
 * sessions, tokens, cost and metric figures in the query API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPLogExporter as HttpJsonLogs } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as HttpProtoLogs } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter as HttpJsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as HttpProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as GrpcMetrics } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startOtlpServer, type OtlpServer } from './otlp-support.js';

/** ExportResultCode.SUCCESS from @opentelemetry/core. */
const SUCCESS = 0;

type Compression = 'gzip' | 'none';
type Transport = 'http/json' | 'http/protobuf' | 'grpc';

const COMBOS: Array<[Transport, Compression]> = [
  ['http/json', 'none'],
  ['http/json', 'gzip'],
  ['http/protobuf', 'none'],
  ['http/protobuf', 'gzip'],
  ['grpc', 'none'],
  ['grpc', 'gzip'],
];

const claudeResource = () =>
  resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.331', 'os.type': 'linux' });

function logExporter(server: OtlpServer, transport: Transport, compression: Compression): LogRecordExporter {
  const c = compression as never;
  if (transport === 'http/json') return new HttpJsonLogs({ url: `${server.url}/api/otel/v1/logs`, compression: c });
  if (transport === 'http/protobuf') return new HttpProtoLogs({ url: `${server.url}/v1/logs`, compression: c });
  return new GrpcLogs({ url: `http://127.0.0.1:${server.grpcPort}`, compression: c });
}

function metricExporter(server: OtlpServer, transport: Transport, compression: Compression): PushMetricExporter {
  const c = compression as never;
  if (transport === 'http/json') return new HttpJsonMetrics({ url: `${server.url}/v1/metrics`, compression: c });
  if (transport === 'http/protobuf') return new HttpProtoMetrics({ url: `${server.url}/api/otel/v1/metrics`, compression: c });
  return new GrpcMetrics({ url: `http://127.0.0.1:${server.grpcPort}`, compression: c });
}

/** Claude Code's records for one turn, made by the SDK's own LoggerProvider. */
function claudeTurn(sessionId: string) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: claudeResource(), processors: [new SimpleLogRecordProcessor(memory)] });
  const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.331');
  const common = { 'session.id': sessionId, 'user.id': 'u-1', 'prompt.id': `${sessionId}-p` };
  logger.emit({ body: 'claude_code.user_prompt', attributes: { ...common, 'event.name': 'user_prompt', prompt_length: '5', prompt: 'hello' } });
  logger.emit({
    body: 'claude_code.api_request',
    attributes: {
      ...common,
      'event.name': 'api_request',
      model: 'claude-sonnet-4-6',
      input_tokens: 100,
      output_tokens: 50,
      cache_read_tokens: 1000,
      cache_creation_tokens: 200,
      cost_usd: 0.0125,
      duration_ms: 1500,
      request_id: `req-${sessionId}`,
    },
  });
  logger.emit({
    body: 'claude_code.tool_result',
    attributes: { ...common, 'event.name': 'tool_result', tool_name: 'Bash', tool_use_id: `${sessionId}-t`, success: 'true', duration_ms: '40' },
  });
  return memory.getFinishedLogRecords();
}

function exportWith<T>(exporter: { export(items: T, cb: (r: { code: number; error?: Error }) => void): void }, items: T) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(items, resolve));
}

describe('OTLP from the OpenTelemetry JS SDK exporters', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    server = await startOtlpServer();
    expect(server.grpcPort).toBeGreaterThan(0);
  });
  afterAll(async () => server.cleanup());

  it.each(COMBOS)('logs over %s (compression %s) become events, a session, tokens and cost', async (transport, compression) => {
    const sessionId = `sdk-${transport.replace('/', '-')}-${compression}`;
    const exporter = logExporter(server, transport, compression);
    const result = await exportWith(exporter, claudeTurn(sessionId));
    await exporter.shutdown();
    expect(result.error?.message).toBeUndefined();
    expect(result.code).toBe(SUCCESS);

    const detail = await server.get(`/api/sessions/${sessionId}`);
    expect(detail.status).toBe(200);
    const s = detail.body.session;
    expect(s).toMatchObject({ agent_type: 'claude_code', tokens_in: 100, tokens_out: 50, cache_read_tokens: 1000,
      cache_write_tokens: 200, api_request_count: 1, tool_count: 1, prompt_count: 1 });
    expect(s.cost_usd).toBeCloseTo(0.0125, 9);
    expect(s.metadata).toMatchObject({ 'service.name': 'claude-code', 'service.version': '2.1.331', 'user.id': 'u-1' });
    const types = (detail.body.events as any[]).map((e) => e.event_type).sort();
    expect(types).toEqual(['api_request', 'tool_use', 'user_prompt']);
  });

  it('logs through the SDK batch processor (the path an agent takes) arrive on forceFlush', async () => {
    const provider = new LoggerProvider({
      resource: claudeResource(),
      processors: [new BatchLogRecordProcessor(new HttpJsonLogs({ url: `${server.url}/v1/logs` }))],
    });
    const logger = provider.getLogger('com.anthropic.claude_code.events');
    for (let i = 0; i < 50; i++) {
      logger.emit({ body: 'claude_code.hook_execution_start', attributes: { 'event.name': 'hook_execution_start', 'session.id': 'sdk-batch', num_hooks: String(i) } });
    }
    await provider.forceFlush();
    await provider.shutdown();
    const s = (await server.get('/api/sessions/sdk-batch')).body.session;
    expect(s.event_count).toBe(50);
  });

  it.each(COMBOS)('metrics over %s (compression %s) add up as deltas and never add to event tokens', async (transport, compression) => {
    const before = (await server.get('/api/stats')).body;
    const memory = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: claudeResource(), readers: [reader] });
    const meter = provider.getMeter('com.anthropic.claude_code', '2.1.331');
    const session = { 'session.id': `m-${transport}-${compression}` };
    const lines = meter.createCounter('claude_code.lines_of_code.count');
    lines.add(10, { ...session, type: 'added' });
    lines.add(3, { ...session, type: 'removed' });
    meter.createCounter('claude_code.commit.count').add(1, session);
    meter.createCounter('claude_code.active_time.total', { unit: 's' }).add(12.5, { ...session, type: 'cli' });
    meter.createCounter('claude_code.code_edit_tool.decision').add(2, { ...session, decision: 'accept', tool_name: 'Edit' });
    meter.createCounter('claude_code.token.usage', { unit: 'tokens' }).add(5000, { ...session, type: 'input' });
    meter.createCounter('claude_code.cost.usage', { unit: 'USD' }).add(3.5, { ...session, model: 'claude-sonnet-4-6' });
    await reader.forceFlush();
    const exporter = metricExporter(server, transport, compression);
    for (const resourceMetrics of memory.getMetrics()) {
      const result = await exportWith(exporter, resourceMetrics);
      expect(result.error?.message).toBeUndefined();
      expect(result.code).toBe(SUCCESS);
    }
    await exporter.shutdown();
    await provider.shutdown();

    const after = (await server.get('/api/stats')).body;
    const m = after.metrics;
    expect(m.lines_added - before.metrics.lines_added).toBe(10);
    expect(m.lines_removed - before.metrics.lines_removed).toBe(3);
    expect(m.commits - before.metrics.commits).toBe(1);
    expect(m.edits_accepted - before.metrics.edits_accepted).toBe(2);
    expect(m.active_time_seconds - before.metrics.active_time_seconds).toBeCloseTo(12.5, 6);
    expect(m.by_agent.claude_code.lines_added).toBe(m.lines_added);
    const tokenTotal = m.totals.find((t: any) => t.name === 'claude_code.token.usage' && t.key === 'input');
    expect(tokenTotal.value).toBeGreaterThanOrEqual(5000);
    // Token and cost metrics are stored, but the token and cost figures come from log events only.
    expect(after.tokens).toEqual(before.tokens);
    expect(after.total_cost_usd).toBe(before.total_cost_usd);
  });
});
