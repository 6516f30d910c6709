/**
 * Fuzz (issue 10.9) where the route is the point: random bodies, content types and encodings to
 * every receiver route of the real server (spawned, real SQLite), so decoding, mapping, the
 * processor pool and the store all see them. Properties: every answer is 2xx or 4xx (never 5xx:
 * the server is far from overloaded here), the server keeps answering, and the valid records of a
 * request mixed with hostile ones are stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  DEEP,
  HUGE_NANOS,
  hostileValue,
  logRecordArb,
  maybeHostile,
  params,
  requestArb,
  TIMEOUT,
  toJsonText,
  validLogRecord,
  validSpan,
} from './arbitraries.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { AGENTSTATS_MAX_BODY_KB: '8192' } });
});
afterAll(async () => {
  await server?.cleanup();
});

const OTLP = ['logs', 'metrics', 'traces'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/x-protobuf',
  'application/json; charset=utf-8',
  'text/plain',
  '',
  'application/json, text/plain',
  'multipart/form-data; boundary=x',
  undefined,
];

const nativeEvent = fc.record(
  {
    session_id: maybeHostile(fc.constantFrom('fz-1', 'fz-2')),
    agent_type: maybeHostile(fc.constantFrom('codex', 'claude_code')),
    event_type: maybeHostile(fc.constantFrom('tool_use', 'api_request')),
    tokens_in: maybeHostile(fc.nat()),
    metadata: hostileValue,
    client_timestamp: hostileValue,
  },
  { requiredKeys: [] },
);

const hookBody = fc.record(
  { session_id: maybeHostile(fc.constantFrom('fz-h')), hook_event_name: maybeHostile(fc.constantFrom('Stop', 'PreToolUse', 'X')), tool_input: hostileValue, cwd: hostileValue },
  { requiredKeys: [] },
);

/** One request: a route, a content type, maybe an encoding, and a body suited (or not) to it. */
const requestCase = fc.oneof(
  fc.record({
    path: fc.constantFrom(...OTLP).chain((s) => fc.constantFrom(`/v1/${s}`, `/api/otel/v1/${s}`).map((p) => [s, p] as const)),
    type: fc.constantFrom(...CONTENT_TYPES),
    body: fc.oneof(fc.constantFrom(...OTLP).chain((s) => requestArb(s)).map(toJsonText), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))),
    encoding: fc.constantFrom(undefined, 'gzip', 'identity', 'zstd'),
  }).map((c) => ({ ...c, path: c.path[1] })),
  fc.record({
    path: fc.constantFrom('/api/events', '/api/events/batch'),
    type: fc.constantFrom('application/json', 'text/plain', undefined),
    body: fc.oneof(nativeEvent.map(toJsonText), fc.array(nativeEvent, { maxLength: 4 }).map((events) => toJsonText({ events })), hostileValue.map(toJsonText)),
    encoding: fc.constant(undefined),
  }),
  fc.record({
    path: fc.constantFrom('/api/hooks/claude-code', '/api/hooks/codex', '/api/hooks/gemini-cli'),
    type: fc.constantFrom(...CONTENT_TYPES),
    body: fc.oneof(hookBody.map(toJsonText), fc.string()),
    encoding: fc.constantFrom(undefined, undefined, 'gzip'),
  }),
);

interface Case {
  path: string;
  type: string | undefined;
  body: string | Buffer;
  encoding: string | undefined;
}

/** Prints a failing case short: a deep body would fill the screen. */
function printable(c: Case): Case {
  const text = typeof c.body === 'string' ? c.body : c.body.toString('hex');
  const preview = text.length > 300 ? `${text.slice(0, 150)}…(${text.length} chars)…${text.slice(-100)}` : text;
  return Object.assign(c, { [fc.toStringMethod]: () => `POST ${c.path} type=${String(c.type)} encoding=${String(c.encoding)} body=${preview}` });
}

async function send(path: string, type: string | undefined, body: string | Buffer, encoding: string | undefined) {
  const headers: Record<string, string> = {};
  if (type !== undefined) headers['content-type'] = type;
  if (encoding) headers['content-encoding'] = encoding;
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Issue 10.6's requests, first. */
const deep = `__DEEP_${DEEP}__`;
const regression = [
  { path: '/v1/logs', body: { resourceLogs: [{ scopeLogs: [{ logRecords: [{ ...validLogRecord('r1'), timeUnixNano: deep }] }] }] } },
  { path: '/v1/logs', body: { resourceLogs: [{ scopeLogs: [{ logRecords: [{ ...validLogRecord('r2'), timeUnixNano: HUGE_NANOS }] }] }] } },
  { path: '/v1/traces', body: { resourceSpans: [{ scopeSpans: [{ spans: [{ ...validSpan(1, 'r3'), startTimeUnixNano: HUGE_NANOS }] }] }] } },
  { path: '/v1/logs', body: { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'session.id', value: { stringValue: deep } }] }] }] }] } },
  { path: '/api/events/batch', body: { events: [{ session_id: 's', agent_type: 'codex', event_type: 'x', metadata: { d: deep } }] } },
  { path: '/api/hooks/codex', body: { session_id: 's', hook_event_name: 'PreToolUse', tool_input: deep, cwd: '/dev/zero' } },
].map(({ path, body }) => [printable({ path, type: 'application/json', body: toJsonText(body), encoding: undefined })] as [Case]);

describe('receiver routes under random input', () => {
  it('answer 2xx or 4xx to anything, and keep answering', async () => {
    await fc.assert(
      fc.asyncProperty(requestCase.map(printable), async ({ path, type, body, encoding }) => {
        const status = await send(path, type, body, encoding);
        expect(status >= 200 && status < 500, `${path} ${type} → ${status}`).toBe(true);
      }),
      params(150, 2500, regression),
    );
    expect((await server.get('/api/health')).status).toBe(200);
  }, TIMEOUT);

  it('store the valid log records of a request mixed with hostile ones', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(logRecordArb, { maxLength: 5 }), async (junk) => {
        const sid = `fz-valid-${n++}`;
        const records = [junk.slice(0, 2), validLogRecord(sid), junk.slice(2)].flat();
        const body = toJsonText({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] }, scopeLogs: [{ logRecords: records }] }] });
        expect(await send('/v1/logs', 'application/json', body, undefined)).toBe(200);
        const events = (await server.get(`/api/events?session_id=${sid}`)).body.events as Array<{ event_type: string }>;
        expect(events.some((e) => e.event_type === 'api_request')).toBe(true);
      }),
      params(40, 1500),
    );
  }, TIMEOUT);
});
