/**
 * What the `otlp` exporter puts on the wire, seen by a small OTLP/HTTP server in the test:
 * protobuf that the OpenTelemetry JS SDK's own codecs decode into the expected records (resource
 * with host.name and agentstats.machine, the agents' attribute names, agentstats.* canonical
 * fields), OTLP/JSON, gzip, headers from the environment (never printed), prompts not sent unless
 * allowed; and a 503 with Retry-After: 2 retried no sooner than 2 s.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runToExit, startTestServer, type TestServer } from './helpers/server.js';
import { decodeLogsRequest } from './otlp-logs-decode.js';

interface Captured {
  at: number;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

/** An OTLP/HTTP target on 127.0.0.1: records every request; `answer` decides the reply. */
async function target(answer: (n: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 })) {
  const requests: Captured[] = [];
  const answered: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      requests.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body });
      const a = answer(requests.length);
      res.writeHead(a.status, a.headers ?? {});
      res.end(() => answered.push(Date.now()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, answered };
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sender(env: Record<string, string>, config: Record<string, unknown> = {}): Promise<TestServer> {
  const dir = makeTempDir();
  const file = path.join(dir, 'agentstats.json');
  writeFileSync(file, JSON.stringify({ exporters: { otlp: { batch_delay_ms: 50, ...config } } }));
  const s = await startTestServer({ dir, args: ['--config', file], env });
  cleanups.push(() => s.cleanup());
  return s;
}

const EVENTS = [
  {
    session_id: 'wire-1', agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-6', tokens_in: 120,
    tokens_out: 40, cache_read_tokens: 900, cache_write_tokens: 30, cost_usd: 0.0123, request_id: 'req_wire_1',
    correlation_key: 'api:req_wire_1', metadata: { input_tokens: 120, 'user.id': 'u-7' },
  },
  { session_id: 'wire-1', agent_type: 'claude_code', event_type: 'user_prompt', metadata: { prompt: 'the secret plan', prompt_length: 15 } },
];

describe('the otlp exporter on the wire', () => {
  it('sends gzip OTLP/HTTP protobuf that the SDK codecs decode into the expected records', async () => {
    const t = await target();
    const a = await sender({
      AGENTSTATS_FORWARD_ENDPOINT: `${t.url}/base/`,
      AGENTSTATS_FORWARD_HEADERS: 'x-api-key=wire-secret-key,x-team=core',
      AGENTSTATS_MACHINE: 'wire-a',
      AGENTSTATS_STORE_PROMPTS: '1',
    });
    const posted = await a.post('/api/events/batch', { events: EVENTS });
    expect(posted.status).toBe(200);
    const ids = posted.body.ids as string[];
    await until('the forwarded request', () => t.requests.length >= 1);
    const req = t.requests[0];
    expect(req.path).toBe('/base/v1/logs');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.headers['x-api-key']).toBe('wire-secret-key');
    expect(req.headers['x-team']).toBe('core');
    expect(a.output()).not.toContain('wire-secret-key');

    const decoded = decodeLogsRequest(req.body);
    expect(decoded).toHaveLength(1);
    expect(decoded[0].resource).toMatchObject({ 'service.name': 'agentstats', 'agentstats.machine': 'wire-a' });
    expect(typeof decoded[0].resource['host.name']).toBe('string');
    const records = decoded[0].scopes.flatMap((s) => s.records);
    expect(records.map((r) => r.attributes['agentstats.event_id'])).toEqual(ids);
    const [call, prompt] = records;
    expect(call.attributes).toMatchObject({
      'event.name': 'agentstats.api_request',
      'session.id': 'wire-1',
      model: 'claude-sonnet-4-6',
      input_tokens: 120,
      'user.id': 'u-7',
      'agentstats.agent_type': 'claude_code',
      'agentstats.source': 'native',
      'agentstats.tokens_in': 120,
      'agentstats.tokens_out': 40,
      'agentstats.cache_read_tokens': 900,
      'agentstats.cache_write_tokens': 30,
      'agentstats.cost_usd': 0.0123,
      'agentstats.cost_source': 'reported',
      'agentstats.correlation_key': 'api:req_wire_1',
      'agentstats.request_id': 'req_wire_1',
      'agentstats.counted': true,
    });
    expect(call.body).toBe('api_request');
    expect(call.timeUnixNano).toBeGreaterThan(BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n);
    // Stored here (store_prompts on) but not allowed to leave (send_prompts off): only its size goes.
    expect(JSON.stringify(prompt.attributes)).not.toContain('the secret plan');
    expect(JSON.parse(String(prompt.attributes['agentstats.metadata']))).toMatchObject({ prompt_length: 15 });
  }, 60_000);

  it('sends OTLP/JSON with http/json', async () => {
    const t = await target();
    const a = await sender({ AGENTSTATS_FORWARD_ENDPOINT: t.url, AGENTSTATS_FORWARD_PROTOCOL: 'http/json', AGENTSTATS_MACHINE: 'wire-json' }, { compression: 'none' });
    await a.post('/api/events/batch', { events: EVENTS });
    await until('the forwarded request', () => t.requests.length >= 1);
    const req = t.requests[0];
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body.toString('utf8'));
    const rl = body.resourceLogs[0];
    expect(rl.resource.attributes).toContainEqual({ key: 'agentstats.machine', value: { stringValue: 'wire-json' } });
    const attrs = rl.scopeLogs[0].logRecords[0].attributes as Array<{ key: string; value: Record<string, unknown> }>;
    expect(attrs).toContainEqual({ key: 'agentstats.tokens_in', value: { intValue: 120 } });
    expect(attrs).toContainEqual({ key: 'agentstats.cost_usd', value: { doubleValue: 0.0123 } });
  }, 60_000);

  it('retries a 503 no sooner than its Retry-After (2 s), and shows the retry in /api/health', async () => {
    const t = await target((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 }));
    // The back-off alone would retry after 50–100 ms.
    const a = await sender({ AGENTSTATS_FORWARD_ENDPOINT: t.url }, { retry_initial_ms: 100, retry_max_ms: 200 });
    await a.post('/api/events/batch', { events: EVENTS });
    await until('the first attempt', () => t.answered.length >= 1);
    const health = (await a.get('/api/health')).body;
    const state = health.components.find((c: any) => c.id === 'otlp' && c.kind === 'exporter').state;
    expect(state).toMatchObject({ retries: 1, failing: 1 });
    await until('the retry', () => t.requests.length >= 2);
    expect(t.requests[1].at - t.answered[0]).toBeGreaterThanOrEqual(2000);
    expect(t.requests[1].body.equals(t.requests[0].body)).toBe(true);
  }, 60_000);

  it('prints headers as <set> in --print-config', async () => {
    const { code, output } = await runToExit({
      args: ['--print-config'],
      env: { AGENTSTATS_FORWARD_ENDPOINT: 'http://127.0.0.1:4318', AGENTSTATS_FORWARD_HEADERS: 'authorization=Bearer very-secret' },
    });
    expect(code).toBe(0);
    expect(output).toContain('"<set>"');
    expect(output).not.toContain('very-secret');
    expect(output).toMatch(/"exporters":\s*\[[^\]]*"otlp"/);
    // The pipeline's exporter list says which variable added otlp to it.
    expect(output).toMatch(/"exporters":\s*\[[^\]]*"otlp"\],?\s*\/\/ env AGENTSTATS_FORWARD_ENDPOINT/);
  }, 30_000);
});
