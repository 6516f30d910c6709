/**
 * One count per request across sources: Claude Code reports an API call live (OTel api_request,
 * request_id) and its transcript holds the same call (requestId). Whichever arrives first is
 * counted; the other is stored, marked, and folded into the dedupe audit of /api/stats/cost.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { costTotals, FIXTURES, place, runImportCli } from './import-fixtures.js';

describe('an API request seen live and in the transcript', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.cleanup());

  it('counts once when the live event comes first (native event shaped like the OTel one)', async () => {
    // tool_heavy's last response, as Claude Code's OTel api_request would report it.
    const live = await server.post('/api/events', {
      event_id: 'otel-1',
      source: 'otlp',
      session_id: 'd6e0bada-1959-4eec-a9d2-0bfade768d8f',
      agent_type: 'claude_code',
      event_type: 'api_request',
      model: 'claude-opus-4-6',
      tokens_in: 47,
      tokens_out: 173,
      cache_read_tokens: 26504,
      cache_write_tokens: 1115,
      cost_usd: 0.03,
      request_id: 'req_011CY1DcMwHdEPXMf4hW4MxJ',
      correlation_key: 'api:req_011CY1DcMwHdEPXMf4hW4MxJ',
      client_timestamp: '2026-02-10T22:59:36.000Z',
    });
    expect(live.status).toBe(201);

    const projects = path.join(server.dir, 'projects');
    place(path.join(FIXTURES, 'claude-transcripts', 'spotter-tool_heavy.jsonl'), path.join(projects, 'p', 'tool_heavy.jsonl'));
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(run.summary.stored).toBe(4 + 6); // every transcript event is stored…
    expect(run.summary.folded).toBe(1); // …and the summary says one was already counted live

    const stats = await costTotals(server);
    expect(stats.totals.api_requests).toBe(4); // …but the shared request counts once
    expect(stats.totals.tokens_out).toBe(212);
    expect(stats.folded_duplicates).toEqual({ import: 1 });
    const bySource = Object.fromEntries(stats.by_source.map((s: any) => [s.source, s.api_requests]));
    expect(bySource).toEqual({ otlp: 1, import: 3 });
    // The counted copy is the live one, with Claude Code's reported cost: 0.03 + the other 3
    // responses as computed (0.2266455 for the file − 0.028962 for this response = 0.1976835).
    expect(stats.totals.cost_usd).toBeCloseTo(0.03 + 0.1976835, 6);
    const audit = stats.dedupe.find((d: any) => d.source === 'import');
    expect(audit).toMatchObject({ counted: 9, folded: 1, seen: 10 });
  });

  it('counts once when the transcript comes first and a real OTLP log follows', async () => {
    const projects = path.join(server.dir, 'projects-2');
    place(path.join(FIXTURES, 'claude-transcripts', 'spotter-short.jsonl'), path.join(projects, 'p', 'short.jsonl'));
    await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    const before = await costTotals(server);

    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
    const res = await server.post('/v1/logs', {
      resourceLogs: [
        {
          resource: { attributes: [attr('service.name', { stringValue: 'claude-code' })] },
          scopeLogs: [
            {
              scope: { name: 'com.anthropic.claude_code.events' },
              logRecords: [
                {
                  timeUnixNano: '1770760320000000000',
                  body: { stringValue: 'claude_code.api_request' },
                  attributes: [
                    attr('event.name', { stringValue: 'api_request' }),
                    attr('session.id', { stringValue: '55604662-cf2a-4331-851a-ec234028f8ca' }),
                    attr('model', { stringValue: 'claude-opus-4-6' }),
                    attr('input_tokens', { intValue: 3 }),
                    attr('output_tokens', { intValue: 13 }),
                    attr('cache_read_tokens', { intValue: 11515 }),
                    attr('cache_creation_tokens', { intValue: 13835 }),
                    attr('cost_usd', { doubleValue: 0.1444475 }),
                    attr('request_id', { stringValue: 'req_011CY15QS2LGwAeBxdfa6e1V' }),
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);

    const after = await costTotals(server);
    expect(after.totals.api_requests).toBe(before.totals.api_requests);
    expect(after.totals.tokens_in).toBe(before.totals.tokens_in);
    expect(after.totals.cost_usd).toBe(before.totals.cost_usd);
    expect(after.folded_duplicates).toEqual({ import: 1, otlp: 1 });
  });
});
