/**
 * Large OTLP bodies are decoded on a worker thread (receivers.otlp.decode_off_thread_kb, issue 10
 * point 7): a large protobuf or gzipped JSON export is stored exactly as a small one would be, an
 * undecodable large body still answers 400 with its reason, and the server keeps answering reads.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server.js';
import { attributes, logsRequest, nanos, postRaw, startOtlpServer, type OtlpServer } from './otlp-support.js';

const { encodeProtobufRequest } = (await import(
  pathToFileURL(path.join(ROOT, 'dist/receivers/otlp/proto.js')).href
)) as typeof import('../receivers/otlp/proto.js');

/** `n` Claude Code api_request records with a ~1 KB attribute each: ~n KB of export. */
function bigExport(session: string, n: number) {
  const records = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: nanos('2026-11-24T10:00:00Z'),
    body: { stringValue: 'claude_code.api_request' },
    attributes: attributes({
      'event.name': 'api_request',
      'session.id': session,
      model: 'claude-sonnet-4-5',
      input_tokens: 100 + i,
      output_tokens: 10,
      cost_usd: 0.001,
      request_id: `req-${session}-${i}`,
      padding: 'p'.repeat(1000),
    }),
  }));
  return logsRequest({ 'service.name': 'claude-code' }, 'com.anthropic.claude_code.events', records);
}

describe('large OTLP bodies, decoded off the main thread', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    // The default threshold (256 KB decompressed): every export below goes through the worker.
    server = await startOtlpServer({ AGENTSTATS_GRPC_PORT: 'off' });
  });
  afterAll(() => server.cleanup());

  it('stores a large protobuf export and a large gzipped JSON export completely', async () => {
    const proto = encodeProtobufRequest('logs', bigExport('big-proto', 600));
    expect(proto.length).toBeGreaterThan(600 * 1024);
    const a = await postRaw(server, '/v1/logs', proto, { contentType: 'application/x-protobuf' });
    expect(a.status).toBe(200);
    const json = JSON.stringify(bigExport('big-json', 400));
    const b = await postRaw(server, '/v1/logs', json, { contentType: 'application/json', gzip: true });
    expect(b.status).toBe(200);
    expect(b.json).toEqual({});

    for (const [session, n] of [['big-proto', 600], ['big-json', 400]] as const) {
      const s = (await server.get(`/api/sessions/${session}`)).body.session;
      expect(s.api_request_count).toBe(n);
      expect(s.tokens_in).toBe(n * 100 + (n * (n - 1)) / 2);
    }
  });

  it('answers 400 with the reason for a large body that is not protobuf', async () => {
    const garbage = Buffer.alloc(700 * 1024, 0xff);
    const res = await postRaw(server, '/v1/logs', garbage, { contentType: 'application/x-protobuf' });
    expect(res.status).toBe(400);
    expect((await server.get('/api/health')).status).toBe(200);
  });
});
