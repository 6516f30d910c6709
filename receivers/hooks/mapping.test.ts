/**
 * The hook mapping on real-shaped inputs (testdata/), without a server: every event of every
 * agent, tool durations, correlation keys, chatty-event aggregation and what is never kept.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { promptKey, sessionBoundaryKey, toolCallKey } from '../../collector/core/correlation.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { HookIngestor, hookEventId } from './ingest.js';
import type { HookAgent } from './types.js';

function fixture(agent: HookAgent): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(new URL(`./testdata/${agent}.json`, import.meta.url), 'utf8'));
}

/** Runs a fixture through one ingestor, one body every `stepMs` of server time. */
function run(agent: HookAgent, opts: { storePrompts?: boolean; stepMs?: number } = {}) {
  const ingestor = new HookIngestor({ storePrompts: opts.storePrompts ?? false, now: () => new Date(), toolStarts: null });
  const start = Date.parse('2026-11-24T12:00:00Z');
  const events: CanonicalEvent[] = [];
  const skipped: string[] = [];
  fixture(agent).forEach((body, i) => {
    const prepared = ingestor.mapBody(agent, JSON.stringify(body), new Date(start + i * (opts.stepMs ?? 100)));
    if (prepared.kind === 'event') events.push(prepared.event);
    else if (prepared.kind === 'skip') skipped.push(prepared.reason);
    else throw new Error(`rejected ${prepared.reason}`);
  });
  return { events, skipped };
}

const byType = (events: CanonicalEvent[], type: string) => events.filter((e) => e.event_type === type);

describe('Claude Code hooks', () => {
  const { events } = run('claude-code');
  const sid = 'cc-6f0c2d1e-4b7a-4c1e-9a55-0f2d3c4b5a69';

  it('keeps a notification message only as its length unless prompts are stored', () => {
    const [note] = byType(events, 'notification');
    expect(note.metadata.message).toBeUndefined();
    expect(note.metadata.message_length).toBeGreaterThan(0);
    const [stored] = byType(run('claude-code', { storePrompts: true }).events, 'notification');
    expect(typeof stored.metadata.message).toBe('string');
  });

  it('maps every event, in order, to its canonical type', () => {
    expect(events.map((e) => e.event_type)).toEqual([
      'session_start',
      'user_prompt',
      'tool_start',
      'tool_use',
      'tool_start',
      'tool_use',
      'permission_request',
      'notification',
      'subagent_start',
      'tool_start',
      'tool_use',
      'subagent_stop',
      'compact',
      'post_compact',
      'stop',
      'stop',
      'session_end',
    ]);
    for (const e of events) {
      expect(e.agent_type).toBe('claude_code');
      expect(e.source).toBe('hook');
      expect(e.project).toBe('acme');
      expect(e.cwd).toBe('/home/dev/acme');
    }
  });

  it('keeps tool name, status, tool_use_id, duration and the shared correlation key', () => {
    const [bash, edit, grep] = byType(events, 'tool_use');
    expect(bash).toMatchObject({ tool_name: 'Bash', status: 'success', tool_use_id: 'toolu_01AbcBash', duration_ms: 1234 });
    expect(bash.correlation_key).toBe(toolCallKey(sid, 'toolu_01AbcBash'));
    expect(edit).toMatchObject({ tool_name: 'Edit', status: 'error', duration_ms: 12 });
    expect(grep.metadata.subagent_id).toBe('a7f3e21');
    expect(grep.session_id).toBe(sid);
    // The start of a call is not a call: no correlation key, so it never claims the call's key.
    for (const start of byType(events, 'tool_start')) expect(start.correlation_key).toBeNull();
  });

  it('records prompts by length with the prompt key, session start source and end reason', () => {
    const [prompt] = byType(events, 'user_prompt');
    expect(prompt.metadata.prompt_length).toBe('fix the failing test in src/app.ts, the token is hunter2'.length);
    expect(prompt.correlation_key).toBe(promptKey(sid, 'b1f7e2c4-3d2a-4f61-8e0b-5c9d8a7b6e13'));
    const [start] = byType(events, 'session_start');
    expect(start.metadata.source).toBe('startup');
    expect(start.model).toBe('claude-sonnet-4-5-20250929');
    expect(start.correlation_key).toBe(sessionBoundaryKey(sid, 'start'));
    expect(byType(events, 'session_end')[0].metadata.reason).toBe('other');
    const stops = byType(events, 'stop');
    expect(stops[1]).toMatchObject({ status: 'error', metadata: expect.objectContaining({ error: 'rate_limit' }) });
  });

  it('puts a subagent in a child session whose parent is the spawning session', () => {
    const [start] = byType(events, 'subagent_start');
    const [stop] = byType(events, 'subagent_stop');
    expect(start.session_id).toBe(`${sid}/agent-a7f3e21`);
    expect(start.parent_session_id).toBe(sid);
    expect(stop.session_id).toBe(start.session_id);
    expect(start.metadata.subagent_type).toBe('Explore');
  });

  it('never keeps prompt, command, tool output or free text without AGENTSTATS_STORE_PROMPTS', () => {
    const text = JSON.stringify(events);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('npm test');
    // Non-secret facts do survive: the file a tool touched, the model's description of a command.
    expect(text).toContain('/home/dev/acme/src/app.ts');
    expect(text).toContain('Run the test suite');
  });

  it('keeps bounded prompt and command text with AGENTSTATS_STORE_PROMPTS=1', () => {
    const stored = run('claude-code', { storePrompts: true }).events;
    expect(byType(stored, 'user_prompt')[0].metadata.prompt).toContain('hunter2');
    const input = byType(stored, 'tool_start')[0].metadata.tool_input as Record<string, unknown>;
    expect(input.command).toBe('npm test -- --secret=hunter2');
    // Tool output is never kept, whatever the setting.
    expect(JSON.stringify(stored)).not.toContain('1 failing');
  });

  it('derives the event id from agent and body, so a re-sent body is the same event', () => {
    const body = JSON.stringify(fixture('claude-code')[0]);
    const again = run('claude-code').events[0];
    expect(again.event_id).toBe(hookEventId('claude-code', body));
    expect(events[0].event_id).toBe(again.event_id);
    expect(hookEventId('codex', body)).not.toBe(again.event_id);
  });
});

describe('Codex hooks', () => {
  const { events } = run('codex', { stepMs: 250 });
  const sid = 'cx-0199a8f2-7c4e-7d21-9b3a-5e6f7a8b9c0d';

  it('maps every event and lists the model from the body', () => {
    expect(events.map((e) => e.event_type)).toEqual([
      'session_start',
      'user_prompt',
      'tool_start',
      'tool_use',
      'permission_request',
      'subagent_start',
      'subagent_stop',
      'compact',
      'stop',
      'stop',
      'session_end',
    ]);
    for (const e of events) expect(e).toMatchObject({ agent_type: 'codex', model: 'gpt-5.1-codex', project: 'api' });
    expect(events[1].metadata.turn_id).toBe('turn-1');
  });

  it('times a tool from its Pre/Post pair and keys it by call_id like the OTLP receiver', () => {
    const [tool] = byType(events, 'tool_use');
    expect(tool).toMatchObject({ tool_name: 'Bash', status: 'success', tool_use_id: 'call_0uA9xY7hello', duration_ms: 250 });
    expect(tool.metadata.duration_source).toBe('hook_pair');
    expect(tool.correlation_key).toBe(toolCallKey(sid, 'call_0uA9xY7hello'));
    expect(tool.metadata.tool_response).toEqual({ type: 'string', bytes: 14 });
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });
});

describe('Gemini CLI hooks', () => {
  const { events, skipped } = run('gemini-cli');

  it('stores the lifecycle, prompt, tools and notification, not the per-call chatter', () => {
    expect(events.map((e) => e.event_type)).toEqual([
      'session_start',
      'user_prompt',
      'tool_start',
      'tool_use',
      'tool_start',
      'tool_use',
      'notification',
      'stop',
      'compact',
      'session_end',
    ]);
    expect(skipped.sort()).toEqual([
      'gemini_after_model_chunk',
      'gemini_after_model_chunk',
      'gemini_after_model_chunk',
      'gemini_before_model',
      'gemini_before_model',
      'gemini_before_tool_selection',
      'gemini_precompress_auto',
      'gemini_precompress_auto',
    ]);
  });

  it('folds the chatter into the turn summary on AfterAgent, with the last model', () => {
    const [turn] = byType(events, 'stop');
    expect(turn.metadata.turn).toEqual({ model_calls: 2, streamed_chunks: 3, tool_selections: 1, compress_checks: 2 });
    expect(turn.model).toBe('gemini-3.8-pro');
    expect(turn.metadata.response_length).toBe('Done: hello.'.length);
  });

  it('uses the body timestamps: event time and FIFO-paired tool durations', () => {
    const [shell, read] = byType(events, 'tool_use');
    expect(shell).toMatchObject({ tool_name: 'run_shell_command', status: 'success', duration_ms: 850 });
    expect(read).toMatchObject({ tool_name: 'read_file', status: 'error', duration_ms: 25 });
    expect(shell.client_timestamp).toBe('2026-11-24T10:00:03.850Z');
    expect(byType(events, 'session_end')[0].metadata.reason).toBe('exit');
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });
});

describe('unusable input', () => {
  const ingestor = new HookIngestor({ storePrompts: false, now: () => new Date(), toolStarts: null });
  const prepare = (raw: string) => ingestor.mapBody('claude-code', raw, new Date());

  it('is rejected with a reason, never mapped', () => {
    expect(prepare('')).toEqual({ kind: 'reject', reason: 'empty_body' });
    expect(prepare('{not json')).toEqual({ kind: 'reject', reason: 'invalid_json' });
    expect(prepare('[1,2]')).toEqual({ kind: 'reject', reason: 'not_an_object' });
    expect(prepare('{"hook_event_name":"Stop"}')).toEqual({ kind: 'reject', reason: 'missing_session_id' });
    expect(prepare('{"session_id":"s1"}')).toEqual({ kind: 'reject', reason: 'missing_hook_event_name' });
    expect(prepare(JSON.stringify({ session_id: 'x'.repeat(300), hook_event_name: 'Stop' }))).toEqual({
      kind: 'reject',
      reason: 'invalid_session_id',
    });
  });

  it('keeps unknown events under their own name with field sizes only', () => {
    const prepared = prepare(JSON.stringify({ session_id: 's1', hook_event_name: 'CwdChanged', old_cwd: '/a', new_cwd: '/secret/b' }));
    expect(prepared.kind).toBe('event');
    if (prepared.kind !== 'event') return;
    expect(prepared.event.event_type).toBe('cwd_changed');
    expect(prepared.event.metadata).toMatchObject({ generic: true, field_sizes: { old_cwd: 2, new_cwd: 9 } });
    expect(JSON.stringify(prepared.event)).not.toContain('/secret/b');
  });
});
