/**
 * Claude Code transcripts through `npm run import` into a running server, checked over HTTP against
 * totals worked out by hand from the fixtures (jq over the files, listed per response below).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { costTotals, layoutClaude, runImportCli, SUBAGENT_PARENT } from './import-fixtures.js';

/*
 * One api_request per API response (message.id), with the usage of its largest line:
 *   spotter-short            1 response  (5 lines):  in 3,    out 13,   cache write 13835, read 11515
 *   spotter-tool_heavy       4 responses (9 lines):  in 3+1+3+47 = 54, out 27+1+11+173 = 212
 *                            (msg …5jdsym is split over 2 lines: output 25, then the final 173),
 *                            write 7883+208+8490+1115 = 17696, read 17915+25798+18014+26504 = 88231
 *   spotter-subagent-session 12 responses (28 lines): in 1576, out 1586, write 25842, read 427286
 *                            (out = 10+8+25+8+472+589+1+22+406+25+19+1; 472 and 589 are final lines)
 *   subagents/agent-acompact 1 response:             in 3,    out 8,    write 8681 (5m), read 164830
 *   ccusage alpha            3 responses:            in 600,  out 250,  write 75,  read 70, costUSD 1.02
 *   ccusage beta             2 responses:            in 130,  out 60,   write 15,  read 40, costUSD 0.07
 * Totals: 23 requests; in 2366, out 2129, cache write 66144, cache read 691972.
 * Cost: the spotter files are claude-opus-4-6 ($5 in, $25 out, $0.50 read, $6.25 5m / $10 1h write
 * per MTok), their writes all 1h except the compaction agent's (5m):
 *   short 0.1444475 + tool_heavy 0.2266455 + subagent-session 0.519593 + agent 0.13688625
 *   + reported 1.02 + 0.07 = 2.11757225 USD.
 * Tool calls: tool_use blocks with their tool_result: 2 (short, both is_error) + 6 + 16 = 24.
 */
const EXPECTED = {
  api_requests: 23,
  tokens_in: 2366,
  tokens_out: 2129,
  cache_write_tokens: 66144,
  cache_read_tokens: 691972,
  cost_usd: 2.117572,
  tools: 24,
  tool_errors: 2,
};

describe('importing Claude Code transcripts', () => {
  let server: TestServer;
  let projects: string;

  beforeAll(async () => {
    server = await startTestServer();
    projects = path.join(server.dir, 'claude', 'projects');
    layoutClaude(projects);
  });
  afterAll(async () => server?.cleanup());

  it('imports the fixtures to the hand-computed totals', async () => {
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(run.summary.files_found).toBe(6);
    expect(run.summary.malformed).toBe(0);
    expect(run.stderr).toContain('cleanupPeriodDays'); // HOME has no settings.json: the 30-day default

    const stats = await costTotals(server);
    const claude = stats.by_agent.find((a: any) => a.agent_type === 'claude_code');
    expect(claude.api_requests).toBe(EXPECTED.api_requests);
    expect(claude.tokens_in).toBe(EXPECTED.tokens_in);
    expect(claude.tokens_out).toBe(EXPECTED.tokens_out);
    expect(claude.cache_write_tokens).toBe(EXPECTED.cache_write_tokens);
    expect(claude.cache_read_tokens).toBe(EXPECTED.cache_read_tokens);
    expect(claude.cost_usd).toBeCloseTo(EXPECTED.cost_usd, 6);
    expect(claude.unpriced_tokens).toBe(0);
    expect(claude.events).toBe(EXPECTED.api_requests + EXPECTED.tools);
    expect(claude.errors).toBe(EXPECTED.tool_errors);
    expect(stats.by_source.find((s: any) => s.source === 'import').events).toBe(EXPECTED.api_requests + EXPECTED.tools);
    expect(stats.by_branch.find((b: any) => b.branch === 'master').api_requests).toBe(17); // 1 + 4 + 12
  });

  it('keeps the final usage of the split-line response', async () => {
    const { body: session } = await server.get('/api/sessions/d6e0bada-1959-4eec-a9d2-0bfade768d8f?events=100');
    const split = session.events.find((e: any) => e.request_id === 'req_011CY1DcMwHdEPXMf4hW4MxJ');
    expect(split.tokens_out).toBe(173);
    expect(split.event_id).toBe('claude:msg:msg_019BN3FRqb7NU4DgBN5jdsym');
    expect(split.correlation_key).toBe('api:req_011CY1DcMwHdEPXMf4hW4MxJ');
    expect(split.cost_source).toBe('computed');
    expect(split.metadata.cache_creation_1h_tokens).toBe(1115);
    expect(session.session.project).toBe('spotter');
    expect(session.session.branch).toBe('master');
    expect(session.session.api_request_count).toBe(4);
    expect(session.session.tool_count).toBe(6);
  });

  it('attributes the subagent file to its parent session', async () => {
    const { body } = await server.get('/api/sessions?limit=100');
    const child = body.sessions.find((s: any) => s.session_id === `${SUBAGENT_PARENT}/agent-acompact-e1f845`);
    expect(child).toBeDefined();
    expect(child.parent_session_id).toBe(SUBAGENT_PARENT);
    expect(child.api_request_count).toBe(1);
    expect(child.cache_read_tokens).toBe(164830);
    expect(child.cost_usd).toBeCloseTo(0.13688625, 6); // the API shows session costs to the micro-dollar
  });

  it('changes nothing when the same history is imported again', async () => {
    const before = await costTotals(server);
    const again = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(again.summary.files_unchanged).toBe(6);
    expect(again.summary.files_read).toBe(0);

    // The same files under another path are read in full; every event is a duplicate by its id.
    const copy = path.join(server.dir, 'copy', 'projects');
    layoutClaude(copy);
    const copied = await runImportCli(server, ['--source', 'claude-code', '--path', copy]);
    expect(copied.summary.files_read).toBe(6);
    expect(copied.summary.stored).toBe(0);
    expect(copied.summary.duplicates).toBe(EXPECTED.api_requests + EXPECTED.tools);

    const after = await costTotals(server);
    expect(after.totals).toEqual(before.totals);
    expect(after.by_model).toEqual(before.by_model);
    expect(after.by_source).toEqual(before.by_source);
    expect(after.timeline).toEqual(before.timeline);
  });

  it('warns about Claude Code deleting transcripts unless the settings keep them', async () => {
    const home = path.join(server.dir, 'home-keep');
    mkdirSync(path.join(home, '.claude'), { recursive: true });
    const empty = path.join(server.dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ cleanupPeriodDays: 7 }));
    const short = await runImportCli(server, ['--source', 'claude-code', '--path', empty], { HOME: home });
    expect(short.stderr).toContain('older than 7 days');
    expect(short.stderr).toContain('"cleanupPeriodDays": 36500');
    writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify({ cleanupPeriodDays: 36500 }));
    const kept = await runImportCli(server, ['--source', 'claude-code', '--path', empty], { HOME: home });
    expect(kept.stderr).not.toContain('cleanupPeriodDays');
    const codexOnly = await runImportCli(server, ['--source', 'codex', '--path', empty]);
    expect(codexOnly.stderr).not.toContain('cleanupPeriodDays');
  });

  it('counts malformed lines, skips <synthetic> messages and keeps going', async () => {
    const dir = path.join(server.dir, 'odd', 'projects', '-tmp-odd');
    mkdirSync(dir, { recursive: true });
    const line = (id: string, model: string, out: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 'odd-session',
        cwd: '/tmp/odd',
        timestamp: '2026-02-20T10:00:00.000Z',
        requestId: `req_${id}`,
        message: { id: `msg_${id}`, model, usage: { input_tokens: 10, output_tokens: out } },
      });
    writeFileSync(
      path.join(dir, 'odd-session.jsonl'),
      [line('odd1', 'claude-haiku-4-5', 5), '{"type":"assistant", truncated', 'not json at all', line('odd2', '<synthetic>', 0), line('odd3', 'claude-haiku-4-5', 7), ''].join('\n'),
    );
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', path.dirname(dir), '--settle', '0']);
    expect(run.summary.malformed).toBe(2);
    expect(run.summary.skipped).toBe(1);
    expect(run.summary.stored).toBe(2);
    const { body } = await server.get('/api/sessions/odd-session');
    expect(body.session.api_request_count).toBe(2);
    expect(body.session.tokens_out).toBe(12);
    expect(body.session.models).toEqual(['claude-haiku-4-5']);
  });
});
