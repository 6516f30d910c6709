/**
 * Synthetic but realistic agent events: a handful of agents, models and projects, dozens of tools,
 * a mix of tool calls, API requests and prompts. Ids are time-ordered UUIDv7 as hooks and receivers
 * generate them, or random v4 to show what random keys cost the indexes.
 */
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { rng, weighted } from './stats.js';

export type IdKind = 'v7' | 'v4';

const AGENTS = [
  ['claude_code', 6],
  ['codex', 3],
  ['gemini_cli', 1.5],
] as const;

const MODELS: Record<string, ReadonlyArray<readonly [string, number]>> = {
  claude_code: [
    ['claude-sonnet-4-5-20250929', 6],
    ['claude-opus-4-1-20250805', 2],
    ['claude-haiku-4-5-20251001', 2],
  ],
  codex: [
    ['gpt-5-codex', 3],
    ['gpt-5', 1],
  ],
  gemini_cli: [
    ['gemini-2.5-pro', 3],
    ['gemini-2.5-flash', 1],
  ],
};

const MCP_TOOLS = [
  'mcp__github__get_pull_request',
  'mcp__github__create_issue',
  'mcp__github__list_commits',
  'mcp__playwright__browser_navigate',
  'mcp__playwright__browser_click',
  'mcp__playwright__browser_snapshot',
  'mcp__postgres__query',
  'mcp__sentry__get_issue',
  'mcp__linear__list_issues',
  'mcp__context7__get_library_docs',
];

const TOOLS: Record<string, string[]> = {
  claude_code: ['Read', 'Edit', 'Bash', 'Grep', 'Glob', 'Write', 'TodoWrite', 'MultiEdit', 'WebFetch', 'WebSearch', 'Task', 'NotebookEdit', 'BashOutput', 'KillShell', 'ExitPlanMode', 'SlashCommand'],
  codex: ['shell', 'apply_patch', 'update_plan', 'view_image', 'web_search', 'exec_command', 'write_stdin'],
  gemini_cli: ['read_file', 'write_file', 'replace', 'run_shell_command', 'glob', 'search_file_content', 'list_directory', 'web_fetch', 'google_web_search', 'save_memory', 'read_many_files'],
};

const PROJECTS = ['agentstats', 'webshop', 'infra', 'ml-pipeline', 'docs-site', 'mobile-app', 'billing', 'cli-tools'];
const BRANCHES = ['main', 'main', 'main', 'develop', 'feature/auth', 'feature/search', 'fix/flaky-tests', 'release/2.4'];

const EVENT_MIX = [
  ['tool_use', 48],
  ['api_request', 30],
  ['user_prompt', 8],
  ['tool_decision', 6],
  ['notification', 3],
  ['stop', 3],
  ['api_error', 1],
  ['subagent_start', 0.5],
  ['subagent_stop', 0.5],
] as const;

export interface SessionCtx {
  session_id: string;
  agent_type: string;
  project: string;
  branch: string;
  cwd: string;
}

export function newSession(random: () => number, sessionId: string): SessionCtx {
  const agent = weighted(random, AGENTS);
  const project = PROJECTS[Math.floor(random() * random() * PROJECTS.length)];
  return {
    session_id: sessionId,
    agent_type: agent,
    project,
    branch: BRANCHES[Math.floor(random() * BRANCHES.length)],
    cwd: `/home/dev/src/${project}`,
  };
}

export function newId(kind: IdKind, msecs?: number): string {
  return kind === 'v4' ? uuidv4() : msecs === undefined ? uuidv7() : uuidv7({ msecs });
}

/** One event's own fields (what a client sends), for a given session and type. */
function eventFields(random: () => number, s: SessionCtx, type: string): Record<string, unknown> {
  const e: Record<string, unknown> = {
    session_id: s.session_id,
    agent_type: s.agent_type,
    event_type: type,
    project: s.project,
    branch: s.branch,
    cwd: s.cwd,
  };
  if (type === 'tool_use' || type === 'tool_decision') {
    const tools = random() < 0.12 ? MCP_TOOLS : TOOLS[s.agent_type];
    // Skewed: the first tools of each list are called far more often.
    const tool = tools[Math.floor(random() * random() * tools.length)];
    e.tool_name = tool;
    e.tool_use_id = `toolu_${Math.floor(random() * 1e12).toString(36)}`;
    if (type === 'tool_use') {
      e.status = random() < 0.04 ? 'error' : 'success';
      e.duration_ms = Math.round(Math.exp(2 + random() * 7));
      e.metadata = {
        tool_input: { file_path: `${s.cwd}/src/module-${Math.floor(random() * 400)}.ts`, description: 'edit the handler' },
        output_bytes: Math.floor(random() * 20000),
      };
    } else {
      e.metadata = { decision: random() < 0.95 ? 'accept' : 'reject', source: 'config' };
    }
  } else if (type === 'api_request' || type === 'api_error') {
    e.model = weighted(random, MODELS[s.agent_type]);
    e.request_id = `req_${Math.floor(random() * 1e15).toString(36)}`;
    e.duration_ms = Math.round(800 + random() * 25000);
    if (type === 'api_request') {
      const out = Math.floor(50 + random() * 3000);
      e.tokens_in = Math.floor(5 + random() * 4000);
      e.tokens_out = out;
      e.cache_read_tokens = Math.floor(random() * 120000);
      e.cache_write_tokens = Math.floor(random() * 8000);
      e.reasoning_tokens = s.agent_type === 'claude_code' ? 0 : Math.floor(out * random() * 0.5);
      e.cost_usd = Math.round(((e.tokens_in as number) * 3 + out * 15 + (e.cache_read_tokens as number) * 0.3) * 1e-2) / 1e4;
      e.status = 'success';
    } else {
      e.status = 'error';
      e.metadata = { error: 'overloaded_error', status_code: 529, attempt: 1 + Math.floor(random() * 3) };
    }
  } else if (type === 'user_prompt') {
    e.prompt_id = `p_${Math.floor(random() * 1e12).toString(36)}`;
    e.metadata = { prompt_length: Math.floor(10 + random() * 2000) };
  } else if (type === 'session_start') {
    e.metadata = { source: 'startup', session: { service_version: '2.0.14', os_type: 'linux', host_arch: 'x64' } };
  } else if (type === 'session_end') {
    e.metadata = { reason: 'exit' };
  }
  return e;
}

export interface IngestWorkloadOptions {
  events: number;
  sessions: number;
  duplicateRate: number;
  ids: IdKind;
  seed: number;
}

/**
 * Raw client events for the ingest benchmark, in send order. A `duplicateRate` share of them
 * repeats an earlier event verbatim (same id), as a client retrying after a lost answer would.
 */
export function ingestWorkload(o: IngestWorkloadOptions): { events: Array<Record<string, unknown>>; repeats: number } {
  const random = rng(o.seed);
  const sessions: SessionCtx[] = [];
  for (let i = 0; i < o.sessions; i++) sessions.push(newSession(random, newId(o.ids)));
  const events: Array<Record<string, unknown>> = [];
  let repeats = 0;
  const start = Date.now();
  for (let i = 0; i < o.events; i++) {
    if (events.length > 0 && random() < o.duplicateRate) {
      events.push(events[Math.floor(random() * events.length)]);
      repeats++;
      continue;
    }
    const s = sessions[Math.floor(random() * sessions.length)];
    const e = eventFields(random, s, weighted(random, EVENT_MIX));
    const ts = start + i;
    e.event_id = newId(o.ids, o.ids === 'v7' ? ts : undefined);
    e.client_timestamp = new Date(ts).toISOString();
    events.push(e);
  }
  return { events, repeats };
}

/** Fills every canonical field a validated event has, so history goes straight to the store. */
export function toCanonical(e: Record<string, unknown>, createdAt: string): CanonicalEvent {
  const n = (k: string) => (e[k] === undefined ? null : (e[k] as number));
  const s = (k: string) => (e[k] === undefined ? null : (e[k] as string));
  return {
    event_id: e.event_id as string,
    session_id: e.session_id as string,
    agent_type: e.agent_type as string,
    event_type: e.event_type as string,
    source: 'native',
    tool_name: s('tool_name'),
    status: s('status'),
    model: s('model'),
    project: s('project'),
    branch: s('branch'),
    cwd: s('cwd'),
    machine: s('machine'),
    tokens_in: n('tokens_in'),
    tokens_out: n('tokens_out'),
    cache_read_tokens: n('cache_read_tokens'),
    cache_write_tokens: n('cache_write_tokens'),
    reasoning_tokens: n('reasoning_tokens'),
    cost_usd: n('cost_usd'),
    cost_source: e.cost_usd === undefined ? null : 'reported',
    duration_ms: n('duration_ms'),
    client_timestamp: s('client_timestamp'),
    created_at: createdAt,
    parent_session_id: null,
    request_id: s('request_id'),
    prompt_id: s('prompt_id'),
    tool_use_id: s('tool_use_id'),
    correlation_key: null,
    metadata: (e.metadata as Record<string, unknown>) ?? {},
    payload_truncated: 0,
  };
}

export interface HistoryOptions {
  events: number;
  days: number;
  sessionsPerDay: number;
  ids: IdKind;
  seed: number;
  /** Events handed out per chunk. */
  chunk: number;
}

/**
 * A year (or `days`) of history ending now: `sessionsPerDay` sessions a day of varying length, each
 * from session_start to session_end, events spaced through the session, ids time-ordered by the
 * event's own time. Yields canonical events in chunks, oldest day first.
 */
export function* historyChunks(o: HistoryOptions): Generator<CanonicalEvent[]> {
  const random = rng(o.seed);
  const total = Math.max(1, o.days * o.sessionsPerDay);
  const weights: number[] = [];
  let weightSum = 0;
  for (let i = 0; i < total; i++) weightSum += weights[i] = 0.3 + random() * 1.4;
  const dayMs = 86_400_000;
  // The last day is yesterday (UTC), so no event lies in the future.
  const firstDay = Math.floor(Date.now() / dayMs) * dayMs - o.days * dayMs;

  let chunk: CanonicalEvent[] = [];
  let cumulative = 0;
  let emitted = 0;
  for (let day = 0; day < o.days; day++) {
    const starts = Array.from({ length: o.sessionsPerDay }, () => firstDay + day * dayMs + 6 * 3_600_000 + random() * 14 * 3_600_000).sort(
      (a, b) => a - b,
    );
    for (let k = 0; k < o.sessionsPerDay; k++) {
      const i = day * o.sessionsPerDay + k;
      cumulative += weights[i];
      const upto = i === total - 1 ? o.events : Math.round((cumulative * o.events) / weightSum);
      const count = upto - emitted;
      if (count <= 0) continue;
      const start = starts[k];
      const gap = (20 + random() * 100) * 60_000 / count;
      const s = newSession(random, newId(o.ids, start));
      for (let j = 0; j < count; j++) {
        const type = j === 0 ? 'session_start' : j === count - 1 && count > 2 ? 'session_end' : weighted(random, EVENT_MIX);
        const e = eventFields(random, s, type);
        const ts = Math.round(start + j * gap);
        e.event_id = newId(o.ids, ts);
        const iso = new Date(ts).toISOString();
        e.client_timestamp = iso;
        chunk.push(toCanonical(e, iso));
        if (chunk.length >= o.chunk) {
          yield chunk;
          chunk = [];
        }
      }
      emitted = upto;
    }
  }
  if (chunk.length > 0) yield chunk;
}
