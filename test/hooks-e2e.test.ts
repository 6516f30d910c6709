/**
 * End to end: install each agent's hooks into a temporary HOME pointing at a running server, fire
 * every hook event of each agent (real-shaped inputs) through the INSTALLED handlers as the agent
 * would (command handlers via `sh -c` with stdin, Claude's http handlers as POSTs), then read the
 * canonical events, session lifecycle, tool durations and counts back through the API.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT, startTestServer, type TestServer } from './helpers/server.js';
// @ts-expect-error plain ESM helper without types
import { fire } from '../hooks/lib/simulate.mjs';

type Agent = 'claude-code' | 'codex' | 'gemini-cli';
const SETTINGS: Record<Agent, string> = {
  'claude-code': '.claude/settings.json',
  codex: '.codex/hooks.json',
  'gemini-cli': '.gemini/settings.json',
};

function fixture(agent: Agent): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(path.join(ROOT, 'receivers', 'hooks', 'testdata', `${agent}.json`), 'utf8'));
}

let server: TestServer;
let home: string;
let env: Record<string, string>;
const fired: Array<{ agent: Agent; event: string; result: any }> = [];

/** Installs the agent's hooks, then fires its fixture (optionally under another session id). */
async function runAgent(agent: Agent, installArgs: string[] = [], sessionSuffix = '') {
  const installed = spawnSync('bash', [path.join(ROOT, 'hooks', agent, 'install.sh'), ...installArgs], { env, encoding: 'utf8' });
  expect(installed.status, installed.stderr).toBe(0);
  const settings = path.join(home, SETTINGS[agent]);
  for (const body of fixture(agent)) {
    const event = String(body.hook_event_name);
    const raw = JSON.stringify({ ...body, session_id: `${String(body.session_id)}${sessionSuffix}` });
    const results = await fire(settings, event, raw, env, 'SessionStart');
    expect(results.length, `${agent} ${event} has a handler`).toBeGreaterThan(0);
    for (const result of results) fired.push({ agent, event, result });
    await delivered();
  }
}

/**
 * Claude Code's hook returns once the event is on disk and delivers it in the background: wait for
 * that, as the agent's own pace would (the events here are fired back to back, and a later event
 * overtaking an earlier one would change their order by arrival time).
 */
async function delivered() {
  const dir = env.AGENTSTATS_SPOOL_PATH.replace(/\.jsonl$/, '.d');
  for (let i = 0; i < 200 && existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('.')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const events = async (sessionId: string) =>
  (await server.get(`/api/events?session_id=${encodeURIComponent(sessionId)}&limit=1000`)).body.events.reverse();

beforeAll(async () => {
  server = await startTestServer({ env: { AGENTSTATS_LOG_LEVEL: 'info' } });
  home = makeTempDir('agentstats-hooks-home-');
  env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AGENTSTATS_URL: server.url,
    AGENTSTATS_SPOOL_PATH: path.join(home, 'spool.jsonl'),
  };
  await runAgent('claude-code', ['--transport', 'http']);
  await runAgent('claude-code', [], '-cmd');
  await runAgent('codex');
  await runAgent('gemini-cli');
  await settled();
}, 120_000);

/** Waits until no hook commit is under way (a post may be answered before its commit lands). */
async function settled() {
  for (let i = 0; i < 200 && (await server.get('/api/hooks/stats')).body.pending_commits > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

afterAll(async () => {
  await server?.cleanup();
});

describe('every installed hook answers the agent with nothing', () => {
  it('command hooks exit 0 and print nothing; http hooks get 200 with an empty body', () => {
    expect(fired.length).toBeGreaterThan(60);
    for (const { agent, event, result } of fired) {
      if (result.kind === 'command') expect([agent, event, result.code, result.stdout, result.stderr]).toEqual([agent, event, 0, '', '']);
      else expect([agent, event, result.status, result.body]).toEqual([agent, event, 200, '']);
    }
    expect(fired.some((f) => f.result.kind === 'http')).toBe(true);
  });

  it('stored every body: nothing was spooled, nothing rejected', async () => {
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.rejected).toEqual({});
    expect(stats.spooled_by_server).toBe(0);
    expect(stats.skipped).toEqual({
      gemini_after_model_chunk: 3,
      gemini_before_model: 2,
      gemini_before_tool_selection: 1,
      gemini_precompress_auto: 2,
    });
  });
});

describe.each([
  ['http handlers (--transport http)', 'cc-6f0c2d1e-4b7a-4c1e-9a55-0f2d3c4b5a69'],
  ['the default command handlers', 'cc-6f0c2d1e-4b7a-4c1e-9a55-0f2d3c4b5a69-cmd'],
])('Claude Code through %s', (_label, sid) => {
  it('produces the canonical events and an ended session with its subagent child', async () => {
    const list = await events(sid);
    expect(list.map((e: any) => e.event_type)).toEqual([
      'session_start', 'user_prompt', 'tool_start', 'tool_use', 'tool_start', 'tool_use', 'permission_request',
      'notification', 'tool_start', 'tool_use', 'compact', 'post_compact', 'stop', 'stop', 'session_end',
    ]);
    const detail = (await server.get(`/api/sessions/${encodeURIComponent(sid)}`)).body;
    expect(detail.session).toMatchObject({ status: 'ended', end_reason: 'other', agent_type: 'claude_code', project: 'acme' });
    expect(detail.session.tool_count).toBe(3);
    expect(detail.session.error_count).toBe(2); // the failed Edit and the StopFailure
    expect(detail.children.map((c: any) => c.session_id)).toEqual([`${sid}/agent-a7f3e21`]);
    const tools = list.filter((e: any) => e.event_type === 'tool_use');
    expect(tools.map((e: any) => [e.tool_name, e.status, e.duration_ms])).toEqual([
      ['Bash', 'success', 1234],
      ['Edit', 'error', 12],
      ['Grep', 'success', 40],
    ]);
  });
});

describe('Codex', () => {
  const sid = 'cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d';
  it('produces the canonical events, a paired tool duration and an ended session', async () => {
    const list = await events(sid);
    expect(list.map((e: any) => e.event_type)).toEqual([
      'session_start', 'user_prompt', 'tool_start', 'tool_use', 'permission_request', 'compact', 'stop', 'stop', 'session_end',
    ]);
    const tool = list.find((e: any) => e.event_type === 'tool_use');
    expect(tool).toMatchObject({ tool_name: 'Bash', tool_use_id: 'call_0uA9xY7hello', status: 'success', model: 'gpt-5.1-codex' });
    // Measured between the two hook calls: positive and plausible.
    expect(tool.duration_ms).toBeGreaterThan(0);
    expect(tool.duration_ms).toBeLessThan(30_000);
    expect(tool.metadata.duration_source).toBe('hook_pair');
    const detail = (await server.get(`/api/sessions/${sid}`)).body;
    expect(detail.session).toMatchObject({ status: 'ended', agent_type: 'codex', models: ['gpt-5.1-codex'] });
    expect(detail.children).toHaveLength(1);
  });
});

describe('Gemini CLI', () => {
  const sid = 'gm-3c1d9a40-2f7e-4d8b-a6c5-1e2f3a4b5c6d';
  it('stores lifecycle, prompt and tools, folding the per-chunk chatter into the turn', async () => {
    const list = await events(sid);
    expect(list.map((e: any) => e.event_type)).toEqual([
      'session_start', 'user_prompt', 'tool_start', 'tool_use', 'tool_start', 'tool_use', 'notification', 'stop', 'compact', 'session_end',
    ]);
    const tools = list.filter((e: any) => e.event_type === 'tool_use');
    expect(tools.map((e: any) => [e.tool_name, e.status, e.duration_ms])).toEqual([
      ['run_shell_command', 'success', 850],
      ['read_file', 'error', 25],
    ]);
    expect(list.find((e: any) => e.event_type === 'stop').metadata.turn).toEqual({
      model_calls: 2, streamed_chunks: 3, tool_selections: 1, compress_checks: 2,
    });
    expect((await server.get(`/api/sessions/${sid}`)).body.session).toMatchObject({ status: 'ended', end_reason: 'exit' });
  });
});

describe('stats and privacy', () => {
  it('counts each tool call once with its duration percentiles', async () => {
    const stats = (await server.get('/api/stats')).body;
    const tool = (name: string) => stats.tools.find((t: any) => t.tool_name === name);
    expect(tool('Bash')).toMatchObject({ calls: 3, errors: 0 }); // two Claude sessions + Codex
    expect(tool('Edit')).toMatchObject({ calls: 2, errors: 2 });
    expect(tool('run_shell_command').calls).toBe(1);
    expect(tool('Bash').p50_ms).toBeGreaterThan(0);
    expect(stats.events_by_type.tool_start).toBe(9); // 3 + 3 Claude, 1 Codex, 2 Gemini
    expect(stats.ended_sessions).toBe(4);
  });

  it('never stores or logs prompt text, tool input text or tool output', async () => {
    const all = JSON.stringify((await server.get('/api/events?limit=1000')).body);
    expect(all).not.toContain('hunter2');
    expect(server.output()).not.toContain('hunter2');
  });
});
