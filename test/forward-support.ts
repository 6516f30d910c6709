/**
 * What the forwarding tests share: a free loopback port, a server started on a known port again
 * after a SIGKILL, one "round" of mixed events from all three agents through the real ingest paths
 * (OTLP from the OpenTelemetry JS SDK's exporter, hook posts, native events), and the totals two
 * instances must agree on.
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ROOT, startTestServer, type TestServer } from './helpers/server.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Kills a server with SIGKILL (no shutdown at all) and waits until it is gone. */
export async function killHard(server: TestServer): Promise<void> {
  process.kill(server.pid, 'SIGKILL');
  for (;;) {
    try {
      process.kill(server.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a server again on its database, port and environment (after killHard). */
export function startAgain(server: TestServer): Promise<TestServer> {
  return startTestServer({ env: { ...server.env, AGENTSTATS_PORT: String(server.port) }, dir: server.dir, port: server.port });
}

function hookFixture(agent: string): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', `${agent}.json`), 'utf8'));
}

function sdkRecords(round: number) {
  const memory = new InMemoryLogRecordExporter();
  const claude = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.1.331' }),
    processors: [new SimpleLogRecordProcessor(memory)],
  });
  const gemini = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gemini-cli', 'service.version': '0.20.0' }),
    processors: [new SimpleLogRecordProcessor(memory)],
  });
  const c = claude.getLogger('com.anthropic.claude_code.events');
  const sid = `fwd-claude-${round}`;
  const common = { 'session.id': sid, 'prompt.id': `${sid}-p` };
  c.emit({ body: 'claude_code.user_prompt', attributes: { ...common, 'event.name': 'user_prompt', prompt_length: '5', prompt: 'hello' } });
  c.emit({
    body: 'claude_code.api_request',
    attributes: {
      ...common,
      'event.name': 'api_request',
      model: 'claude-sonnet-4-6',
      input_tokens: 100 + round,
      output_tokens: 50,
      cache_read_tokens: 1000,
      cache_creation_tokens: 200,
      cost_usd: 0.0125,
      duration_ms: 1500,
      request_id: `req-${sid}`,
    },
  });
  c.emit({ body: 'claude_code.tool_result', attributes: { ...common, 'event.name': 'tool_result', tool_name: 'Bash', tool_use_id: `${sid}-t`, success: 'true', duration_ms: '40' } });
  const g = gemini.getLogger('gemini-cli');
  g.emit({
    body: 'gemini_cli.api_response',
    attributes: {
      'event.name': 'gemini_cli.api_response',
      'session.id': `fwd-gemini-${round}`,
      model: 'gemini-2.5-pro',
      input_token_count: 2000,
      output_token_count: 300 + round,
      cached_content_token_count: 500,
      duration_ms: 900,
    },
  });
  return memory.getFinishedLogRecords();
}

/** One round of mixed events into `server`: OTLP (SDK exporter), hooks of all three agents, native. */
export async function seedRound(server: TestServer, round: number): Promise<void> {
  const exporter = new OTLPLogExporter({ url: `${server.url}/v1/logs` });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(sdkRecords(round), resolve));
  await exporter.shutdown();
  if (result.code !== 0) throw new Error(`OTLP export failed: ${result.error?.message}`);
  for (const agent of ['claude-code', 'codex', 'gemini-cli']) {
    for (const body of hookFixture(agent)) {
      const res = await server.post(`/api/hooks/${agent}`, { ...body, session_id: `${String(body.session_id)}-fwd-${round}` });
      if (res.status !== 200) throw new Error(`hook post ${agent}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  const native = [
    { session_id: `fwd-codex-${round}`, agent_type: 'codex', event_type: 'api_request', model: 'gpt-5', tokens_in: 1000, tokens_out: 200 + round, reasoning_tokens: 50, request_id: `cx-${round}` },
    // An unknown model: unpriced on the sender, and stays unpriced on the receiver.
    { session_id: `fwd-codex-${round}`, agent_type: 'codex', event_type: 'api_request', model: 'house-model-x', tokens_in: 10, tokens_out: 5 },
  ];
  const res = await server.post('/api/events/batch', { events: native });
  if (res.status !== 200) throw new Error(`native batch: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The figures two instances must agree on. */
export async function totals(server: TestServer, headers: Record<string, string> = {}) {
  const stats = (await server.get('/api/stats', headers)).body;
  const health = (await server.get('/api/health', headers)).body;
  return {
    events: health.events,
    total_events: stats.total_events,
    total_sessions: stats.total_sessions,
    tokens: stats.tokens,
    total_tokens: stats.total_tokens,
    total_cost_usd: stats.total_cost_usd,
    unpriced_tokens: stats.unpriced_tokens,
    api_requests: stats.api_requests,
    events_by_agent: stats.events_by_agent,
    events_by_source: stats.events_by_source,
    events_by_type: stats.events_by_type,
    folded_duplicates: stats.folded_duplicates,
  };
}

/** Every stored event id, oldest first (paging the events API). */
export async function eventIds(server: TestServer, headers: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: { body: { events: Array<{ event_id: string }>; next_cursor: string | null } } = await server.get(
      `/api/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      headers,
    );
    ids.push(...page.body.events.map((e) => e.event_id));
    cursor = page.body.next_cursor;
    if (!cursor || page.body.events.length === 0) break;
  }
  return ids.sort();
}
