/**
 * The HTTP contract, through fastify.inject(): every JSON answer validates against its response
 * schema and is byte for byte what the storage's own JSON would have been (the schemas drop and
 * coerce nothing), unknown query parameters answer 400 naming the parameter, fastify's own errors
 * answer with catalog codes, and the derived types compile for web/.
 */
import { statsView } from './read-models/stats.js';
import { costView } from './read-models/cost.js';
import { filterOptionsView } from './read-models/filter-options.js';
import { blocksView } from './read-models/blocks.js';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../test/helpers/api-harness.js';
import { projectRoot } from '../core/paths.js';
import {
  BatchResult,
  BlocksResponse,
  CostStats,
  ErrorBody,
  EventAccepted,
  EventsPage,
  FilterOptions,
  Health,
  HookStats,
  PricingInfo,
  SessionDetail,
  SessionsPage,
  Stats,
} from './schemas/index.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
function validates(schema: TSchema, value: unknown): string[] {
  const check = ajv.compile(schema);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const HOUR = 3_600_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

/** Events that exercise every field: set and null, priced, reported, unpriced, folded, odd strings. */
function seedEvents() {
  const base = { session_id: 'alpha', agent_type: 'claude_code', branch: 'main', cwd: '/home/u/alpha' };
  return [
    { ...base, event_id: 'a-start', event_type: 'session_start', client_timestamp: iso(2 * HOUR) },
    { ...base, event_id: 'a-priced', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 100, tokens_out: 50, cache_read_tokens: 1000, cache_write_tokens: 10, reasoning_tokens: 5, duration_ms: 812.25, request_id: 'req_1', prompt_id: 'p1', client_timestamp: iso(HOUR) },
    { ...base, event_id: 'a-reported', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1, tokens_out: 2, cost_usd: 0.25, client_timestamp: iso(30 * 60_000) },
    { ...base, event_id: 'a-unpriced', event_type: 'api_request', model: 'mystery-model-9', tokens_in: 7, tokens_out: 3, client_timestamp: iso(20 * 60_000) },
    { ...base, event_id: 'a-tool', event_type: 'tool_use', tool_name: 'Bash', status: 'success', duration_ms: 12.5, tool_use_id: 'tu_1', client_timestamp: iso(10 * 60_000) },
    { ...base, event_id: 'a-tool-err', event_type: 'tool_use', tool_name: 'Bash', status: 'error', duration_ms: 4000, client_timestamp: iso(9 * 60_000) },
    {
      ...base,
      event_id: 'a-prompt',
      event_type: 'user_prompt',
      client_timestamp: iso(8 * 60_000),
      metadata: { prompt_length: 42, nested: { list: [1, 'two', null, { deep: true }], empty: {} }, text: 'naïve 🚀 "quoted" \\ back\nline\u2028sep' },
      colour: 'blue', // unknown top-level field: kept in metadata
    },
    { ...base, event_id: 'a-end', event_type: 'session_end', metadata: { reason: 'exit' }, client_timestamp: iso(5 * 60_000) },
    // Characters a serializer must escape (or must not) in a typed string field.
    { session_id: 'alpha-sub', agent_type: 'claude_code', event_type: 'subagent_start', parent_session_id: 'alpha', event_id: 'sub-1', project: 'sub "q" \\ 🚀\u2028\t\u0001 é', client_timestamp: iso(7 * 60_000) },
    // The same occurrence from two sources: counted once, the second folded.
    { session_id: 'beta', agent_type: 'codex', event_type: 'api_request', source: 'otlp', model: 'gpt-5', tokens_in: 10, tokens_out: 20, correlation_key: 'codex:req-9', event_id: 'b-otlp', client_timestamp: iso(50 * HOUR) },
    { session_id: 'beta', agent_type: 'codex', event_type: 'api_request', source: 'import', model: 'gpt-5', tokens_in: 10, tokens_out: 20, correlation_key: 'codex:req-9', event_id: 'b-import', client_timestamp: iso(50 * HOUR) },
    // Nothing but the required fields: every optional one null.
    { session_id: 'gamma', agent_type: 'gemini_cli', event_type: 'notification', event_id: 'g-bare' },
  ];
}

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    maxBodyBytes: 256 * 1024,
    extraRoutes: (server) => {
      server.get('/test/boom', async () => {
        throw new Error('secret internals');
      });
    },
  });
  const res = await h.server.inject({ method: 'POST', url: '/api/events/batch', payload: { events: seedEvents() } });
  expect(res.statusCode).toBe(200);
  await h.pipeline.submit({
    events: [],
    spans: [
      { trace_id: 't1', span_id: 's1', parent_span_id: null, session_id: 'alpha', agent_type: 'claude_code', name: 'claude_code.llm_request', kind: 1, start_time: iso(HOUR), end_time: iso(HOUR - 1500), duration_ms: 1500.5, status_code: 0, status_message: null, attributes: { model: 'claude-sonnet-4-5', n: 3 }, extra: { events: [{ name: 'e' }] } },
      { trace_id: 't1', span_id: 's2', parent_span_id: 's1', session_id: 'alpha', agent_type: null, name: 'tool', kind: null, start_time: iso(HOUR - 100), end_time: null, duration_ms: null, status_code: null, status_message: null, attributes: {}, extra: {} },
    ],
    metricPoints: [
      { name: 'claude_code.lines_of_code.count', agent_type: 'claude_code', session_id: 'alpha', series_key: 'loc-added', attributes: { type: 'added' }, unit: null, kind: 'sum', temporality: 'delta', start_time: iso(2 * HOUR), time: iso(HOUR), value: 120, count: null },
      { name: 'claude_code.active_time.total', agent_type: 'claude_code', session_id: 'alpha', series_key: 'active-cli', attributes: { type: 'cli' }, unit: 's', kind: 'sum', temporality: 'delta', start_time: iso(2 * HOUR), time: iso(HOUR), value: 12.75, count: null },
    ],
  });
}, 60_000);

afterAll(async () => h?.close());

async function get(url: string) {
  const res = await h.server.inject({ method: 'GET', url });
  return { status: res.statusCode, text: res.body, json: res.json<Record<string, unknown>>() };
}

describe('response schemas', () => {
  it('every read answer validates against its response schema', async () => {
    const routes: Array<[string, TSchema]> = [
      ['/api/events', EventsPage],
      ['/api/events?limit=2', EventsPage],
      ['/api/sessions', SessionsPage],
      ['/api/sessions/alpha', SessionDetail],
      ['/api/sessions/gamma', SessionDetail],
      ['/api/stats', Stats],
      ['/api/stats/cost', CostStats],
      ['/api/stats/cost?bucket=hour&since=2020-01-01', CostStats],
      ['/api/stats/blocks', BlocksResponse],
      ['/api/filter-options', FilterOptions],
      ['/api/health', Health],
      ['/api/pricing', PricingInfo],
      ['/api/hooks/stats', HookStats],
    ];
    for (const [url, schema] of routes) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(validates(schema, res.json), url).toEqual([]);
    }
  });

  it('serializes byte for byte what the readers return: no field dropped, none coerced, order kept', async () => {
    const { events, sessions, stats } = h.storage;
    const same = async (url: string, expected: unknown) => expect((await get(url)).text, url).toBe(JSON.stringify(expected));

    await same('/api/events?limit=1000', { events: events.listEvents({ limit: 1000 }), next_cursor: null });
    await same('/api/sessions', { sessions: sessions.listSessions({ limit: 100 }), next_cursor: null });
    const alpha = sessions.getSession('alpha')!;
    await same('/api/sessions/alpha', {
      session: alpha,
      events: events.listEvents({ session_id: 'alpha', limit: 200 }),
      children: sessions.childSessions('alpha'),
      spans: sessions.listSpans('alpha', 2000),
    });
    await same('/api/stats', statsView(stats));
    await same('/api/stats/cost?tz=Asia/Tokyo', { ...costView(stats, { bucket: 'day', tz: 'Asia/Tokyo' }), pricing: h.infos.get('pricing') });
    await same('/api/filter-options', filterOptionsView(stats));
    await same('/api/pricing', h.infos.get('pricing'));
    const blocks = await get('/api/stats/blocks?limit=5');
    expect(blocks.text).toBe(JSON.stringify(blocksView(stats, { limit: 5 }, new Date(blocks.json.now as string))));
    const health = await get('/api/health');
    expect(health.json.components).toEqual((await h.telemetry.snapshot()).components);
  });

  it('the seeded data reaches every nullable and open part of the schemas', async () => {
    // Guards the test above: a schema mistake only shows when the data holds both cases.
    const detail = (await get('/api/sessions/alpha')).json as { events: Array<Record<string, unknown>>; spans: Array<Record<string, unknown>>; children: unknown[] };
    const bare = ((await get('/api/events?session_id=gamma')).json as { events: Array<Record<string, unknown>> }).events[0];
    expect(bare).toMatchObject({ tool_name: null, tokens_in: null, cost_usd: null, duration_ms: null, client_timestamp: null, metadata: {} });
    const prompt = detail.events.find((e) => e.event_id === 'a-prompt')!;
    expect(prompt.metadata).toMatchObject({ colour: 'blue', nested: { list: [1, 'two', null, { deep: true }], empty: {} } });
    expect(detail.events.find((e) => e.event_id === 'a-priced')).toMatchObject({ cost_source: 'computed', duration_ms: 812.25 });
    expect(detail.spans.map((s) => s.end_time)).toEqual([expect.any(String), null]);
    expect(detail.children).toHaveLength(1);
    const cost = (await get('/api/stats/cost')).json as CostStats;
    expect(cost.unpriced_models.map((m) => m.model)).toEqual(['mystery-model-9']);
    expect(cost.folded_duplicates).toEqual({ import: 1 });
    expect(cost.pricing).not.toBeNull();
    const stats = (await get('/api/stats')).json as Stats;
    expect(stats.tools[0]).toMatchObject({ tool_name: 'Bash', calls: 2, errors: 1 });
    expect(stats.metrics.active_time_seconds).toBe(12.75);
    const blocks = (await get('/api/stats/blocks')).json as BlocksResponse;
    expect(blocks.active?.projection).not.toBeNull();
    expect(blocks.blocks.some((b) => b.projection === null)).toBe(true);
  });

  it('ingest answers validate: stored, duplicate, batch with rejections, invalid event', async () => {
    const one = { session_id: 'ingest', agent_type: 'codex', event_type: 'notification', event_id: 'ingest-1' };
    const first = await h.server.inject({ method: 'POST', url: '/api/events', payload: one });
    expect(first.statusCode).toBe(201);
    expect(validates(EventAccepted, first.json())).toEqual([]);
    const again = await h.server.inject({ method: 'POST', url: '/api/events', payload: one });
    expect(again.json()).toEqual({ id: 'ingest-1', duplicate: true });
    const batch = await h.server.inject({ method: 'POST', url: '/api/events/batch', payload: { events: [one, { session_id: 'x' }] } });
    expect(validates(BatchResult, batch.json())).toEqual([]);
    expect(batch.json()).toMatchObject({ received: 2, ids: [], duplicates: 1, rejected: [{ index: 1 }] });
    const bad = await h.server.inject({ method: 'POST', url: '/api/events', payload: { session_id: 's', tokens_in: '12' } });
    expect(bad.statusCode).toBe(400);
    expect(validates(ErrorBody, bad.json())).toEqual([]);
    expect(bad.json().error).toBe('invalid_event');
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['agent_type', 'event_type', 'tokens_in']);
  });
});

describe('request schemas', () => {
  it.each([
    ['/api/events?colour=blue', 'querystring/colour: unknown parameter'],
    ['/api/events?sesion_id=a', 'querystring/sesion_id: unknown parameter; did you mean session_id?'],
    ['/api/sessions?agent=codex', 'querystring/agent: unknown parameter'],
    ['/api/sessions/alpha?evnts=5', 'querystring/evnts: unknown parameter; did you mean events?'],
    ['/api/stats/cost?bukcet=day', 'querystring/bukcet: unknown parameter; did you mean bucket?'],
    ['/api/stats/blocks?lmit=3', 'querystring/lmit: unknown parameter; did you mean limit?'],
  ])('%s answers 400 naming the parameter', async (url, message) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('bad_request');
    expect(res.json.message).toContain(message);
    expect(validates(ErrorBody, res.json)).toEqual([]);
  });

  it('lists the known parameters when no name is close', async () => {
    const res = await get('/api/stats/blocks?zzzzzzzz=1');
    expect(res.json.message).toBe('querystring/zzzzzzzz: unknown parameter (known: agent_type, project, branch, model, source, machine, since, until, limit)');
  });

  it('routes without parameters still ignore a query string, as they always have', async () => {
    for (const url of ['/api/stats?_=1', '/api/filter-options?_=1', '/api/health?_=1', '/api/pricing?_=1', '/api/hooks/stats?_=1']) {
      expect((await get(url)).status, url).toBe(200);
    }
  });

  it('a value out of range answers 400 with the field in the message', async () => {
    const res = await get('/api/events?limit=0');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'bad_request', message: 'querystring/limit must be >= 1' });
  });
});

describe('error catalog', () => {
  it("maps fastify's own errors to catalog codes", async () => {
    const post = (payload: string, contentType: string) =>
      h.server.inject({ method: 'POST', url: '/api/events', payload, headers: { 'content-type': contentType } });
    const cases: Array<[Promise<{ statusCode: number; json(): unknown }>, number, string]> = [
      [post('hello', 'text/plain'), 415, 'unsupported_media_type'],
      [post(JSON.stringify({ blob: 'y'.repeat(300 * 1024) }), 'application/json'), 413, 'payload_too_large'],
      [post('', 'application/json'), 400, 'bad_request'],
      [post('{"events": [', 'application/json'), 400, 'bad_request'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ error: code });
      expect(validates(ErrorBody, res.json())).toEqual([]);
    }
  });

  it('answers a server error as internal_error without its cause', async () => {
    const res = await get('/test/boom');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: 'internal_error', message: 'internal error' });
  });

  it('answers an unknown route and a stream cursor error in the same shape', async () => {
    const missing = await get('/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('not_found');
    const stream = await h.server.inject({ method: 'GET', url: '/api/stream', headers: { 'last-event-id': 'abc' } });
    expect(stream.statusCode).toBe(400);
    expect(stream.json()).toMatchObject({ error: 'bad_request' });
    expect(validates(ErrorBody, stream.json())).toEqual([]);
  });
});

describe('types for web/', () => {
  it('the derived types compile for the dashboard (npm run check:web, with web/src/types.check.ts)', async () => {
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', 'web/tsconfig.json'], { cwd: projectRoot });
    } catch (error) {
      throw new Error(`tsc -p web/tsconfig.json failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`, { cause: error });
    }
  }, 180_000);
});
