/**
 * `npm run seed`: realistic demo traffic for a running server, so a fresh install shows a full
 * dashboard. Several agents and projects over the last ~30 hours, prompts, API calls with tokens
 * and cost, tool calls with durations and some failures, an API error, and a Claude Code session
 * that starts a subagent (parent_session_id). Codex and Gemini CLI do not report cost, as in real
 * life: the cost processor prices them, or they show as unpriced.
 *
 * Sources as real setups have them: session start/end, prompts and tool calls come from the hooks
 * ('hook'), model calls with their tokens from OpenTelemetry ('otlp'; hooks never carry tokens).
 * Claude Code also reports some tool calls through OpenTelemetry: those share the hook event's
 * correlation_key (tool:<session_id>:<tool_use_id>), so the server counts each call once and the
 * dashboard shows the second sighting as folded. Tokens are in canonical form: tokens_in excludes
 * cached input, cache_read_tokens is the cached part, tokens_out includes reasoning; Codex and
 * Gemini CLI report no cache writes.
 *
 *   AGENTSTATS_URL=http://127.0.0.1:3141 npm run seed [-- --live[=SECONDS]]
 *
 * --live keeps one session going (an event every second or so) so the live feed moves.
 */
import { randomUUID } from 'node:crypto';
import type { AgentId } from '../collector/core/agents.js';

const BASE = (process.env.AGENTSTATS_URL ?? 'http://127.0.0.1:3141').replace(/\/+$/, '');
const TOKEN = process.env.AGENTSTATS_TOKEN;

type Event = Record<string, unknown>;

// Deterministic shape, fresh ids: the same story each run, new sessions each time.
let state = 20260524;
function rand(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];

interface AgentProfile {
  agent: AgentId;
  models: string[];
  tools: string[];
  /** USD per million tokens: input, output, cache read, cache write. Null: the agent reports no cost. */
  price: [number, number, number, number] | null;
  /** Every n-th tool call is also reported over OTLP (a second sighting, folded by the server). */
  otlpToolEvery?: number;
}

const PROFILES: Record<string, AgentProfile> = {
  claude: {
    agent: 'claude_code',
    models: ['claude-sonnet-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'],
    tools: ['Read', 'Read', 'Edit', 'Bash', 'Bash', 'Grep', 'Glob', 'Write', 'TodoWrite', 'WebFetch'],
    price: [3, 15, 0.3, 3.75],
    otlpToolEvery: 4,
  },
  codex: {
    agent: 'codex',
    models: ['gpt-5-codex', 'gpt-5'],
    tools: ['exec_command', 'exec_command', 'apply_patch', 'read_file', 'update_plan'],
    price: null,
  },
  gemini: {
    agent: 'gemini_cli',
    models: ['gemini-2.5-pro', 'gemini-2.5-flash'],
    tools: ['read_file', 'run_shell_command', 'replace', 'search_file_content', 'glob', 'web_fetch'],
    price: null,
  },
};

const ERRORS: Record<string, string[]> = {
  Bash: ['Command failed with exit code 1: npm test', 'Command timed out after 120000 ms'],
  exec_command: ['process exited with code 2', 'sandbox denied network access'],
  run_shell_command: ['Command exited with code 1'],
  Edit: ['String to replace not found in file'],
  apply_patch: ['patch does not apply cleanly'],
  replace: ['Failed to edit, 0 occurrences found'],
  WebFetch: ['Request failed with status 403'],
  web_fetch: ['fetch failed: ECONNRESET'],
};

const PROMPTS = [
  'Fix the flaky test in the payments module',
  'Add pagination to the /api/orders endpoint and update the client',
  'Why is the build slower since yesterday? Profile it',
  'Refactor the auth middleware to use the new session store',
  'Write a migration that backfills the created_by column',
  'Review this diff for race conditions',
];

interface SessionSpec {
  profile: AgentProfile;
  project: string;
  branch: string;
  startMinutesAgo: number;
  turns: number;
  ended: boolean;
  parent?: { id: string; agentName: string };
}

function tokenUse(profile: AgentProfile, model: string, heavy: boolean): Event {
  const output = between(150, heavy ? 6_000 : 2_000);
  const duration_ms = between(900, heavy ? 40_000 : 12_000);
  if (profile.agent !== 'claude_code') {
    // Codex and Gemini CLI report the whole prompt (cached part included) and the cached part; the
    // canonical form splits them. Output includes reasoning. Neither reports cache writes.
    const rawInput = between(heavy ? 8_000 : 3_000, heavy ? 180_000 : 60_000);
    const cached = Math.floor(rawInput * (0.5 + rand() * 0.45));
    const reasoning = Math.min(output, between(0, output / 2));
    return { model, tokens_in: rawInput - cached, tokens_out: output, cache_read_tokens: cached, reasoning_tokens: reasoning || null, duration_ms };
  }
  const input = between(heavy ? 2_000 : 200, heavy ? 30_000 : 6_000);
  const cacheRead = between(5_000, heavy ? 160_000 : 60_000);
  const cacheWrite = rand() < 0.3 ? between(1_000, 20_000) : 0;
  const e: Event = { model, tokens_in: input, tokens_out: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, duration_ms };
  if (profile.price) {
    const scale = model.includes('opus') ? 5 : model.includes('haiku') ? 1 / 3 : 1;
    const [pi, po, pr, pw] = profile.price.map((p) => p * scale);
    e.cost_usd = Math.round(((input * pi + output * po + cacheRead * pr + cacheWrite * pw) / 1e6) * 1e6) / 1e6;
  }
  return e;
}

function buildSession(spec: SessionSpec, now: number): { id: string; events: Event[] } {
  const { profile } = spec;
  const id = randomUUID();
  const model = pick(profile.models);
  const cwd = `/home/dev/src/${spec.project}`;
  let t = now - spec.startMinutesAgo * 60_000;
  const events: Event[] = [];
  const base = {
    session_id: id,
    agent_type: profile.agent,
    project: spec.project,
    branch: spec.branch,
    cwd,
    parent_session_id: spec.parent?.id ?? null,
  };
  const push = (fields: Event, stepMs = between(2_000, 25_000)) => {
    t = Math.min(t + stepMs, now - 1000);
    events.push({ ...base, event_id: randomUUID(), client_timestamp: new Date(t).toISOString(), source: 'hook', ...fields });
  };
  let toolCalls = 0;

  push(
    {
      event_type: 'session_start',
      model,
      metadata: {
        session: { service_version: profile.agent === 'codex' ? '0.169.0' : profile.agent === 'gemini_cli' ? '0.61.0' : '2.1.331', ...(spec.parent ? { agent_name: spec.parent.agentName } : {}) },
      },
    },
    0,
  );
  for (let turn = 0; turn < spec.turns; turn++) {
    const promptId = randomUUID();
    const prompt = pick(PROMPTS);
    push({ event_type: 'user_prompt', prompt_id: promptId, metadata: { prompt_length: prompt.length + between(0, 400) } }, between(20_000, 240_000));
    const calls = between(1, 6);
    for (let c = 0; c < calls; c++) {
      push({ event_type: 'api_request', source: 'otlp', prompt_id: promptId, request_id: `req_${randomUUID().slice(0, 12)}`, status: 'success', ...tokenUse(profile, model, c === 0) });
      const tool = pick(profile.tools);
      const failed = rand() < 0.09 && ERRORS[tool] !== undefined;
      const toolUseId = `toolu_${randomUUID().slice(0, 12)}`;
      const call: Event = {
        event_type: 'tool_use',
        tool_name: tool,
        tool_use_id: toolUseId,
        correlation_key: `tool:${id}:${toolUseId}`,
        prompt_id: promptId,
        status: failed ? 'error' : 'success',
        duration_ms: tool.toLowerCase().includes('bash') || tool.includes('command') ? between(200, 45_000) : between(5, 900),
        metadata: failed ? { error: pick(ERRORS[tool]) } : {},
      };
      push(call);
      // The same call in the agent's OTel logs, exported a moment after the hook fired.
      if (profile.otlpToolEvery && ++toolCalls % profile.otlpToolEvery === 0) {
        events.push({ ...base, ...call, source: 'otlp', event_id: randomUUID(), client_timestamp: new Date(Math.min(t + between(300, 3_000), now - 500)).toISOString() });
      }
    }
    if (rand() < 0.08) {
      push({ event_type: 'api_error', source: 'otlp', model, status: 'error', prompt_id: promptId, duration_ms: between(200, 3000), metadata: { error: 'overloaded_error (529): retrying', status_code: 529 } });
    }
    push({ event_type: 'api_request', source: 'otlp', prompt_id: promptId, status: 'success', ...tokenUse(profile, model, false) });
    push({ event_type: 'stop', prompt_id: promptId });
  }
  if (spec.ended) push({ event_type: 'session_end', metadata: { reason: pick(['prompt_input_exit', 'logout', 'other']) } });
  return { id, events };
}

/** A parent session that hands work to a subagent through the Task tool. */
function buildSubagentPair(now: number): Event[] {
  const parent = buildSession({ profile: PROFILES.claude, project: 'agentstats', branch: 'feat/dashboard', startMinutesAgo: 95, turns: 3, ended: false }, now);
  const child = buildSession(
    { profile: PROFILES.claude, project: 'agentstats', branch: 'feat/dashboard', startMinutesAgo: 60, turns: 2, ended: true, parent: { id: parent.id, agentName: 'code-reviewer' } },
    now,
  );
  const at = (min: number) => new Date(now - min * 60_000).toISOString();
  const common = { session_id: parent.id, agent_type: 'claude_code', project: 'agentstats', branch: 'feat/dashboard', source: 'hook' };
  const taskId = `toolu_${randomUUID().slice(0, 12)}`;
  const glue: Event[] = [
    { ...common, event_id: randomUUID(), event_type: 'tool_use', tool_name: 'Task', tool_use_id: taskId, correlation_key: `tool:${parent.id}:${taskId}`, status: 'success', duration_ms: 58 * 60_000, client_timestamp: at(2), metadata: { subagent_type: 'code-reviewer' } },
    { ...common, event_id: randomUUID(), event_type: 'subagent_start', client_timestamp: at(60), metadata: { agent_name: 'code-reviewer', child_session_id: child.id } },
    { ...common, event_id: randomUUID(), event_type: 'subagent_stop', client_timestamp: at(3), metadata: { agent_name: 'code-reviewer', child_session_id: child.id } },
  ];
  return [...parent.events, ...child.events, ...glue];
}

async function post(events: Event[]): Promise<{ ids: string[]; rejected: unknown[] }> {
  const res = await fetch(`${BASE}/api/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(TOKEN ? { authorization: `Bearer ${TOKEN}` } : {}) },
    body: JSON.stringify({ events }),
  });
  if (!res.ok) throw new Error(`POST /api/events/batch: ${res.status} ${await res.text()}`);
  return (await res.json()) as { ids: string[]; rejected: unknown[] };
}

async function live(seconds: number): Promise<void> {
  const profile = PROFILES.claude;
  const id = randomUUID();
  const base = { session_id: id, agent_type: profile.agent, project: 'live-demo', branch: 'main', cwd: '/home/dev/src/live-demo', source: 'hook' };
  process.stdout.write(`live: session ${id} for ${seconds}s (Ctrl-C stops)\n`);
  const until = Date.now() + seconds * 1000;
  await post([{ ...base, event_type: 'session_start', model: 'claude-sonnet-4-5' }]);
  let toolCalls = 0;
  while (Date.now() < until) {
    if (rand() < 0.4) {
      await post([{ ...base, source: 'otlp', event_type: 'api_request', status: 'success', ...tokenUse(profile, 'claude-sonnet-4-5', false) }]);
    } else {
      const toolUseId = `toolu_${randomUUID().slice(0, 12)}`;
      const call = { ...base, event_type: 'tool_use', tool_name: pick(profile.tools), tool_use_id: toolUseId, correlation_key: `tool:${id}:${toolUseId}`, status: rand() < 0.08 ? 'error' : 'success', duration_ms: between(5, 4000) };
      await post([call]);
      // Now and then the OTel sighting of the same call follows: the feed shows it folded.
      if (++toolCalls % 4 === 0) {
        await new Promise((r) => setTimeout(r, 400));
        await post([{ ...call, source: 'otlp' }]);
      }
    }
    await new Promise((r) => setTimeout(r, between(300, 1800)));
  }
  await post([{ ...base, event_type: 'session_end', metadata: { reason: 'other' } }]);
}

async function main(): Promise<void> {
  const now = Date.now();
  const specs: SessionSpec[] = [
    { profile: PROFILES.claude, project: 'payments-api', branch: 'main', startMinutesAgo: 29 * 60, turns: 6, ended: true },
    { profile: PROFILES.codex, project: 'payments-api', branch: 'fix/flaky-tests', startMinutesAgo: 26 * 60, turns: 4, ended: true },
    { profile: PROFILES.gemini, project: 'docs-site', branch: 'main', startMinutesAgo: 22 * 60, turns: 3, ended: true },
    { profile: PROFILES.claude, project: 'web-app', branch: 'feat/checkout', startMinutesAgo: 9 * 60, turns: 7, ended: true },
    { profile: PROFILES.codex, project: 'infra', branch: 'chore/terraform', startMinutesAgo: 6 * 60, turns: 5, ended: true },
    { profile: PROFILES.gemini, project: 'web-app', branch: 'feat/checkout', startMinutesAgo: 4 * 60, turns: 4, ended: true },
    { profile: PROFILES.claude, project: 'payments-api', branch: 'feat/refunds', startMinutesAgo: 150, turns: 5, ended: false },
    { profile: PROFILES.codex, project: 'web-app', branch: 'main', startMinutesAgo: 40, turns: 3, ended: false },
    { profile: PROFILES.gemini, project: 'data-pipeline', branch: 'main', startMinutesAgo: 25, turns: 2, ended: false },
  ];
  const events = [...specs.flatMap((s) => buildSession(s, now).events), ...buildSubagentPair(now)];
  events.sort((a, b) => String(a.client_timestamp).localeCompare(String(b.client_timestamp)));

  let stored = 0;
  for (let i = 0; i < events.length; i += 500) {
    const result = await post(events.slice(i, i + 500));
    stored += result.ids.length;
    if (result.rejected.length) process.stderr.write(`seed: ${result.rejected.length} rejected: ${JSON.stringify(result.rejected[0])}\n`);
  }
  process.stdout.write(`seed: sent ${events.length} events in ${specs.length + 2} sessions to ${BASE} (${stored} stored)\n`);

  const liveArg = process.argv.find((a) => a.startsWith('--live'));
  if (liveArg) await live(Number(liveArg.split('=')[1] ?? 120) || 120);
}

main().catch((error) => {
  process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n(is the server running at ${BASE}? start it with npm start)\n`);
  process.exit(1);
});
