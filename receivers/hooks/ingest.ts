/**
 * Turns one raw hook body into a canonical event: parse, check, map with the agent's mapper, add
 * what all hook events share, pair tool durations, validate. Live posts and spool replay both come
 * through here, so a body maps to the same event (and the same event_id) either way.
 */
import { createHash } from 'node:crypto';
import { projectFromCwd, validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { ToolStartLookup } from '../../collector/core/storage.js';
import { BranchResolver } from './git-branch.js';
import { createClaudeCodeMapper } from './mappers/claude-code.js';
import { createCodexMapper } from './mappers/codex.js';
import { createGeminiCliMapper } from './mappers/gemini-cli.js';
import { isObject, str } from './summary.js';
import { ToolTiming } from './tool-timing.js';
import { AGENT_TYPE, type Body, type HookAgent, type HookInput, type HookMapper } from './types.js';

export type Prepared =
  | { kind: 'event'; event: CanonicalEvent }
  | { kind: 'skip'; reason: string }
  | { kind: 'reject'; reason: string };

export interface IngestorOptions {
  storePrompts: boolean;
  now(): Date;
  /** Start times of calls whose Pre hook came before a restart (null: memory only). */
  toolStarts: ToolStartLookup | null;
  branches?: BranchResolver;
}

/**
 * The event id of a hook body: a hash of the agent and the body's exact text. A body re-sent by the
 * hook command after a timeout, or replayed from the spool, is the same event, never a second one.
 * (Two byte-identical bodies are one event too; Gemini's carry a timestamp, and Claude/Codex
 * bodies differ in ids, so in practice only repeated idle notifications fold together.)
 */
export function hookEventId(agent: HookAgent, raw: string): string {
  return `hook-${createHash('sha256').update(agent).update('\n').update(raw).digest('hex')}`;
}

export class HookIngestor {
  private readonly mappers: Record<HookAgent, HookMapper> = {
    'claude-code': createClaudeCodeMapper(),
    codex: createCodexMapper(),
    'gemini-cli': createGeminiCliMapper(),
  };
  private readonly timing: ToolTiming;
  private readonly branches: BranchResolver;

  constructor(private readonly opts: IngestorOptions) {
    this.timing = new ToolTiming(opts.toolStarts);
    this.branches = opts.branches ?? new BranchResolver();
  }

  /**
   * Maps one body and adds the git branch of its cwd. The branch lookup reads the disk, so it is
   * async and bounded (git-branch.ts): it never holds the answer more than a few ms.
   */
  async prepare(agent: HookAgent, raw: string, receivedAt: Date, spooledAt: string | null = null): Promise<Prepared> {
    const prepared = this.mapBody(agent, raw, receivedAt, spooledAt);
    if (prepared.kind === 'event' && prepared.event.cwd) {
      // Set after validation: readBranch gives at most 256 characters, the contract's limit.
      prepared.event.branch = await this.branches.branchOf(prepared.event.cwd);
    }
    return prepared;
  }

  /**
   * Maps one body without touching the disk (branch stays null): synchronous, so tool timing sees
   * posts in arrival order. `spooledAt` is the time the hook command wrote it to the spool (replay
   * only): the best known time of a body that carries none of its own.
   */
  mapBody(agent: HookAgent, raw: string, receivedAt: Date, spooledAt: string | null = null): Prepared {
    if (raw.trim() === '') return { kind: 'reject', reason: 'empty_body' };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { kind: 'reject', reason: 'invalid_json' };
    }
    if (!isObject(body)) return { kind: 'reject', reason: 'not_an_object' };
    const sessionId = str(body.session_id);
    if (!sessionId) return { kind: 'reject', reason: 'missing_session_id' };
    const hookEvent = str(body.hook_event_name);
    if (!hookEvent) return { kind: 'reject', reason: 'missing_hook_event_name' };

    const ownTime = parseTime(body.timestamp);
    const timeMs = ownTime ?? parseTime(spooledAt) ?? receivedAt.getTime();
    const input: HookInput = { agent, body, sessionId, hookEvent, timeMs, storePrompts: this.opts.storePrompts };
    const outcome = this.mappers[agent].map(input);
    if (outcome.kind !== 'event') return outcome;

    const draft = outcome.draft;
    const agentType = AGENT_TYPE[agent];
    const cwd = str(body.cwd);
    const metadata = { ...commonMetadata(body), ...draft.metadata };
    const facts = sessionFacts(body);
    if (facts) metadata.session = { ...facts, ...(isObject(metadata.session) ? metadata.session : {}) };

    let durationMs = draft.duration_ms ?? null;
    if (draft.event_type === 'tool_start') {
      this.timing.started(agentType, sessionId, draft.tool_use_id ?? null, draft.tool_name ?? null, timeMs);
    } else if (draft.event_type === 'tool_use') {
      const paired = this.timing.finished(
        agentType,
        sessionId,
        draft.tool_use_id ?? null,
        draft.tool_name ?? null,
        timeMs,
        durationMs === null,
      );
      if (durationMs === null && paired !== null) {
        durationMs = paired;
        metadata.duration_source = 'hook_pair';
      }
    }

    const candidate = {
      event_id: hookEventId(agent, raw),
      session_id: draft.session_id ?? sessionId,
      agent_type: agentType,
      event_type: draft.event_type,
      source: 'hook',
      tool_name: draft.tool_name ?? null,
      tool_use_id: draft.tool_use_id ?? null,
      status: draft.status ?? null,
      model: draft.model ?? null,
      prompt_id: draft.prompt_id ?? str(body.prompt_id),
      parent_session_id: draft.parent_session_id ?? null,
      correlation_key: draft.correlation_key ?? null,
      duration_ms: durationMs,
      cwd,
      project: projectFromCwd(cwd),
      branch: null,
      client_timestamp: ownTime !== null || spooledAt ? new Date(timeMs).toISOString() : null,
      metadata,
    };
    const result = validateEvent(candidate, { now: () => this.opts.now(), newId: () => candidate.event_id });
    if (!result.ok) return { kind: 'reject', reason: `invalid_${result.errors[0]?.field ?? 'event'}` };
    return { kind: 'event', event: result.event };
  }
}

/** Facts every event keeps: which hook, permission mode, ids that link it to OTel records. */
function commonMetadata(body: Body): Record<string, unknown> {
  const meta: Record<string, unknown> = { hook_event_name: body.hook_event_name };
  const permissionMode = str(body.permission_mode);
  if (permissionMode) meta.permission_mode = permissionMode;
  const turnId = str(body.turn_id);
  if (turnId) meta.turn_id = turnId;
  // Claude Code: set on events fired inside a subagent (its own agent_type names the subagent kind).
  const agentId = str(body.agent_id);
  if (agentId) meta.subagent_id = agentId;
  const subagentType = str(body.agent_type);
  if (subagentType) meta.subagent_type = subagentType;
  if (isObject(body.effort) && str(body.effort.level)) meta.effort = body.effort.level;
  return meta;
}

/** Per-session facts merged into the session row's metadata. */
function sessionFacts(body: Body): Record<string, unknown> | null {
  const transcript = str(body.transcript_path);
  return transcript ? { transcript_path: transcript, hooks: true } : null;
}

function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
