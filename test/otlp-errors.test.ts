/**
 * Issue 3: OTLP/HTTP status codes and partial success. Official examples are accepted; garbage,
 * truncated protobuf, unknown content types and oversized bodies get the right 4xx; valid requests
 * with some unusable records store the rest and say how many were rejected; the server stays up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server.js';
import { attributes, logsRequest, nanos, postJson, postRaw, startOtlpServer, type OtlpServer } from './otlp-support.js';

const { encodeProtobufRequest } = (await import(
  pathToFileURL(path.join(ROOT, 'dist/receivers/otlp/proto.js')).href
)) as typeof import('../receivers/otlp/proto.js');

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'otlp');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, `otel-proto-example-${name}.json`));

function apiRecord(sessionId: string | null, inputTokens: number | string) {
  return {
    timeUnixNano: nanos('2026-11-24T10:00:00Z'),
    body: { stringValue: 'claude_code.api_request' },
    attributes: attributes({
      'event.name': 'api_request',
      ...(sessionId ? { 'session.id': sessionId } : {}),
      input_tokens: inputTokens,
      output_tokens: 1,
      cost_usd: 0.01,
      request_id: `r-${sessionId}-${inputTokens}`,
    }),
  };
}

describe('OTLP/HTTP answers', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    server = await startOtlpServer({ AGENTSTATS_GRPC_PORT: 'off', AGENTSTATS_MAX_BODY_KB: '64' });
  });
  afterAll(async () => server.cleanup());

  it('accepts the four official opentelemetry-proto examples', async () => {
    for (const [name, signal] of [['logs', 'logs'], ['events', 'logs'], ['metrics', 'metrics'], ['trace', 'traces']]) {
      const res = await postRaw(server, `/v1/${signal}`, fixture(name), { contentType: 'application/json' });
      expect(res.status, name).toBe(200);
      expect(res.json, name).toEqual({});
      expect(res.contentType).toMatch(/^application\/json/);
    }
    const events = (await server.get('/api/events?source=otlp')).body.events as any[];
    expect(events.map((e) => e.event_type).sort()).toEqual(['browser.page_view', 'log']);
    const log = events.find((e) => e.event_type === 'log');
    expect(log).toMatchObject({ agent_type: 'my.service', session_id: 'otel:my.service', client_timestamp: '2018-12-13T14:51:00.300Z' });
    expect(log.metadata).toMatchObject({ 'int.attribute': 10, 'boolean.attribute': true, 'double.attribute': 637.704,
      'array.attribute': ['many', 'values'], 'map.attribute': { 'some.map.key': 'some value' }, body: 'Example log record' });
    expect(log.metadata.otel.trace_id).toBe('5b8efff798038103d269b633813fc60c');
    const totals = (await server.get('/api/stats')).body.metrics.totals.map((t: any) => t.name);
    expect(totals).toEqual(expect.arrayContaining(['my.counter', 'my.histogram']));
  });

  it('answers 400 for garbage JSON and garbage or truncated protobuf, in the request content type', async () => {
    const json = await postRaw(server, '/v1/logs', '{"resourceLogs": [', { contentType: 'application/json' });
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ code: 3, error: 'invalid_otlp' });
    expect(json.json.message).toMatch(/not valid JSON/);
    expect((await postRaw(server, '/v1/logs', '[1,2]', { contentType: 'application/json' })).status).toBe(400);
    expect((await postRaw(server, '/v1/logs', '{"resourceLogs": 5}', { contentType: 'application/json' })).status).toBe(400);

    const valid = encodeProtobufRequest('logs', logsRequest({ 'service.name': 'claude-code' }, 's', [apiRecord('trunc', 7)]));
    const truncated = await postRaw(server, '/v1/logs', valid.subarray(0, valid.length - 9), { contentType: 'application/x-protobuf' });
    expect(truncated.status).toBe(400);
    expect(truncated.contentType).toBe('application/x-protobuf');
    expect(truncated.text).toContain('not a valid protobuf ExportLogsServiceRequest');
    const garbage = await postRaw(server, '/v1/metrics', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), {
      contentType: 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    const badGzip = await postRaw(server, '/v1/logs', Buffer.from('not gzip at all'), {
      contentType: 'application/json',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(badGzip.status).toBe(400);

    // The intact protobuf is fine, and nothing of the bad requests was stored.
    expect((await postRaw(server, '/v1/logs', valid, { contentType: 'application/x-protobuf' })).status).toBe(200);
    const s = (await server.get('/api/sessions/trunc')).body.session;
    expect([s.event_count, s.tokens_in]).toEqual([1, 7]);
  });

  it('answers 415 for an unknown content type or content encoding', async () => {
    const text = await postRaw(server, '/v1/logs', '{}', { contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.error).toBe('unsupported_media_type');
    expect((await postRaw(server, '/api/otel/v1/traces', '{}')).status).toBe(415); // no content type at all
    const zstd = await postRaw(server, '/v1/logs', '{}', { contentType: 'application/json', headers: { 'content-encoding': 'zstd' } });
    expect(zstd.status).toBe(415);
    // Parameters on the media type are fine.
    expect((await postRaw(server, '/v1/logs', '{}', { contentType: 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('answers 413 over the body limit, on the wire and after decompression', async () => {
    const big = JSON.stringify(logsRequest({}, 's', [{ body: { stringValue: 'x'.repeat(100 * 1024) } }]));
    const raw = await postRaw(server, '/v1/logs', big, { contentType: 'application/json' });
    expect(raw.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20)); // 5 MB of spaces, a few KB gzipped
    expect(bomb.length).toBeLessThan(64 * 1024);
    const inflated = await postRaw(server, '/v1/logs', bomb, { contentType: 'application/json', headers: { 'content-encoding': 'gzip' } });
    expect(inflated.status).toBe(413);
    expect(inflated.json.error).toBe('payload_too_large');
    const proto = await postRaw(server, '/v1/logs', bomb, { contentType: 'application/x-protobuf', headers: { 'content-encoding': 'gzip' } });
    expect(proto.status).toBe(413);
    expect((await server.get('/api/health')).status).toBe(200);
  });

  it('stores the usable records of a partly bad request and counts the rest in partialSuccess', async () => {
    const body = logsRequest({ 'service.name': 'claude-code' }, 'com.anthropic.claude_code.events', [
      apiRecord('partial', 10),
      apiRecord('partial', -5), // negative tokens
      apiRecord(null, 20), // a Claude record without session.id
      'not a record' as never,
      apiRecord('partial', 30),
      apiRecord('x'.repeat(300), 40), // session id too long
    ]);
    const res = await postJson(server, '/v1/logs', body, true);
    expect(res.status).toBe(200);
    expect(res.json.partialSuccess.rejectedLogRecords).toBe('4');
    expect(res.json.partialSuccess.errorMessage).toMatch(/tokens_in must not be negative/);
    expect(res.json.partialSuccess.errorMessage).toMatch(/without session.id/);
    const s = (await server.get('/api/sessions/partial')).body.session;
    expect([s.event_count, s.tokens_in, s.api_request_count]).toEqual([2, 40, 2]);

    const spans = await postJson(server, '/v1/traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: 'zz', spanId: '0102030405060708', name: 'bad id', startTimeUnixNano: '1' },
        { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', name: 'no start' },
        { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060709', name: 'ok', startTimeUnixNano: '1700000000000000000' },
      ] }] }],
    });
    expect(spans.json.partialSuccess.rejectedSpans).toBe('2');
    expect((await server.get('/api/health')).status).toBe(200);
  });

  it('survives deeply nested attribute values', async () => {
    let value: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 1000; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const record = { timeUnixNano: '1700000000000000000', attributes: [{ key: 'deep', value }, { key: 'session.id', value: { stringValue: 'deep-1' } }] };
    const res = await postJson(server, '/v1/logs', logsRequest({ 'service.name': 'x' }, 's', [record]));
    expect(res.status).toBe(200);
    const events = (await server.get('/api/events?session_id=deep-1')).body.events;
    expect(JSON.stringify(events[0].metadata.deep)).toContain('nested too deep');
  });

  it('accepts an empty request and an empty body', async () => {
    expect((await postJson(server, '/v1/metrics', {})).json).toEqual({});
    expect((await postRaw(server, '/v1/logs', '', { contentType: 'application/json' })).status).toBe(200);
    const empty = await postRaw(server, '/v1/logs', Buffer.alloc(0), { contentType: 'application/x-protobuf' });
    expect(empty.status).toBe(200);
    expect(empty.contentType).toBe('application/x-protobuf');
    expect(empty.bytes.length).toBe(0);
  });
});
