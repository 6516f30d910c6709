/**
 * One count per Codex model call across live telemetry and the rollout: OTel reports each call's
 * tokens (sse_event response.completed), the rollout the thread's cumulative total_token_usage,
 * whose delta is the call. Both key the call by codex-call:<thread>:<input>:<cached>:<output>:
 * <reasoning>, in either order, and a call that live telemetry missed does not shift the others.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { costTotals, FIXTURES, place, runImportCli } from './import-fixtures.js';

const attr = (key: string, value: Record<string, unknown>) => ({ key, value });

/** The two calls of ccusage-session-alpha.jsonl as Codex's OTel exporter reports them. */
function liveCalls(thread: string, which: number[] = [0, 1]) {
  const call = (at: string, input: number, cached: number, output: number, reasoning: number) => ({
    timeUnixNano: '0',
    observedTimeUnixNano: String(Date.parse(at) * 1e6),
    attributes: [
      attr('event.name', { stringValue: 'codex.sse_event' }),
      attr('event.kind', { stringValue: 'response.completed' }),
      attr('conversation.id', { stringValue: thread }),
      attr('model', { stringValue: 'gpt-5.2-codex' }),
      attr('input_token_count', { stringValue: String(input) }),
      attr('output_token_count', { stringValue: String(output) }),
      attr('cached_token_count', { intValue: cached }),
      attr('reasoning_token_count', { intValue: reasoning }),
      attr('tool_token_count', { stringValue: String(input + output) }),
    ],
  });
  return {
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', { stringValue: 'codex_exec' })] },
        scopeLogs: [
          {
            scope: { name: 'codex_otel.log_only' },
            logRecords: [
              call('2026-05-13T09:01:00.000Z', 1000, 250, 125, 75),
              call('2026-05-14T10:00:00.000Z', 2500, 500, 300, 200),
            ].filter((_, i) => which.includes(i)),
          },
        ],
      },
    ],
  };
}

async function importAlpha(server: TestServer, dirName: string): Promise<string> {
  const sessions = path.join(server.dir, dirName);
  place(path.join(FIXTURES, 'codex-rollouts', 'ccusage-session-alpha.jsonl'), path.join(sessions, '2026/05/13/ccusage-session-alpha.jsonl'));
  await runImportCli(server, ['--source', 'codex', '--path', sessions]);
  return sessions;
}

describe('a Codex model call seen live and in the rollout', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => server?.cleanup());

  it('counts once when the rollout is imported after the live telemetry', async () => {
    const res = await server.post('/v1/logs', liveCalls('ccusage-session-alpha'));
    expect(res.status).toBe(200);
    const live = await costTotals(server);
    expect(live.totals).toMatchObject({ api_requests: 2, tokens_in: 2750, cache_read_tokens: 750, tokens_out: 425, reasoning_tokens: 275 });

    await importAlpha(server, 'sessions');
    const after = await costTotals(server);
    expect(after.totals).toMatchObject({ api_requests: 2, tokens_in: 2750, cache_read_tokens: 750, tokens_out: 425 });
    expect(after.folded_duplicates).toEqual({ import: 2 });

    // A re-sent export is a duplicate and does not advance the running total.
    await server.post('/v1/logs', liveCalls('ccusage-session-alpha'));
    expect((await costTotals(server)).totals.api_requests).toBe(2);
  });

  it('counts once when the live telemetry arrives after the import', async () => {
    await importAlpha(server, 'sessions');
    const events = (await server.get('/api/events?agent_type=codex&event_type=api_request')).body.events;
    const thread = events[0].session_id;
    await server.post('/v1/logs', liveCalls(thread));
    const after = await costTotals(server);
    expect(after.totals).toMatchObject({ api_requests: 2, tokens_in: 2750, tokens_out: 425 });
    expect(after.folded_duplicates).toEqual({ otlp: 2 });
  });

  it('still counts once after live telemetry missed a call of the thread', async () => {
    // AgentStats was down for the first call: only the second arrives live.
    await server.post('/v1/logs', liveCalls('ccusage-session-alpha', [1]));
    await importAlpha(server, 'sessions');
    const after = await costTotals(server);
    expect(after.totals).toMatchObject({ api_requests: 2, tokens_in: 2750, cache_read_tokens: 750, tokens_out: 425 });
    expect(after.folded_duplicates).toEqual({ import: 1 });
  });
});
