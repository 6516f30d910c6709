/**
 * Issue 10, point 12: Claude Code behind a proxy or gateway that drops the `request-id` response
 * header records no request_id in OTel and no requestId in the transcript. The live api_request
 * and the imported response are still one call: the store pairs them by the call's own figures
 * within the session (claude-call:<session>:<in>:<out>:<cache read>:<cache write>) and the nearest
 * time, never two sightings of one source, so two genuinely identical calls stay two.
 *
 * Fixtures: the real transcripts of test/fixtures/claude-transcripts with every requestId removed;
 * the live side is Claude Code's OTel api_request as observed (shared/reference), without request_id.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { costTotals, FIXTURES, OLD, runImportCli, SUBAGENT_PARENT } from './import-fixtures.js';

const attr = (key: string, value: Record<string, unknown>) => ({ key, value });

interface Call {
  /** When Claude Code logs the api_request: the response's end (its last transcript line). */
  end: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** What Claude Code reports as cost_usd (the import prices the same tokens itself). */
  cost: number;
  model?: string;
}

const TOOL_HEAVY = 'd6e0bada-1959-4eec-a9d2-0bfade768d8f';
/** The four responses of spotter-tool_heavy.jsonl (largest usage snapshot per message.id). */
const HEAVY: Call[] = [
  { end: '2026-02-10T22:57:58.300Z', input: 3, output: 27, cacheRead: 17915, cacheWrite: 7883, cost: 0.05 },
  { end: '2026-02-10T22:58:03.200Z', input: 1, output: 1, cacheRead: 25798, cacheWrite: 208, cost: 0.02 },
  { end: '2026-02-10T22:59:27.500Z', input: 3, output: 11, cacheRead: 18014, cacheWrite: 8490, cost: 0.06 },
  { end: '2026-02-10T22:59:37.900Z', input: 47, output: 173, cacheRead: 26504, cacheWrite: 1115, cost: 0.03 },
];
/** What the cost processor computes for each of them (claude-opus-4-6, 1h cache writes). */
const HEAVY_COMPUTED = [0.0884775, 0.015009, 0.094197, 0.028962];
const HEAVY_TOKENS = { tokens_in: 54, tokens_out: 212, cache_read_tokens: 88231, cache_write_tokens: 17696 };

/** Claude Code's OTel api_request as a real client sends it, minus request_id (the gateway ate it). */
function apiRequest(session: string, call: Call, seq: number) {
  const ns = `${Date.parse(call.end)}000000`;
  return {
    timeUnixNano: ns,
    observedTimeUnixNano: ns,
    body: { stringValue: 'claude_code.api_request' },
    attributes: [
      attr('event.name', { stringValue: 'api_request' }),
      attr('event.timestamp', { stringValue: call.end }),
      attr('event.sequence', { intValue: seq }),
      attr('session.id', { stringValue: session }),
      attr('prompt.id', { stringValue: 'b1f7e2c4-3d2a-4f61-8e0b-5c9d8a7b6e13' }),
      attr('model', { stringValue: call.model ?? 'claude-opus-4-6' }),
      attr('input_tokens', { intValue: call.input }),
      attr('output_tokens', { intValue: call.output }),
      attr('cache_read_tokens', { intValue: call.cacheRead }),
      attr('cache_creation_tokens', { intValue: call.cacheWrite }),
      attr('cache_creation_5m_tokens', { intValue: 0 }),
      attr('cache_creation_1h_tokens', { intValue: call.cacheWrite }),
      attr('cost_usd', { doubleValue: call.cost }),
      attr('duration_ms', { intValue: 2400 }),
      attr('speed', { stringValue: 'normal' }),
      attr('query_source', { stringValue: 'repl_main_thread' }),
      attr('anthropic.custom_base_url', { boolValue: true }),
    ],
  };
}

async function postLive(server: TestServer, session: string, calls: Call[]): Promise<void> {
  const res = await server.post('/v1/logs', {
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', { stringValue: 'claude-code' }), attr('service.version', { stringValue: '2.1.331' })] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: '2.1.331' },
            logRecords: calls.map((c, i) => apiRequest(session, c, 40 + i)),
          },
        ],
      },
    ],
  });
  expect(res.status).toBe(200);
}

/** A fixture transcript as Claude Code writes it behind a gateway: no requestId on any line. */
function strippedCopy(fixture: string, dest: string, edit: (lines: Record<string, unknown>[]) => Record<string, unknown>[] = (l) => l): string {
  const lines = readFileSync(path.join(FIXTURES, 'claude-transcripts', fixture), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const out = edit(lines).map((entry) => {
    const { requestId: _dropped, ...rest } = entry;
    return JSON.stringify(rest);
  });
  expect(out.join('\n')).not.toContain('requestId');
  mkdirSync(path.dirname(dest), { recursive: true });
  writeFileSync(dest, out.join('\n') + '\n');
  utimesSync(dest, OLD, OLD); // a finished session: the importer takes its last response as final
  return dest;
}

async function importDir(server: TestServer, projects: string) {
  return runImportCli(server, ['--source', 'claude-code', '--path', projects]);
}

async function sightings(server: TestServer): Promise<any[]> {
  const res = await server.get('/api/events?event_type=api_request&limit=500');
  expect(res.status).toBe(200);
  return res.body.events;
}

/** Every folded sighting shares its key with exactly one counted sighting of the other source. */
function expectPairs(events: any[], pairs: number): void {
  const byKey = new Map<string, any[]>();
  for (const e of events) {
    expect(e.correlation_key).toMatch(/^claude-call:/);
    byKey.set(e.correlation_key, [...(byKey.get(e.correlation_key) ?? []), e]);
  }
  const groups = [...byKey.values()];
  expect(groups.filter((g) => g.length === 2)).toHaveLength(pairs);
  for (const g of groups) {
    expect(g.length).toBeLessThanOrEqual(2);
    if (g.length === 2) {
      expect(new Set(g.map((e) => e.source))).toEqual(new Set(['otlp', 'import']));
      expect(g.filter((e) => e.metadata.counted_elsewhere === true)).toHaveLength(1);
    }
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('Claude calls without request ids, seen live and in the transcript', () => {
  let server: TestServer;
  let projects: string;
  beforeEach(async () => {
    server = await startTestServer();
    projects = path.join(server.dir, 'projects');
  });
  afterEach(async () => server?.cleanup());

  it('counts each call once when the live telemetry comes first', async () => {
    await postLive(server, TOOL_HEAVY, HEAVY);
    strippedCopy('spotter-tool_heavy.jsonl', path.join(projects, 'p', `${TOOL_HEAVY}.jsonl`));
    const run = await importDir(server, projects);
    expect(run.summary.stored).toBe(4 + 6);
    expect(run.summary.folded).toBe(4);

    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({ api_requests: 4, ...HEAVY_TOKENS });
    expect(stats.totals.cost_usd).toBeCloseTo(sum(HEAVY.map((c) => c.cost)), 6); // the reported costs (the API rounds to the micro-dollar)
    expect(stats.folded_duplicates).toEqual({ import: 4 });
    const bySource = Object.fromEntries(stats.by_source.map((s: any) => [s.source, s.api_requests]));
    expect(bySource).toEqual({ otlp: 4, import: 0 }); // the import's tool calls count, its API calls not
    expectPairs(await sightings(server), 4);

    // A re-sent export and a second import are duplicates: nothing moves.
    await postLive(server, TOOL_HEAVY, HEAVY);
    await importDir(server, projects);
    const again = await costTotals(server);
    expect(again.totals).toMatchObject({ api_requests: 4, ...HEAVY_TOKENS });
    expect(again.folded_duplicates).toEqual({ import: 4 });
  });

  it('counts each call once when the import comes first', async () => {
    strippedCopy('spotter-tool_heavy.jsonl', path.join(projects, 'p', `${TOOL_HEAVY}.jsonl`));
    await importDir(server, projects);
    await postLive(server, TOOL_HEAVY, HEAVY);

    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({ api_requests: 4, ...HEAVY_TOKENS });
    expect(stats.totals.cost_usd).toBeCloseTo(sum(HEAVY_COMPUTED), 6); // the import's computed costs
    expect(stats.folded_duplicates).toEqual({ otlp: 4 });
    expectPairs(await sightings(server), 4);
    const session = (await server.get(`/api/sessions/${TOOL_HEAVY}`)).body.session;
    expect([session.api_request_count, session.tokens_out]).toEqual([4, 212]);
  });

  it('still counts once when live telemetry missed a call, and never folds a call far away in time', async () => {
    // AgentStats was down for the first call; later, a call with the last one's exact figures
    // happened three hours after it that the transcript does not hold (another machine's copy).
    const far: Call = { ...HEAVY[3], end: '2026-02-11T01:59:37.900Z', cost: 0.04 };
    await postLive(server, TOOL_HEAVY, [...HEAVY.slice(1), far]);
    strippedCopy('spotter-tool_heavy.jsonl', path.join(projects, 'p', `${TOOL_HEAVY}.jsonl`));
    await importDir(server, projects);

    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({
      api_requests: 5,
      tokens_in: HEAVY_TOKENS.tokens_in + far.input,
      tokens_out: HEAVY_TOKENS.tokens_out + far.output,
      cache_read_tokens: HEAVY_TOKENS.cache_read_tokens + far.cacheRead,
      cache_write_tokens: HEAVY_TOKENS.cache_write_tokens + far.cacheWrite,
    });
    // Calls 2–4 and the far one as reported live, call 1 as the import priced it.
    expect(stats.totals.cost_usd).toBeCloseTo(HEAVY[1].cost + HEAVY[2].cost + HEAVY[3].cost + far.cost + HEAVY_COMPUTED[0], 6);
    expect(stats.folded_duplicates).toEqual({ import: 3 });
    expectPairs(await sightings(server), 3);
  });

  it('keeps two genuinely identical calls of one session as two when live telemetry comes first', async () => {
    // spotter-short's one response, then the same request answered identically 40 s later.
    const session = '55604662-cf2a-4331-851a-ec234028f8ca';
    const twin = (lines: Record<string, unknown>[]) => {
      const out = [...lines];
      for (const entry of lines) {
        if (entry.type !== 'assistant') continue;
        const msg = entry.message as Record<string, unknown>;
        const copy = { ...entry, uuid: `${entry.uuid as string}-b`, timestamp: new Date(Date.parse(entry.timestamp as string) + 40_000).toISOString() };
        out.push({ ...copy, message: { ...msg, id: `${msg.id as string}B` } });
      }
      return out;
    };
    const one: Call = { end: '2026-02-10T21:12:02.000Z', input: 3, output: 13, cacheRead: 11515, cacheWrite: 13835, cost: 0.1444475 };
    const two: Call = { ...one, end: '2026-02-10T21:12:42.000Z' };

    // Live alone: two identical calls are two calls.
    await postLive(server, session, [one, two]);
    expect((await costTotals(server)).totals).toMatchObject({ api_requests: 2, tokens_out: 26 });

    // The transcript holds both: each pairs with one live sighting.
    strippedCopy('spotter-short.jsonl', path.join(projects, 'p', `${session}.jsonl`), twin);
    await importDir(server, projects);
    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({ api_requests: 2, tokens_in: 6, tokens_out: 26, cache_read_tokens: 23030, cache_write_tokens: 27670 });
    expect(stats.totals.cost_usd).toBeCloseTo(2 * one.cost, 6);
    expect(stats.folded_duplicates).toEqual({ import: 2 });
    expectPairs(await sightings(server), 2);
  });

  it('keeps identical calls apart when the import comes first and live telemetry saw only the second', async () => {
    const session = '55604662-cf2a-4331-851a-ec234028f8ca';
    const twin = (lines: Record<string, unknown>[]) => [
      ...lines,
      ...lines
        .filter((e) => e.type === 'assistant')
        .map((e) => ({
          ...e,
          uuid: `${e.uuid as string}-b`,
          timestamp: new Date(Date.parse(e.timestamp as string) + 600_000).toISOString(),
          message: { ...(e.message as Record<string, unknown>), id: `${(e.message as { id: string }).id}B` },
        })),
    ];
    strippedCopy('spotter-short.jsonl', path.join(projects, 'p', `${session}.jsonl`), twin);
    await importDir(server, projects);
    // Only the second call (ten minutes later) reached AgentStats live.
    await postLive(server, session, [{ end: '2026-02-10T21:22:02.000Z', input: 3, output: 13, cacheRead: 11515, cacheWrite: 13835, cost: 0.1444475 }]);

    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({ api_requests: 2, tokens_in: 6, tokens_out: 26 });
    expect(stats.folded_duplicates).toEqual({ otlp: 1 });
    const events = await sightings(server);
    expectPairs(events, 1);
    // It paired with the nearer of the two (the second), so each call keeps its own time.
    const live = events.find((e) => e.source === 'otlp');
    const partner = events.find((e) => e.source === 'import' && e.correlation_key === live.correlation_key);
    expect(partner.client_timestamp).toBe('2026-02-10T21:21:59.186Z');
  });

  it('folds a subagent call (keyed by the parent session live) even when the model is named differently', async () => {
    // The compaction agent's response; live, Claude Code reports it in the parent session and with
    // the model id the provider was called with (a Bedrock inference profile), the transcript with
    // the model the API answered.
    const project = path.join(projects, '-work-spotter');
    strippedCopy('spotter-subagent-agent-acompact-e1f845.jsonl', path.join(project, SUBAGENT_PARENT, 'subagents', 'agent-acompact-e1f845.jsonl'));
    await importDir(server, projects);
    await postLive(server, SUBAGENT_PARENT, [
      { end: '2026-02-12T20:30:28.500Z', input: 3, output: 8, cacheRead: 164830, cacheWrite: 8681, cost: 0.2, model: 'us.anthropic.claude-opus-4-6-v1' },
    ]);
    const stats = await costTotals(server);
    expect(stats.totals).toMatchObject({ api_requests: 1, tokens_in: 3, tokens_out: 8, cache_read_tokens: 164830, cache_write_tokens: 8681 });
    expect(stats.folded_duplicates).toEqual({ otlp: 1 });
    expectPairs(await sightings(server), 1);
  });
});
