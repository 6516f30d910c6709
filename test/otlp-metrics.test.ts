/**
 * Issue 3: OTLP metrics. Cumulative series (Gemini CLI) become deltas per series, across a server
 * restart and through resets; delta points re-sent are counted once; /api/stats shows the figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { attributes, nanos, postJson, startOtlpServer, type OtlpServer } from './otlp-support.js';

const T = (s: number) => nanos(new Date(Date.parse('2026-11-24T10:00:00Z') + s * 1000).toISOString());

function metricsRequest(service: string, metrics: unknown[]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes({ 'service.name': service, 'session.id': 'g-sess', 'process.pid': 99 }) },
        scopeMetrics: [{ scope: { name: service }, metrics }],
      },
    ],
  };
}

function cumulativeSum(name: string, points: Array<{ start: number; time: number; value: number | string; attrs?: object }>, monotonic = true) {
  return {
    name,
    sum: {
      aggregationTemporality: 2,
      isMonotonic: monotonic,
      dataPoints: points.map((p) => ({
        startTimeUnixNano: T(p.start),
        timeUnixNano: T(p.time),
        asInt: p.value,
        attributes: attributes({ 'session.id': 'g-sess', ...(p.attrs ?? { type: 'added' }) }),
      })),
    },
  };
}

async function total(server: OtlpServer, name: string, key = ''): Promise<{ value: number; count: number } | undefined> {
  const stats = (await server.get('/api/stats')).body;
  return stats.metrics.totals.find((t: any) => t.name === name && t.key === key);
}

describe('OTLP metrics: temporality', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    server = await startOtlpServer({ AGENTSTATS_GRPC_PORT: 'off' });
  });
  afterAll(async () => server.cleanup());

  const send = async (body: unknown) => {
    const res = await postJson(server, '/v1/metrics', body);
    expect(res.status).toBe(200);
    return res.json;
  };
  const linesAdded = async () => (await server.get('/api/stats')).body.metrics.lines_added;

  it('turns a cumulative series into deltas, across a restart and through resets', async () => {
    const lines = (points: Parameters<typeof cumulativeSum>[1]) =>
      metricsRequest('gemini-cli', [cumulativeSum('gemini_cli.lines.changed', points)]);
    await send(lines([{ start: 0, time: 10, value: 10 }]));
    expect(await linesAdded()).toBe(10);
    await send(lines([{ start: 0, time: 20, value: '25' }]));
    expect(await linesAdded()).toBe(25);
    await send(lines([{ start: 0, time: 20, value: 25 }])); // the same export retried
    await send(lines([{ start: 0, time: 15, value: 18 }])); // an older point arriving late
    expect(await linesAdded()).toBe(25);

    // The running total continues after a restart: counted from the persisted last value.
    const restarted = await server.restart();
    server = Object.assign(restarted, { grpcPort: -1 });
    await send(lines([{ start: 0, time: 30, value: 30 }]));
    expect(await linesAdded()).toBe(30);

    await send(lines([{ start: 100, time: 110, value: 4 }])); // new start time: the agent restarted
    expect(await linesAdded()).toBe(34);
    await send(lines([{ start: 100, time: 120, value: 2 }])); // a monotonic counter going down: reset
    expect(await linesAdded()).toBe(36);

    const stats = (await server.get('/api/stats')).body;
    expect(stats.metrics.by_agent.gemini_cli.lines_added).toBe(36);
    expect(stats.total_events).toBe(0); // metrics are not events
  });

  it('keeps separate series apart and lets a non-monotonic cumulative sum go down', async () => {
    await send(
      metricsRequest('gemini-cli', [
        cumulativeSum('gemini_cli.lines.changed', [
          { start: 0, time: 10, value: 7, attrs: { type: 'removed' } },
          { start: 0, time: 20, value: 9, attrs: { type: 'removed' } },
        ]),
        cumulativeSum('gemini_cli.sessions.open', [{ start: 0, time: 10, value: 10, attrs: {} }], false),
      ]),
    );
    await send(metricsRequest('gemini-cli', [cumulativeSum('gemini_cli.sessions.open', [{ start: 0, time: 20, value: 7, attrs: {} }], false)]));
    expect((await server.get('/api/stats')).body.metrics.lines_removed).toBe(9);
    expect((await total(server, 'gemini_cli.sessions.open'))?.value).toBe(7);
  });

  it('converts cumulative histograms (count and sum) and counts delta points re-sent once', async () => {
    const histogram = (time: number, count: string, sum: number) => ({
      name: 'gemini_cli.api.request.latency',
      unit: 'ms',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [{ startTimeUnixNano: T(0), timeUnixNano: T(time), count, sum, bucketCounts: ['1', count], explicitBounds: [100],
          attributes: attributes({ model: 'gemini-3.8-flash' }) }],
      },
    });
    await send(metricsRequest('gemini-cli', [histogram(10, '2', 300)]));
    await send(metricsRequest('gemini-cli', [histogram(20, '5', 900)]));
    expect(await total(server, 'gemini_cli.api.request.latency')).toEqual({ name: 'gemini_cli.api.request.latency', key: '', value: 900, count: 5 });

    const delta = metricsRequest('claude-code', [
      { name: 'claude_code.commit.count', sum: { aggregationTemporality: 1, isMonotonic: true,
        dataPoints: [{ startTimeUnixNano: T(0), timeUnixNano: T(60), asDouble: 2, attributes: attributes({ 'session.id': 'c-1' }) }] } },
    ]);
    await send(delta);
    await send(delta);
    expect((await server.get('/api/stats')).body.metrics.commits).toBe(2);
  });

  it('reports unusable data points in partialSuccess and keeps the rest', async () => {
    const res = await send(
      metricsRequest('claude-code', [
        { name: 'claude_code.pull_request.count', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [
          { timeUnixNano: T(70), asInt: '1', attributes: [] },
          { timeUnixNano: T(71), attributes: [] }, // no value
          { asInt: '1', attributes: [] }, // no time
          { timeUnixNano: T(72), asInt: '5', flags: 1, attributes: [] }, // "no recorded value": skipped, not an error
        ] } },
        { name: 'claude_code.mystery', description: 'no data field' },
      ]),
    );
    expect(res.partialSuccess.rejectedDataPoints).toBe('3');
    expect(res.partialSuccess.errorMessage).toMatch(/no finite value/);
    expect((await server.get('/api/stats')).body.metrics.pull_requests).toBe(1);
  });

  it('takes cumulative metrics from the SDK exporter (temporality preference cumulative) without double counting', async () => {
    const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'claude-code' }), readers: [reader] });
    const counter = provider.getMeter('com.anthropic.claude_code').createCounter('claude_code.pull_request.count');
    const exporter = new OTLPMetricExporter({ url: `${server.url}/v1/metrics` });
    const before = (await server.get('/api/stats')).body.metrics.pull_requests;
    for (const n of [5, 3, 0]) {
      counter.add(n, { 'session.id': 'sdk-cumulative' });
      await reader.forceFlush();
      const latest = memory.getMetrics().at(-1)!;
      const result = await new Promise<{ code: number }>((resolve) => exporter.export(latest, resolve));
      expect(result.code).toBe(0);
      await new Promise((r) => setTimeout(r, 5)); // the next collection gets a later timestamp
    }
    await exporter.shutdown();
    await provider.shutdown();
    expect((await server.get('/api/stats')).body.metrics.pull_requests - before).toBe(8);
  });
});
