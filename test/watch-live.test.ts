/**
 * Issue 11.1 acceptance: with the server running and no agent configured, what Claude Code and
 * Codex append to their history files reaches the API and the live stream within 3 s, with the
 * files' exact tokens; the same calls also sent over OTel (the real JS exporter) count once; a
 * truncated-then-rewritten or replaced file does not double count; a partial last line waits for
 * its newline; a response still being streamed is not recorded before it is final; deleted files
 * keep their data. The first server runs the default config (inotify, 1 s poll).
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { openStream, type SseStream } from './helpers/sse.js';
import { FIXTURES } from './import-fixtures.js';

const SESSION = 'd6e0bada-1959-4eec-a9d2-0bfade768d8f';
const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';
const TOOL_HEAVY = readFileSync(path.join(FIXTURES, 'claude-transcripts', 'spotter-tool_heavy.jsonl'), 'utf8').split('\n').filter(Boolean);
const ALPHA = readFileSync(path.join(FIXTURES, 'codex-rollouts', 'ccusage-session-alpha.jsonl'), 'utf8').split('\n').filter(Boolean);

/** Per response of spotter-tool_heavy: the usage of its largest line (input/output/cache read/cache write). */
const RESPONSES: Record<string, [number, number, number, number]> = {
  req_011CY1DV6ZcyGeWGTb4kSw2L: [3, 27, 17915, 7883],
  req_011CY1DVR7LRGxBs854DBvGb: [1, 1, 25798, 208],
  req_011CY1DbbVb9F8NCfb4b1CiC: [3, 11, 18014, 8490],
  req_011CY1DcMwHdEPXMf4hW4MxJ: [47, 173, 26504, 1115], // its first line says 25 output tokens
};

/** What Claude Code 2.1 writes when a turn is over. */
function turnEnd(ts: string): string {
  return JSON.stringify({ parentUuid: null, isSidechain: false, type: 'system', subtype: 'turn_duration', durationMs: 4000, timestamp: ts, sessionId: SESSION, version: '2.1.220' });
}

/** A fifth response, made from the third one's line with its own ids and usage. */
function extraResponse(): string {
  const e = JSON.parse(TOOL_HEAVY[26]);
  e.message.id = 'msg_watch_extra';
  e.requestId = 'req_watch_extra';
  e.uuid = '11111111-2222-4333-8444-555555555555';
  e.timestamp = '2026-02-10T23:05:00.000Z';
  e.message.content = [{ type: 'text', text: 'done' }];
  e.message.usage = { input_tokens: 5, output_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 100 };
  return JSON.stringify(e);
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (rows: string[]) => rows.map((l) => l + '\n').join('');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function apiRequests(server: TestServer, agent: string): Promise<any[]> {
  const res = await server.get(`/api/events?agent_type=${agent}&event_type=api_request&limit=100`);
  expect(res.status).toBe(200);
  return res.body.events;
}

async function cost(server: TestServer): Promise<any> {
  const res = await server.get('/api/stats/cost');
  expect(res.status).toBe(200);
  return res.body;
}

function byAgent(stats: any, agent: string): any {
  return stats.by_agent.find((a: any) => a.agent_type === agent) ?? { api_requests: 0 };
}

/** Sends log records through the OpenTelemetry JS SDK and its OTLP/HTTP exporter. */
async function sendOtel(server: TestServer, service: string, scope: string, records: Array<{ body: string; attributes: Record<string, string | number> }>) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new SimpleLogRecordProcessor(memory)] });
  const logger = provider.getLogger(scope);
  for (const r of records) logger.emit(r);
  const exporter = new OTLPLogExporter({ url: `${server.url}/v1/logs` });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getFinishedLogRecords(), resolve));
  await exporter.shutdown();
  await provider.shutdown();
  expect(result.error?.message).toBeUndefined();
  expect(result.code).toBe(0);
}

function claudeApiRequest(requestId: string) {
  const [input, output, cacheRead, cacheWrite] = RESPONSES[requestId];
  return {
    body: 'claude_code.api_request',
    attributes: {
      'event.name': 'api_request', 'session.id': SESSION, model: 'claude-opus-4-6', request_id: requestId,
      input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_creation_tokens: cacheWrite,
    },
  };
}

function codexCompleted(input: number, cached: number, output: number, reasoning: number) {
  return {
    body: 'codex.sse_event',
    attributes: {
      'event.name': 'codex.sse_event', 'event.kind': 'response.completed', 'conversation.id': THREAD, model: 'gpt-5.2-codex',
      input_token_count: String(input), output_token_count: String(output), cached_token_count: cached, reasoning_token_count: reasoning,
      tool_token_count: String(input + output),
    },
  };
}

describe('live history watching (default config)', () => {
  let server: TestServer;
  let stream: SseStream;
  let claudeFile: string;
  let codexFile: string;
  const streamed = () => stream.json<any>('event');

  beforeAll(async () => {
    const home = makeTempDir();
    // Neither folder exists yet: the watcher must start following them when they appear.
    const claudeDir = path.join(home, 'claude-config');
    const codexHome = path.join(home, 'codex-home');
    server = await startTestServer({ dir: home, env: { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: codexHome } });
    stream = await openStream(`${server.url}/api/stream`);
    await stream.waitFor((m) => m.event === 'hello');
    claudeFile = path.join(claudeDir, 'projects', '-work-spotter', `${SESSION}.jsonl`);
    codexFile = path.join(codexHome, 'sessions', '2026', '05', '13', `rollout-2026-05-13T09-00-00-${THREAD}.jsonl`);
  });
  afterAll(async () => {
    stream?.close();
    await server?.cleanup();
  });

  it('records Claude responses within 3 s, with exact tokens, but not one still being streamed', async () => {
    mkdirSync(path.dirname(claudeFile), { recursive: true });
    // Lines 1–36: three finished responses, and the first line of a fourth (25 of its 173 output
    // tokens; a tool result of its first tool_use is written before its last line).
    writeFileSync(claudeFile, lines(TOOL_HEAVY.slice(0, 36)));
    const { ms } = await until('three responses', async () => (await apiRequests(server, 'claude_code')).length === 3, 3000);
    expect(ms).toBeLessThan(3000);
    for (const e of await apiRequests(server, 'claude_code')) {
      const [input, output, cacheRead, cacheWrite] = RESPONSES[e.request_id];
      expect(e).toMatchObject({ source: 'import', tokens_in: input, tokens_out: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite });
      expect(e.correlation_key).toBe(`api:${e.request_id}`);
    }
    await until('three on the live stream', async () => streamed().filter((e) => e.event_type === 'api_request').length === 3, 3000);
    const tools = await server.get(`/api/events?session_id=${SESSION}&event_type=tool_use&limit=100`);
    expect(tools.body.events.map((e: any) => e.tool_use_id).sort()).toEqual(
      ['toolu_018GZVh9ymkrdx1TnR8reg5Y', 'toolu_01DKTWcKpZ2ksZQmoKKfxiw6', 'toolu_01FZ9TWbiy1LPzHm1AAyUazo', 'toolu_01JJds55jYrYwd9TktNGndRY', 'toolu_01VpPeBD2ziigLLpybShAGoU'],
    );
    // The fourth response is still open: it is not recorded with its partial usage.
    await sleep(1500);
    expect((await apiRequests(server, 'claude_code')).map((e) => e.request_id)).not.toContain('req_011CY1DcMwHdEPXMf4hW4MxJ');
  });

  it('counts a response once when OTel reports it first and the transcript finishes it later', async () => {
    await sendOtel(server, 'claude-code', 'com.anthropic.claude_code.events', [claudeApiRequest('req_011CY1DcMwHdEPXMf4hW4MxJ')]);
    expect(byAgent(await cost(server), 'claude_code').api_requests).toBe(4);

    // Its last line (173 output tokens), the rest of the turn, and the turn's end.
    appendFileSync(claudeFile, lines([...TOOL_HEAVY.slice(36), turnEnd('2026-02-10T22:59:50.000Z')]));
    const { ms } = await until('the transcript copy', async () => (await apiRequests(server, 'claude_code')).length === 5, 3000);
    expect(ms).toBeLessThan(3000);
    const copy = (await apiRequests(server, 'claude_code')).find((e) => e.source === 'import' && e.request_id === 'req_011CY1DcMwHdEPXMf4hW4MxJ');
    expect(copy).toMatchObject({ tokens_in: 47, tokens_out: 173, cache_read_tokens: 26504, cache_write_tokens: 1115 });
    expect(copy.metadata.counted_elsewhere).toBe(true);

    const stats = await cost(server);
    expect(byAgent(stats, 'claude_code')).toMatchObject({ api_requests: 4, tokens_in: 54, tokens_out: 212, cache_read_tokens: 88231, cache_write_tokens: 17696 });
    expect(stats.folded_duplicates).toEqual({ import: 1 });
  });

  it('counts a response once when OTel reports it after the transcript', async () => {
    await sendOtel(server, 'claude-code', 'com.anthropic.claude_code.events', [claudeApiRequest('req_011CY1DV6ZcyGeWGTb4kSw2L')]);
    const stats = await cost(server);
    expect(byAgent(stats, 'claude_code')).toMatchObject({ api_requests: 4, tokens_out: 212 });
    expect(stats.folded_duplicates).toEqual({ import: 1, otlp: 1 });
  });

  it('reads Codex rollouts as they grow; a partial last line waits for its newline; OTel first counts once', async () => {
    mkdirSync(path.dirname(codexFile), { recursive: true });
    writeFileSync(codexFile, lines(ALPHA.slice(0, 2)));
    const first = await until('the first call', async () => (await apiRequests(server, 'codex')).length === 1, 3000);
    expect(first.ms).toBeLessThan(3000);
    expect((await apiRequests(server, 'codex'))[0]).toMatchObject({ session_id: THREAD, tokens_in: 750, cache_read_tokens: 250, tokens_out: 125, reasoning_tokens: 75 });
    await until('on the live stream', async () => streamed().some((e) => e.agent_type === 'codex'), 3000);

    // Half of the second call's line, without its newline: not read yet.
    const half = Math.floor(ALPHA[2].length / 2);
    appendFileSync(codexFile, ALPHA[2].slice(0, half));
    await sleep(2000);
    expect(await apiRequests(server, 'codex')).toHaveLength(1);

    // Live telemetry reports the second call first (its own figures: the delta of the totals).
    await sendOtel(server, 'codex_exec', 'codex_otel.log_only', [codexCompleted(2500, 500, 300, 200)]);
    expect(byAgent(await cost(server), 'codex').api_requests).toBe(2);

    appendFileSync(codexFile, ALPHA[2].slice(half) + '\n');
    const second = await until('the completed line', async () => (await apiRequests(server, 'codex')).length === 3, 3000);
    expect(second.ms).toBeLessThan(3000);
    const stats = await cost(server);
    expect(byAgent(stats, 'codex')).toMatchObject({ api_requests: 2, tokens_in: 2750, cache_read_tokens: 750, tokens_out: 425, reasoning_tokens: 275 });
    expect(stats.folded_duplicates).toEqual({ import: 2, otlp: 1 });
  });

  it('does not double count a truncated-then-rewritten transcript or a replaced rollout', async () => {
    const before = await cost(server);
    truncateSync(claudeFile, 0);
    await sleep(1500);
    // Rewritten with the same history and one new response at the end.
    writeFileSync(claudeFile, lines([...TOOL_HEAVY, turnEnd('2026-02-10T22:59:50.000Z'), extraResponse(), turnEnd('2026-02-10T23:05:10.000Z')]));
    await until('the new response', async () => byAgent(await cost(server), 'claude_code').api_requests === 5, 3000);

    // A rollout replaced by a new file (write and rename), with one more call.
    const more = JSON.parse(ALPHA[2]);
    more.timestamp = '2026-05-14T11:00:00.000Z';
    more.payload.info.total_token_usage = { input_tokens: 4500, cached_input_tokens: 1000, output_tokens: 525, reasoning_output_tokens: 300, total_tokens: 5025 };
    const tmp = `${codexFile}.tmp`;
    writeFileSync(tmp, lines([...ALPHA, JSON.stringify(more)]));
    renameSync(tmp, codexFile);
    await until('the new call', async () => byAgent(await cost(server), 'codex').api_requests === 3, 3000);
    await sleep(1500);

    const after = await cost(server);
    const claude = byAgent(after, 'claude_code');
    expect(claude).toMatchObject({ api_requests: 5, tokens_in: 54 + 5, tokens_out: 212 + 50 });
    expect(claude.cache_read_tokens).toBe(byAgent(before, 'claude_code').cache_read_tokens + 1000);
    expect(byAgent(after, 'codex')).toMatchObject({ api_requests: 3, tokens_in: 2750 + 750, tokens_out: 425 + 100 });
    expect(after.folded_duplicates).toEqual(before.folded_duplicates);
  });

  it("keeps what was imported when the agent deletes its history (Claude Code's purge)", async () => {
    const before = await cost(server);
    rmSync(path.dirname(claudeFile), { recursive: true });
    rmSync(codexFile);
    await sleep(2500);
    expect((await cost(server)).totals).toEqual(before.totals);
    expect((await server.get('/api/health')).status).toBe(200);
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });
});

describe('live history watching without inotify, and switched off', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.cleanup();
  });

  it('finds new folders by the walk and settles a quiet last response (poll only, short settle)', async () => {
    const home = makeTempDir();
    const config = path.join(home, 'agentstats.json');
    // No fs.watch at all: the fast poll and the walk must do (network and container mounts).
    writeFileSync(config, JSON.stringify({ receivers: { files: { poll_ms: 100, scan_seconds: 1, max_watched_dirs: 0, settle_minutes: 0.05 } } }));
    const claudeDir = path.join(home, 'claude-config');
    const server = await startTestServer({ dir: home, args: ['--config', config], env: { CLAUDE_CONFIG_DIR: claudeDir } });
    servers.push(server);
    // A subagent transcript in a session folder that did not exist: its one response is the
    // file's last, final only once the file has been quiet for settle_minutes (3 s here).
    const parent = '4d5611e5-241a-462a-8d15-5122611a9569';
    const file = path.join(claudeDir, 'projects', '-work-spotter', parent, 'subagents', 'agent-acompact-e1f845.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, readFileSync(path.join(FIXTURES, 'claude-transcripts', 'spotter-subagent-agent-acompact-e1f845.jsonl')));
    const { ms } = await until('the settled response', async () => (await apiRequests(server, 'claude_code')).length === 1, 9000);
    expect(ms).toBeGreaterThanOrEqual(2000); // not before the file was quiet
    const [e] = await apiRequests(server, 'claude_code');
    expect(e).toMatchObject({ session_id: `${parent}/agent-acompact-e1f845`, parent_session_id: parent, tokens_in: 3, tokens_out: 8, cache_read_tokens: 164830, cache_write_tokens: 8681 });
  });

  it('watches a new folder at the cap on watched folders, in place of the one written longest ago', async () => {
    const home = makeTempDir();
    const config = path.join(home, 'agentstats.json');
    // Two watches: the root and one project. The walk is too rare to help within the test.
    writeFileSync(config, JSON.stringify({ receivers: { files: { max_watched_dirs: 2, scan_seconds: 600 } } }));
    const claudeDir = path.join(home, 'claude-config');
    const old = path.join(claudeDir, 'projects', '-work-old', 'old.jsonl');
    mkdirSync(path.dirname(old), { recursive: true });
    writeFileSync(old, '');
    const server = await startTestServer({ dir: home, args: ['--config', config], env: { CLAUDE_CONFIG_DIR: claudeDir } });
    servers.push(server);
    await sleep(1000);
    const file = path.join(claudeDir, 'projects', '-work-spotter', `${SESSION}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    await sleep(300);
    writeFileSync(file, lines([...TOOL_HEAVY, turnEnd('2026-02-10T22:59:50.000Z')]));
    const { ms } = await until('four responses', async () => (await apiRequests(server, 'claude_code')).length === 4, 3000);
    expect(ms).toBeLessThan(3000);
  });

  it('AGENTSTATS_WATCH_HISTORY=0 imports once at start and does not follow the folders', async () => {
    const home = makeTempDir();
    const claudeDir = path.join(home, 'claude-config');
    const server = await startTestServer({ dir: home, env: { CLAUDE_CONFIG_DIR: claudeDir, AGENTSTATS_WATCH_HISTORY: '0' } });
    servers.push(server);
    const file = path.join(claudeDir, 'projects', '-work-spotter', `${SESSION}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, lines([...TOOL_HEAVY, turnEnd('2026-02-10T22:59:50.000Z')]));
    await sleep(3000);
    expect(await apiRequests(server, 'claude_code')).toHaveLength(0);
  });
});
