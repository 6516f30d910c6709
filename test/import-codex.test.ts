/**
 * Codex rollouts through `npm run import` into a running server, checked against hand-computed
 * totals. Codex input includes cached input and output includes reasoning; the canonical event has
 * tokens_in = input − cached and tokens_out = output (reasoning_tokens says how much of it).
 */
import { appendFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { costTotals, layoutCodex, OLD, runImportCli } from './import-fixtures.js';

/*
 * ccusage-session-alpha: two token_count events, total_token_usage cumulative:
 *   #1 total in 1000 (250 cached), out 125 (75 reasoning)            → delta = total
 *      → tokens_in 750, cache_read 250, out 125, reasoning 75, model gpt-5.2-codex
 *   #2 total in 3500 (750 cached), out 425 (275 reasoning)           → delta in 2500 (500 cached),
 *      out 300 (200 reasoning) → tokens_in 2000, cache_read 500, out 300, reasoning 200,
 *      model gpt-5.3-codex (the event's own info.model wins over turn_context)
 * branch-history parent: total in 1000 (100 cached), out 200 (20 reasoning)
 *      → tokens_in 900, cache_read 100, out 200, reasoning 20
 * branch-history fork: replays the parent's snapshot (same time, same totals: a duplicate, dropped),
 *      then total in 1600 (300 cached), out 450 (40 reasoning) → delta in 600 (200 cached), out 250
 *      (20 reasoning) → tokens_in 400, cache_read 200, out 250, reasoning 20
 * Totals: 4 requests; tokens_in 750+2000+900+400 = 4050, cache_read 250+500+100+200 = 1050,
 *      out 125+300+200+250 = 875, reasoning 75+200+20+20 = 315. (Counting the replay again would
 *      add 900 / 100 / 200; adding cached to input would add 1050.)
 * Cost (gpt-5.2 / 5.2-codex / 5.3-codex: $1.75 in, $0.175 cached, $14 out per MTok):
 *      (4050×1.75 + 1050×0.175 + 875×14) / 1e6 = (7087.5 + 183.75 + 12250) / 1e6 = 0.01952125
 * daaain rollouts: no token_count; tools exec_command, apply_patch, mcp__synthetic__lookup and
 *      spawn_agent, each with its output → 4 tool_use events. The legacy rollout has no tools.
 */
describe('importing Codex rollouts', () => {
  let server: TestServer;
  let sessions: string;

  beforeAll(async () => {
    server = await startTestServer();
    sessions = path.join(server.dir, 'codex-home', 'sessions');
    layoutCodex(sessions);
  });
  afterAll(async () => server?.cleanup());

  it('imports the fixtures to the hand-computed totals, the fork counted once', async () => {
    // CODEX_HOME decides the default location: no --path needed.
    const run = await runImportCli(server, ['--source', 'codex'], { CODEX_HOME: path.dirname(sessions) });
    expect(run.summary.files_found).toBe(6);
    expect(run.summary.duplicates).toBe(1); // the fork's copy of its parent's usage

    const stats = await costTotals(server);
    const codex = stats.by_agent.find((a: any) => a.agent_type === 'codex');
    expect(codex.api_requests).toBe(4);
    expect(codex.tokens_in).toBe(4050);
    expect(codex.cache_read_tokens).toBe(1050);
    expect(codex.tokens_out).toBe(875);
    expect(codex.reasoning_tokens).toBe(315);
    expect(codex.cache_write_tokens).toBe(0);
    expect(codex.cost_usd).toBeCloseTo(0.01952125, 6); // the API rounds to micro-dollars
    expect(codex.events).toBe(8);
    // Tool events carry no model: they sit under '' so the breakdown adds up to the total.
    const models = Object.fromEntries(stats.by_model.filter((m: any) => m.model !== '').map((m: any) => [m.model, m.api_requests]));
    expect(stats.by_model.find((m: any) => m.model === '')).toMatchObject({ api_requests: 0, cost_usd: 0 });
    expect(models).toEqual({ 'gpt-5.2-codex': 1, 'gpt-5.3-codex': 1, 'gpt-5.2': 2 });

    const { body: fork } = await server.get('/api/sessions/ccusage-branch-history-2026-05-12T08-02-00-branch');
    expect(fork.session.tokens_in).toBe(400);
    expect(fork.session.api_request_count).toBe(1);
    const usage = fork.events.find((e: any) => e.event_type === 'api_request');
    // The fork's own call: the delta 1600−1000 input, 300−100 cached, 450−200 output, 40−20 reasoning.
    expect(usage.correlation_key).toBe('codex-call:ccusage-branch-history-2026-05-12T08-02-00-branch:600:200:250:20');

    const { body: tools } = await server.get('/api/sessions/11111111-1111-4111-8111-111111111111');
    expect(tools.session.project).toBe('synthetic-project');
    expect(tools.events.map((e: any) => e.tool_name).sort()).toEqual(['apply_patch', 'exec_command', 'mcp__synthetic__lookup']);
    expect(tools.events.every((e: any) => e.status === 'success' && e.duration_ms === 1000)).toBe(true);
  });

  it('changes nothing when imported again, and picks up appended lines', async () => {
    const before = await costTotals(server);
    const again = await runImportCli(server, ['--source', 'codex', '--path', sessions]);
    expect(again.summary.files_unchanged).toBe(6);
    expect((await costTotals(server)).totals).toEqual(before.totals);

    // Codex appends to a rollout on resume: the new snapshot adds only its delta.
    const alpha = path.join(sessions, '2026/05/13/ccusage-session-alpha.jsonl');
    appendFileSync(
      alpha,
      JSON.stringify({
        timestamp: '2026-05-14T11:00:00.000Z',
        type: 'event_msg',
        payload: {
          type: 'token_count',
          info: { total_token_usage: { input_tokens: 4000, cached_input_tokens: 1000, output_tokens: 500, reasoning_output_tokens: 300, total_tokens: 4500 } },
        },
      }) + '\n',
    );
    utimesSync(alpha, OLD, new Date(OLD.getTime() + 60_000));
    const appended = await runImportCli(server, ['--source', 'codex', '--path', sessions]);
    expect(appended.summary.files_read).toBe(1);
    expect(appended.summary.stored).toBe(1);
    const after = await costTotals(server);
    // delta: in 500 (250 cached) → tokens_in 250, cache_read 250; out 75 (25 reasoning)
    expect(after.totals.tokens_in - before.totals.tokens_in).toBe(250);
    expect(after.totals.cache_read_tokens - before.totals.cache_read_tokens).toBe(250);
    expect(after.totals.tokens_out - before.totals.tokens_out).toBe(75);
    expect(after.totals.reasoning_tokens - before.totals.reasoning_tokens).toBe(25);
  });
});

describe('importing with --since', () => {
  let server: TestServer;
  let sessions: string;
  beforeAll(async () => {
    server = await startTestServer();
    sessions = path.join(server.dir, 'sessions');
    layoutCodex(sessions);
  });
  afterAll(async () => server?.cleanup());

  it('imports only newer events, and a later full import still completes the history', async () => {
    // Local midnight of 2026-01-03 in the CLI's zone (pinned to UTC): the three tool calls of
    // 2026-01-02 are filtered; the spawn_agent call of 2026-01-03 and all usage (May) are kept.
    const since = await runImportCli(server, ['--source', 'codex', '--path', sessions, '--since', '2026-01-03'], { TZ: 'UTC' });
    expect(since.summary.filtered).toBe(3);
    expect(since.summary.stored).toBe(4 + 1);
    const partial = await costTotals(server);
    expect(partial.totals.api_requests).toBe(4);
    expect(partial.totals.events).toBe(5);

    // A filtered run keeps no per-file bookkeeping: the full run reads every file again.
    const full = await runImportCli(server, ['--source', 'codex', '--path', sessions]);
    expect(full.summary.files_read).toBe(6);
    expect(full.summary.stored).toBe(3);
    const complete = await costTotals(server);
    expect(complete.totals.events).toBe(8);
    expect(complete.totals.tokens_in).toBe(4050);
  });

  it('rejects a bad --since with a usage error', async () => {
    await expect(runImportCli(server, ['--source', 'codex', '--since', 'last tuesday'])).rejects.toThrow(/--since must be/);
  });
});
