/**
 * One tool call (or prompt) seen by a hook and by the agent's OpenTelemetry log counts once: both
 * carry the same correlation key (collector/core/correlation.ts) and the store counts the first
 * sighting only. The OTel side is a real OTLP/JSON request to /v1/logs, shaped as Claude Code
 * 2.1.331 and Codex 0.169.0 send it; the order of arrival does not matter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.cleanup();
});

type Attr = { key: string; value: Record<string, unknown> };
const s = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });

function otlpLogs(service: string, scope: string, records: Array<{ attrs: Attr[]; body?: string; time: number }>) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [s('service.name', service)] },
        scopeLogs: [
          {
            scope: { name: scope },
            logRecords: records.map((r) => ({
              timeUnixNano: String(r.time * 1e6),
              observedTimeUnixNano: String(r.time * 1e6),
              ...(r.body ? { body: { stringValue: r.body } } : {}),
              attributes: r.attrs,
            })),
          },
        ],
      },
    ],
  };
}

const hook = (agent: string, body: Record<string, unknown>) =>
  fetch(`${server.url}/api/hooks/${agent}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.status);

/** Waits until no hook commit is under way (a post may be answered before its commit lands). */
async function settled() {
  for (let i = 0; i < 200 && (await server.get('/api/hooks/stats')).body.pending_commits > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function stats() {
  return (await server.get('/api/stats')).body;
}
const calls = (st: any, tool: string) => st.tools.find((t: any) => t.tool_name === tool)?.calls ?? 0;

describe('hook and OTel see the same occurrence', () => {
  it('Claude Code: a tool call and a prompt by hook first, then OTel, count once', async () => {
    const sid = 'corr-claude-1';
    const now = Date.now();
    const base = { session_id: sid, transcript_path: '/t.jsonl', cwd: '/home/dev/acme' };
    expect(await hook('claude-code', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'hi', prompt_id: 'p-1' })).toBe(200);
    expect(
      await hook('claude-code', {
        ...base,
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_input: { command: 'ls' },
        tool_response: { stdout: '', stderr: '', interrupted: false },
        tool_use_id: 'toolu_corr_1',
        duration_ms: 30,
      }),
    ).toBe(200);
    await settled();

    const otel = otlpLogs('claude-code', 'com.anthropic.claude_code.events', [
      {
        time: now,
        body: 'claude_code.user_prompt',
        attrs: [s('event.name', 'user_prompt'), s('session.id', sid), s('prompt.id', 'p-1'), s('prompt_length', '2')],
      },
      {
        time: now + 1,
        body: 'claude_code.tool_result',
        attrs: [
          s('event.name', 'tool_result'),
          s('session.id', sid),
          s('prompt.id', 'p-1'),
          s('tool_name', 'Bash'),
          s('tool_use_id', 'toolu_corr_1'),
          s('success', 'true'),
          s('duration_ms', '31'),
        ],
      },
    ]);
    const res = await server.post('/v1/logs', otel);
    expect(res.status).toBe(200);

    const list = (await server.get(`/api/events?session_id=${sid}`)).body.events;
    expect(list.map((e: any) => `${e.source}:${e.event_type}`).sort()).toEqual([
      'hook:tool_use',
      'hook:user_prompt',
      'otlp:tool_use',
      'otlp:user_prompt',
    ]);
    // Both sightings are kept; the later one is marked as counted elsewhere.
    expect(list.filter((e: any) => e.metadata.counted_elsewhere).map((e: any) => e.source)).toEqual(['otlp', 'otlp']);
    const session = (await server.get(`/api/sessions/${sid}`)).body.session;
    // Four stored events, two counted: the folded sightings add nothing, event_count included.
    expect(session).toMatchObject({ tool_count: 1, prompt_count: 1, event_count: list.length - 2 });
    const st = await stats();
    expect(calls(st, 'Bash')).toBe(1);
    expect(st.folded_duplicates.otlp).toBe(2);
  });

  it('Codex: the OTel tool_result first, then the hook, counts once (call_id = tool_use_id)', async () => {
    const sid = 'corr-codex-1';
    const before = await stats();
    const now = Date.now();
    const otel = otlpLogs('codex_exec', 'codex_otel.log_only', [
      {
        time: now,
        attrs: [
          s('event.name', 'codex.tool_result'),
          s('conversation.id', sid),
          s('tool_name', 'exec_command'),
          s('call_id', 'call_corr_1'),
          s('success', 'true'),
          s('duration_ms', '40'),
        ],
      },
    ]);
    expect((await server.post('/v1/logs', otel)).status).toBe(200);
    const base = { session_id: sid, transcript_path: null, cwd: '/home/dev/api', model: 'gpt-5.1-codex', permission_mode: 'default', turn_id: 't1' };
    const toolInput = { command: 'ls' };
    expect(await hook('codex', { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: toolInput, tool_use_id: 'call_corr_1' })).toBe(200);
    expect(
      await hook('codex', { ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: toolInput, tool_response: 'x\n', tool_use_id: 'call_corr_1' }),
    ).toBe(200);
    await settled();

    const session = (await server.get(`/api/sessions/${sid}`)).body.session;
    expect(session.tool_count).toBe(1);
    const after = await stats();
    // OTel names the tool exec_command and came first: it holds the count; the hook's Bash is folded.
    expect(calls(after, 'exec_command') - calls(before, 'exec_command')).toBe(1);
    expect(calls(after, 'Bash') - calls(before, 'Bash')).toBe(0);
    expect(after.folded_duplicates.hook).toBe((before.folded_duplicates.hook ?? 0) + 1);
  });
});
