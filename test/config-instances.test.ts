/**
 * Issue 9, named instances and order from config: `native` and `native/ci` on two paths, each
 * feeding a pipeline whose processor order is what its list says; `otlp` and `otlp/team` on two
 * gRPC ports, each fed by the real OpenTelemetry gRPC exporter. With service.http.token set, the
 * receiver on the custom prefix is protected like every route (issue 9 point 7).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPLogExporter as GrpcLogs } from '@opentelemetry/exporter-logs-otlp-grpc';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';

function writeConfig(config: unknown): { dir: string; file: string } {
  const dir = makeTempDir();
  const file = path.join(dir, 'agentstats.jsonc');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { dir, file };
}

describe('native and native/ci on two paths, with opposite processor orders, behind a token', () => {
  const TOKEN = 'instances-token-0123456789';
  const auth = { authorization: `Bearer ${TOKEN}` };
  let server: TestServer;

  beforeAll(async () => {
    const { dir, file } = writeConfig({
      service: {
        http: { token: TOKEN },
        pipelines: {
          // Cost before truncation (the default order) …
          events: { receivers: ['native'], processors: ['dedupe', 'cost', 'truncate'], exporters: ['sqlite', 'sse'] },
          // … and after it, on the second instance's own pipeline, into the same store.
          ci: { receivers: ['native/ci'], processors: ['truncate', 'cost'], exporters: ['sqlite', 'sse'] },
        },
      },
      receivers: { 'native/ci': { path: '/ci/events' } },
    });
    server = await startTestServer({ dir, args: ['--config', file] });
  });
  afterAll(async () => server.cleanup());

  // 1-hour cache writes cost more than 5-minute ones; the split travels in metadata, which 3,000
  // small keys ahead of it push past the truncation limit.
  const tokens = { agent_type: 'claude_code', event_type: 'api_request', model: 'claude-haiku-4-5', tokens_in: 1000, tokens_out: 100, cache_write_tokens: 100_000 };
  const split = { cache_creation_1h_tokens: 100_000, cache_creation_5m_tokens: 0 };
  const filler = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
  const pair = (prefix: string, session: string) => ({
    events: [
      { ...tokens, event_id: `${prefix}-small`, session_id: session, metadata: split },
      { ...tokens, event_id: `${prefix}-big`, session_id: session, metadata: { ...filler, ...split } },
    ],
  });
  const costs = async (session: string) => {
    const events = (await server.get(`/api/events?session_id=${session}`, auth)).body.events as any[];
    const of = (suffix: string) => events.find((e) => e.event_id.endsWith(suffix));
    return { small: of('-small'), big: of('-big') };
  };

  it('the receiver on the custom prefix refuses requests without the token and accepts them with it', async () => {
    const event = { ...tokens, event_id: 'ci-token-1', session_id: 'ci-token' };
    const refused = await server.post('/ci/events', event);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'unauthorized', message: 'send Authorization: Bearer <token> (service.http.token)' });
    expect((await server.post('/ci/events/batch', { events: [event] }, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await server.get('/api/events?session_id=ci-token', auth)).body.events).toEqual([]);
    const accepted = await server.post('/ci/events', event, auth);
    expect(accepted.status).toBe(201);
    expect((await server.get('/api/events?session_id=ci-token', auth)).body.events).toHaveLength(1);
  });

  it('each instance serves its own path and runs its own pipeline: cost then truncate vs truncate then cost', async () => {
    expect((await server.post('/api/events/batch', pair('main', 'order-main'), auth)).body.ids).toEqual(['main-small', 'main-big']);
    expect((await server.post('/ci/events/batch', pair('ci', 'order-ci'), auth)).body.ids).toEqual(['ci-small', 'ci-big']);

    const main = await costs('order-main');
    expect(main.big.payload_truncated).toBe(1);
    expect(main.big.cost_usd).toBe(main.small.cost_usd); // priced before the split was cut

    const ci = await costs('order-ci');
    expect(ci.big.payload_truncated).toBe(1);
    expect(ci.big.metadata.cache_creation_1h_tokens).toBeUndefined();
    expect(ci.small.cost_usd).toBe(main.small.cost_usd);
    // Truncation ran first: the 1-hour split was gone, so the writes were priced at the 5-minute rate.
    expect(ci.big.cost_usd).toBeLessThan(ci.small.cost_usd);

    const health = (await server.get('/api/health', auth)).body;
    const counts = Object.fromEntries(health.components.filter((c: any) => c.kind === 'receiver').map((c: any) => [c.id, c.accepted]));
    expect(counts).toEqual({ native: 2, 'native/ci': 3 });
    expect(health.pipelines.map((p: any) => p.name)).toEqual(['events', 'ci']);
  });
});

describe('otlp and otlp/team on two gRPC ports', () => {
  let server: TestServer;
  let ports: { otlp: number; team: number };

  beforeAll(async () => {
    const { dir, file } = writeConfig({
      service: { pipelines: { events: { receivers: ['native', 'otlp', 'otlp/team'] } } },
      // Its own HTTP prefix too: two instances cannot both own /v1/logs.
      receivers: { 'otlp/team': { prefixes: ['/team'], grpc_port: 0 } },
    });
    // AGENTSTATS_GRPC_PORT names receivers.otlp.grpc_port only: the first instance on any free port.
    server = await startTestServer({ dir, args: ['--config', file], env: { AGENTSTATS_GRPC_PORT: '0' } });
    const out = server.output();
    const first = /AgentStats OTLP\/gRPC listening on 127\.0\.0\.1:(\d+)"/.exec(out);
    const team = /AgentStats OTLP\/gRPC listening on 127\.0\.0\.1:(\d+) \(otlp\/team\)/.exec(out);
    ports = { otlp: Number(first?.[1]), team: Number(team?.[1]) };
  });
  afterAll(async () => server.cleanup());

  function turn(sessionId: string) {
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.331' }),
      processors: [new SimpleLogRecordProcessor(memory)],
    });
    const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.331');
    logger.emit({
      body: 'claude_code.api_request',
      attributes: { 'session.id': sessionId, 'event.name': 'api_request', model: 'claude-sonnet-4-6', input_tokens: 100, output_tokens: 50, cost_usd: 0.01 },
    });
    return memory.getFinishedLogRecords();
  }

  async function sendOverGrpc(port: number, sessionId: string) {
    const exporter = new GrpcLogs({ url: `http://127.0.0.1:${port}` });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(turn(sessionId), resolve));
    await exporter.shutdown();
    return result;
  }

  it('prints one listening line per instance, on two different ports', () => {
    expect(ports.otlp).toBeGreaterThan(0);
    expect(ports.team).toBeGreaterThan(0);
    expect(ports.team).not.toBe(ports.otlp);
  });

  it('each instance receives from the real OpenTelemetry gRPC exporter, and counts what it accepted', async () => {
    const a = await sendOverGrpc(ports.otlp, 'grpc-main');
    const b = await sendOverGrpc(ports.team, 'grpc-team');
    expect([a.error?.message, b.error?.message]).toEqual([undefined, undefined]);
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const id of ['grpc-main', 'grpc-team']) {
      const session = (await server.get(`/api/sessions/${id}`)).body.session;
      expect(session).toMatchObject({ agent_type: 'claude_code', tokens_in: 100, tokens_out: 50, api_request_count: 1 });
    }
    const health = (await server.get('/api/health')).body;
    const accepted = (id: string) => health.components.find((c: any) => c.id === id)?.accepted;
    expect(accepted('otlp')).toBeGreaterThanOrEqual(1);
    expect(accepted('otlp/team')).toBeGreaterThanOrEqual(1);
  });

  it('the team instance serves OTLP/HTTP under its own prefix only', async () => {
    const empty = { resourceLogs: [] };
    expect((await server.post('/team/v1/logs', empty)).status).toBe(200);
    expect((await server.post('/v1/logs', empty)).status).toBe(200); // the first instance's
    expect((await server.post('/team/api/otel/v1/logs', empty)).status).toBe(404);
  });
});
