/**
 * Claude Code transcripts (~/.claude/projects/<project>/<session>.jsonl and
 * <session>/subagents/agent-<id>.jsonl) → canonical events.
 *
 * One api_request per API response. A response is written as several `assistant` lines (one per
 * content block) sharing message.id and requestId, each repeating a usage snapshot; only the last
 * carries the final output count. So lines are grouped by message.id and the group keeps the line
 * with the largest usage; a group is emitted only when it is final: a later response of the same
 * thread has begun, the turn has ended (a `turn_duration` or `stop_hook_summary` line), or the
 * file has been quiet long enough (otherwise it waits in the parser state for the next run). The event id is derived from message.id, so the same response found again (a
 * resumed session copies its history; /btw side questions replay messages) is a duplicate.
 *
 * Tool calls: each tool_use block becomes one tool_use event when its tool_result arrives
 * (status from is_error, duration from the two lines' timestamps). Tool inputs are never stored.
 */
import { AGENTS } from '../../collector/core/agents.js';
import { apiRequestKey, claudeCallKey, toolCallKey } from '../../collector/core/correlation.js';
import { childSessionId, durationMs, EventSink, isObject, str, tokens } from './emit.js';

export interface ClaudeFileContext {
  /** Set for files under <session>/subagents/ or named agent-*.jsonl. */
  subagent: { parentSessionId: string | null; agentId: string } | null;
  /** The file name without .jsonl: the session id of a main transcript. */
  stem: string;
}

interface Thread {
  session: string;
  parent: string | null;
  /** The session id the agent itself used (hooks and OTel key tool calls with it). */
  keySession: string;
  subagentId: string | null;
}

interface ApiDraft {
  key: string;
  thread: string;
  total: number;
  hasSpeed: boolean;
  fields: Record<string, unknown>;
}

interface ToolDraft {
  id: string;
  name: string;
  ts: string | null;
  thread: Thread;
  cwd: string | null;
  branch: string | null;
  inputBytes: number;
}

export interface ClaudeState {
  open: Record<string, ApiDraft>;
  lastKey: Record<string, string>;
  tools: Record<string, ToolDraft>;
}

/**
 * System lines Claude Code writes when a turn is over: `turn_duration` (2.1.x) and
 * `stop_hook_summary` (when Stop hooks ran). parse-worker.ts reads lines naming them.
 */
export const TURN_END = new Set(['turn_duration', 'stop_hook_summary']);

/**
 * What user() reads of a line: a line that holds tool results but is no assistant or system line
 * is read through pick() with these fields only (its tool output, most of a transcript, is skipped).
 */
export const USER_PICK = {
  type: true,
  timestamp: true,
  message: { role: true, content: { '[]': { type: true, tool_use_id: true, is_error: true } } },
} as const;

/** Whether line() would read this entry with user() alone (USER_PICK holds all it needs). */
export function isUserEntry(entry: Record<string, unknown>): boolean {
  return (entry.type ?? (isObject(entry.message) ? entry.message.role : undefined)) === 'user';
}

export function emptyClaudeState(): ClaudeState {
  return { open: {}, lastKey: {}, tools: {} };
}

function usageTotal(u: Record<string, unknown>): number {
  return (
    (tokens(u.input_tokens) ?? 0) +
    (tokens(u.output_tokens) ?? 0) +
    (tokens(u.cache_creation_input_tokens) ?? 0) +
    (tokens(u.cache_read_input_tokens) ?? 0)
  );
}

export class ClaudeParser {
  private readonly state: ClaudeState;

  constructor(
    private readonly ctx: ClaudeFileContext,
    state: ClaudeState | null,
    private readonly sink: EventSink,
  ) {
    this.state = state ?? emptyClaudeState();
  }

  line(entry: Record<string, unknown>, offset: number): void {
    // Early versions (and some tools' copies) omit `type`; the message's role says the same.
    const role = isObject(entry.message) ? entry.message.role : undefined;
    const type = entry.type ?? role;
    if (type === 'assistant') this.assistant(entry, offset);
    else if (type === 'user') this.user(entry);
    else if (type === 'system' && TURN_END.has(entry.subtype as string)) this.turnEnd(entry);
  }

  /** A turn-end line is written after the turn's last response: its responses are final. */
  private turnEnd(entry: Record<string, unknown>): void {
    const threadKey = this.thread(entry).session;
    for (const draft of Object.values(this.state.open)) {
      if (draft.thread !== threadKey) continue;
      this.emitResponse(draft);
      delete this.state.open[draft.key];
    }
    delete this.state.lastKey[threadKey];
  }

  /** Emits what is final and returns what must wait for the next run. */
  finish(flushResponses: boolean, flushTools: boolean): ClaudeState {
    if (flushResponses) {
      for (const draft of Object.values(this.state.open)) this.emitResponse(draft);
      this.state.open = {};
      this.state.lastKey = {};
    }
    if (flushTools) {
      // The session ended without a result for these calls (interrupted): recorded as cancelled.
      for (const draft of Object.values(this.state.tools)) this.emitTool(draft, 'cancelled', null);
      this.state.tools = {};
    }
    return this.state;
  }

  private thread(entry: Record<string, unknown>): Thread {
    const fromPath = this.ctx.subagent;
    const sessionField = str(entry.sessionId);
    const agentId = str(entry.agentId) ?? fromPath?.agentId ?? null;
    const isSubagent = fromPath !== null || (entry.isSidechain === true && agentId !== null);
    if (isSubagent && agentId) {
      // A subagent's lines carry the parent's sessionId; its own session hangs under the parent.
      const parent = sessionField ?? fromPath?.parentSessionId ?? null;
      const session = parent ? childSessionId(parent, agentId) : `agent-${agentId}`;
      return { session, parent, keySession: parent ?? session, subagentId: agentId };
    }
    const session = sessionField ?? this.ctx.stem;
    return { session, parent: null, keySession: session, subagentId: null };
  }

  private assistant(entry: Record<string, unknown>, offset: number): void {
    const msg = entry.message;
    if (!isObject(msg)) return;
    const model = str(msg.model);
    if (model === '<synthetic>') {
      this.sink.counters.skipped++;
      return;
    }
    const thread = this.thread(entry);
    const ts = str(entry.timestamp);
    const cwd = str(entry.cwd);
    const branch = str(entry.gitBranch);
    if (Array.isArray(msg.content)) {
      for (const block of msg.content) {
        if (!isObject(block)) continue;
        const id = str(block.id);
        const name = str(block.name);
        if (!id || !name) continue;
        if (block.type === 'tool_use' && !this.state.tools[id]) {
          const inputBytes = block.input === undefined ? 0 : JSON.stringify(block.input).length;
          this.state.tools[id] = { id, name, ts, thread, cwd, branch, inputBytes };
        } else if (block.type === 'server_tool_use') {
          // Server-side tools (web search) run inside the API call: no separate result line.
          this.emitTool({ id, name, ts, thread, cwd, branch, inputBytes: 0 }, 'success', ts);
        }
      }
    }

    const usage = msg.usage;
    if (!isObject(usage)) return;
    const messageId = str(msg.id);
    const requestId = str(entry.requestId);
    const key = messageId ?? requestId ?? str(entry.uuid) ?? `offset:${offset}`;
    const threadKey = thread.session;
    // A new response in this thread means every earlier one of the thread is complete.
    const last = this.state.lastKey[threadKey];
    if (last !== undefined && last !== key) {
      for (const draft of Object.values(this.state.open)) {
        if (draft.thread === threadKey && draft.key !== key) {
          this.emitResponse(draft);
          delete this.state.open[draft.key];
        }
      }
    }
    this.state.lastKey[threadKey] = key;

    const total = usageTotal(usage);
    const hasSpeed = typeof usage.speed === 'string';
    const previous = this.state.open[key];
    if (previous && (total < previous.total || (total === previous.total && (previous.hasSpeed || !hasSpeed)))) {
      // Keep the larger snapshot, but fill a TTL split the final line may lack.
      fillSplit(previous.fields, usage);
      return;
    }
    const fields = this.responseFields(entry, msg, usage, { thread, model, messageId, requestId, key, cwd, branch });
    if (previous) {
      fields.client_timestamp = previous.fields.client_timestamp ?? fields.client_timestamp;
      if (fields.metadata && previous.fields.metadata) copySplit(previous.fields, fields);
    }
    this.state.open[key] = { key, thread: threadKey, total, hasSpeed, fields };
  }

  private responseFields(
    entry: Record<string, unknown>,
    msg: Record<string, unknown>,
    usage: Record<string, unknown>,
    x: {
      thread: Thread;
      model: string | null;
      messageId: string | null;
      requestId: string | null;
      key: string;
      cwd: string | null;
      branch: string | null;
    },
  ): Record<string, unknown> {
    const split = isObject(usage.cache_creation) ? usage.cache_creation : {};
    const idPart = x.messageId ? `msg:${x.messageId}` : x.requestId ? `req:${x.requestId}` : `key:${x.thread.session}:${x.key}`;
    const cost = typeof entry.costUSD === 'number' && entry.costUSD >= 0 ? entry.costUSD : null;
    const isError = entry.isApiErrorMessage === true;
    return {
      event_id: `claude:${idPart}`,
      session_id: x.thread.session,
      parent_session_id: x.thread.parent,
      agent_type: AGENTS.claude_code.id,
      event_type: isError ? 'api_error' : 'api_request',
      status: isError ? 'error' : 'success',
      model: x.model,
      cwd: x.cwd,
      branch: x.branch,
      client_timestamp: str(entry.timestamp),
      tokens_in: tokens(usage.input_tokens),
      tokens_out: tokens(usage.output_tokens),
      cache_read_tokens: tokens(usage.cache_read_input_tokens),
      cache_write_tokens: tokens(usage.cache_creation_input_tokens),
      cost_usd: cost,
      request_id: x.requestId,
      correlation_key: x.requestId
        ? apiRequestKey(x.requestId)
        : isError
          ? null
          : // No requestId (a gateway dropped the header): the store pairs it with the live
            // api_request by these figures (OTel reports no tokens for api_error).
            claudeCallKey(x.thread.keySession, {
              input: tokens(usage.input_tokens),
              output: tokens(usage.output_tokens),
              cacheRead: tokens(usage.cache_read_input_tokens),
              cacheWrite: tokens(usage.cache_creation_input_tokens),
            }),
      metadata: {
        message_id: x.messageId,
        subagent_id: x.thread.subagentId ?? undefined,
        is_sidechain: entry.isSidechain === true ? true : undefined,
        cache_creation_5m_tokens: tokens(split.ephemeral_5m_input_tokens) ?? undefined,
        cache_creation_1h_tokens: tokens(split.ephemeral_1h_input_tokens) ?? undefined,
        speed: str(usage.speed) ?? undefined,
        service_tier: str(usage.service_tier) ?? undefined,
        stop_reason: str(msg.stop_reason) ?? undefined,
        session: { cli_version: str(entry.version) ?? undefined, imported: true },
      },
    };
  }

  private user(entry: Record<string, unknown>): void {
    const msg = entry.message;
    if (!isObject(msg) || !Array.isArray(msg.content)) return;
    const ts = str(entry.timestamp);
    for (const block of msg.content) {
      if (!isObject(block) || block.type !== 'tool_result') continue;
      const id = str(block.tool_use_id);
      if (!id) continue;
      const draft = this.state.tools[id];
      if (!draft) {
        this.sink.counters.skipped++; // its call is in another file or was already imported
        continue;
      }
      delete this.state.tools[id];
      this.emitTool(draft, block.is_error === true ? 'error' : 'success', ts);
    }
  }

  private emitResponse(draft: ApiDraft): void {
    this.sink.emit(draft.fields);
  }

  private emitTool(draft: ToolDraft, status: string, resultTs: string | null): void {
    this.sink.emit({
      event_id: `claude:tool:${draft.id}`,
      session_id: draft.thread.session,
      parent_session_id: draft.thread.parent,
      agent_type: AGENTS.claude_code.id,
      event_type: 'tool_use',
      tool_name: draft.name,
      status,
      tool_use_id: draft.id,
      correlation_key: toolCallKey(draft.thread.keySession, draft.id),
      client_timestamp: resultTs ?? draft.ts,
      duration_ms: durationMs(draft.ts, resultTs),
      cwd: draft.cwd,
      branch: draft.branch,
      metadata: {
        subagent_id: draft.thread.subagentId ?? undefined,
        tool_input_bytes: draft.inputBytes,
        duration_source: 'transcript',
      },
    });
  }
}

function splitOf(usage: Record<string, unknown>): { m5: number | null; h1: number | null } {
  const split = isObject(usage.cache_creation) ? usage.cache_creation : {};
  return { m5: tokens(split.ephemeral_5m_input_tokens), h1: tokens(split.ephemeral_1h_input_tokens) };
}

/** The final line of a response sometimes omits the 5m/1h split an earlier line of it had. */
function fillSplit(fields: Record<string, unknown>, usage: Record<string, unknown>): void {
  const meta = fields.metadata as Record<string, unknown>;
  if (meta.cache_creation_5m_tokens !== undefined || meta.cache_creation_1h_tokens !== undefined) return;
  if (tokens(usage.cache_creation_input_tokens) !== fields.cache_write_tokens) return;
  const { m5, h1 } = splitOf(usage);
  if (m5 !== null) meta.cache_creation_5m_tokens = m5;
  if (h1 !== null) meta.cache_creation_1h_tokens = h1;
}

function copySplit(from: Record<string, unknown>, to: Record<string, unknown>): void {
  const src = from.metadata as Record<string, unknown>;
  const dst = to.metadata as Record<string, unknown>;
  if (dst.cache_creation_5m_tokens !== undefined || dst.cache_creation_1h_tokens !== undefined) return;
  if (from.cache_write_tokens !== to.cache_write_tokens) return;
  if (src.cache_creation_5m_tokens !== undefined) dst.cache_creation_5m_tokens = src.cache_creation_5m_tokens;
  if (src.cache_creation_1h_tokens !== undefined) dst.cache_creation_1h_tokens = src.cache_creation_1h_tokens;
}
