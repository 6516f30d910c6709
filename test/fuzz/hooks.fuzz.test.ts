/**
 * Fuzz (issue 10.9): the hooks receiver's parts, called directly — the body mapping of each agent
 * (HookIngestor.mapBody), the Content-Type check, and the branch lookup on arbitrary cwd strings.
 * Properties: nothing throws; a body maps to an event within the contract, a counted skip, or a
 * rejection with a known reason; the agents' own labels are always read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../collector/core/event.js';
import { classifyHookPost } from '../../receivers/hooks/content-type.js';
import { BranchResolver } from '../../receivers/hooks/git-branch.js';
import { HookIngestor } from '../../receivers/hooks/ingest.js';
import { HOOK_AGENTS, type HookAgent } from '../../receivers/hooks/types.js';
import { DEEP, FUZZ_NOW, hostileValue, maybeHostile, params, TIMEOUT, toJsonText } from './arbitraries.js';

const EVENTS = [
  'SessionStart', 'SessionEnd', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure',
  'PermissionRequest', 'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'PreCompact',
  'PostCompact', 'BeforeAgent', 'AfterAgent', 'BeforeModel', 'AfterModel', 'BeforeToolSelection', 'BeforeTool',
  'AfterTool', 'PreCompress', 'CwdChanged',
];

const body = fc.record(
  {
    session_id: maybeHostile(fc.constantFrom('s1', 's2', 'x'.repeat(300))),
    hook_event_name: maybeHostile(fc.oneof(fc.constantFrom(...EVENTS), fc.string())),
    cwd: maybeHostile(fc.constantFrom('/tmp/p', '/dev/zero', 'relative', '/')),
    transcript_path: maybeHostile(fc.string()),
    timestamp: maybeHostile(fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? '' : d.toISOString())), fc.string())),
    tool_name: maybeHostile(fc.constantFrom('Bash', 'Read', 'run_shell_command')),
    tool_use_id: maybeHostile(fc.constantFrom('t1', 't2')),
    tool_input: hostileValue,
    tool_response: hostileValue,
    duration_ms: maybeHostile(fc.integer()),
    prompt: maybeHostile(fc.string()),
    prompt_id: maybeHostile(fc.string()),
    agent_id: maybeHostile(fc.string()),
    agent_type: maybeHostile(fc.string()),
    error: hostileValue,
    error_details: hostileValue,
    is_interrupt: hostileValue,
    permission_mode: maybeHostile(fc.string()),
    turn_id: maybeHostile(fc.string()),
    effort: maybeHostile(fc.record({ level: fc.string() })),
    model: maybeHostile(fc.string()),
    llm_request: maybeHostile(fc.record({ model: maybeHostile(fc.string()) })),
    trigger: maybeHostile(fc.constantFrom('auto', 'manual')),
    source: maybeHostile(fc.string()),
    reason: maybeHostile(fc.string()),
    message: hostileValue,
    title: hostileValue,
    details: hostileValue,
    last_assistant_message: hostileValue,
    prompt_response: hostileValue,
    stop_hook_active: hostileValue,
    background_tasks: hostileValue,
    mcp_context: maybeHostile(fc.record({ server_name: hostileValue })),
    permission_suggestions: hostileValue,
    custom_instructions: hostileValue,
    session_title: hostileValue,
  },
  { requiredKeys: [] },
);

const REASONS = /^(empty_body|invalid_json|not_an_object|missing_session_id|missing_hook_event_name|invalid_[a-z_]+|[a-z_]+)$/;

function checkMapping(ingestor: HookIngestor, agent: (typeof HOOK_AGENTS)[number], raw: string): void {
  const prepared = ingestor.mapBody(agent, raw, FUZZ_NOW);
  if (prepared.kind === 'event') {
    structuredClone(prepared.event);
    JSON.stringify(prepared.event);
    expect(validateEvent(prepared.event, { now: () => FUZZ_NOW, newId: () => 'x' }).ok).toBe(true);
  } else {
    expect(prepared.reason).toMatch(REASONS);
  }
}

describe('hook body mapping', () => {
  it('any text: an event, a skip or a rejection with a reason; never a throw', () => {
    const texts = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v)));
    for (const storePrompts of [false, true]) {
      const ingestor = new HookIngestor({ storePrompts, now: () => FUZZ_NOW, toolStarts: null });
      fc.assert(
        fc.property(fc.constantFrom(...HOOK_AGENTS), texts, (agent, raw) => checkMapping(ingestor, agent, raw)),
        params<[HookAgent, string]>(300, 500, [['claude-code', ''], ['codex', '['.repeat(DEEP) + ']'.repeat(DEEP)]]),
      );
    }
  }, TIMEOUT);

  it('hook-shaped bodies with hostile fields (deep arrays included) map to events within the contract', () => {
    for (const storePrompts of [false, true]) {
      const ingestor = new HookIngestor({ storePrompts, now: () => FUZZ_NOW, toolStarts: null });
      fc.assert(
        fc.property(fc.constantFrom(...HOOK_AGENTS), body, (agent, b) => checkMapping(ingestor, agent, toJsonText(b))),
        params(400, 1200),
      );
    }
  }, TIMEOUT);
});

describe('hook Content-Type check', () => {
  it('never throws; every agent-sent label is read; refusals name a reason', () => {
    const header = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'application/json, text/plain', '', ';;', 'a/b+json'),
    );
    fc.assert(
      fc.property(header, header, (type, encoding) => {
        const verdict = classifyHookPost(type, encoding);
        if (!verdict.ok) expect(['unsupported_content_type', 'unsupported_content_encoding']).toContain(verdict.reason);
      }),
      params(1000, 500),
    );
    // What Claude Code's http hooks, the hook command and users' forwarders send.
    for (const label of [undefined, '', 'application/json', 'application/json; charset=utf-8', 'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded', 'application/json, text/plain', 'application/octet-stream']) {
      expect(classifyHookPost(label, undefined).ok, String(label)).toBe(true);
    }
  }, TIMEOUT);
});

describe('branch lookup', () => {
  it('any cwd string: resolves (a branch or null), never rejects', async () => {
    const resolver = new BranchResolver({ waitMs: 200 });
    const cwd = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('/dev/zero', '/dev/null', '/proc/self', '/', '/tmp', '\u0000', '/'.repeat(5000), `/${'a/'.repeat(3000)}`),
      fc.array(fc.constantFrom('..', '.', '.git', 'HEAD', 'dev', 'zero', 'proc'), { maxLength: 8 }).map((p) => `/${p.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(cwd, async (dir) => {
        const branch = await resolver.branchOf(dir);
        expect(branch === null || typeof branch === 'string').toBe(true);
      }),
      params(200, 800),
    );
  }, TIMEOUT);
});
