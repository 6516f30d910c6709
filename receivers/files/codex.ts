/**
 * Codex rollouts (~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl) → canonical events.
 *
 * Usage: each token_count event carries the thread's cumulative total_token_usage; the model call
 * it stands for is the delta against the previous snapshot in the file. Snapshots that did not
 * advance are re-emissions (rate-limit refreshes) and are skipped. Codex counts cached input inside
 * input and reasoning inside output, so tokens_in = input − cached (− cache writes),
 * cache_read = cached, tokens_out = output, reasoning_tokens = reasoning.
 *
 * Forks and subagents copy the parent's history, token_count lines included. Two guards keep that
 * replay from being counted again: the usage event id is a digest of the line's timestamp and
 * cumulative snapshot (a copied line has both, so it is a duplicate of the parent's event), and a
 * file that carries its parent's session_meta (the second one, copied in with the history) treats
 * the burst of token_counts sharing the first one's second as baseline only (ccusage's rule for
 * replays stamped with the fork time).
 *
 * Tools: function_call / custom_tool_call / local_shell_call become one tool_use event when their
 * output arrives. Arguments and outputs are never stored.
 */
import { AGENTS } from '../../collector/core/agents.js';
import { codexCallKey, toolCallKey } from '../../collector/core/correlation.js';
import { digest, durationMs, EventSink, isObject, str, tokens } from './emit.js';

interface Snapshot {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  total: number;
}

interface CallDraft {
  name: string;
  ts: string | null;
  exitCode: number | null;
}

export interface CodexState {
  threadId: string | null;
  parentThreadId: string | null;
  forkedFrom: string | null;
  /** A second session_meta (the parent's) was copied in: the parent's usage may replay next. */
  replayPossible: boolean;
  /** The first token_count's second while a fork's replay burst may still run; 'done' after. */
  replaySecond: string | null;
  cwd: string | null;
  branch: string | null;
  model: string | null;
  cliVersion: string | null;
  originator: string | null;
  legacyTs: string | null;
  prev: Snapshot | null;
  calls: Record<string, CallDraft>;
}

export function emptyCodexState(): CodexState {
  return {
    threadId: null,
    parentThreadId: null,
    forkedFrom: null,
    replayPossible: false,
    replaySecond: null,
    cwd: null,
    branch: null,
    model: null,
    cliVersion: null,
    originator: null,
    legacyTs: null,
    prev: null,
    calls: {},
  };
}

const CALL_TYPES = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);
const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output']);
const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

function snapshot(u: unknown): Snapshot | null {
  if (!isObject(u)) return null;
  const input = tokens(u.input_tokens) ?? 0;
  const output = tokens(u.output_tokens) ?? 0;
  return {
    input,
    cached: tokens(u.cached_input_tokens) ?? 0,
    cacheWrite: tokens(u.cache_write_input_tokens) ?? 0,
    output,
    reasoning: tokens(u.reasoning_output_tokens) ?? 0,
    total: tokens(u.total_tokens) ?? input + output,
  };
}

function minus(a: Snapshot, b: Snapshot): Snapshot {
  return {
    input: Math.max(0, a.input - b.input),
    cached: Math.max(0, a.cached - b.cached),
    cacheWrite: Math.max(0, a.cacheWrite - b.cacheWrite),
    output: Math.max(0, a.output - b.output),
    reasoning: Math.max(0, a.reasoning - b.reasoning),
    total: Math.max(0, a.total - b.total),
  };
}

/** A tool output's outcome: an explicit success flag, else a non-zero exit code in the text. */
function outputStatus(output: unknown, exitCode: number | null): 'success' | 'error' {
  if (exitCode !== null) return exitCode === 0 ? 'success' : 'error';
  if (isObject(output) && output.success === false) return 'error';
  if (typeof output === 'string') {
    const m = /^Exit code: (-?\d+)/.exec(output) ?? /"exit_code"\s*:\s*(-?\d+)/.exec(output.slice(0, 4096));
    if (m && Number(m[1]) !== 0) return 'error';
  }
  return 'success';
}

export class CodexParser {
  private readonly s: CodexState;

  constructor(
    private readonly stem: string,
    state: CodexState | null,
    private readonly sink: EventSink,
  ) {
    this.s = state ?? emptyCodexState();
  }

  line(entry: Record<string, unknown>, offset: number): void {
    let type = entry.type;
    let payload = entry.payload;
    let ts = str(entry.timestamp);
    if (!isObject(payload)) {
      // Early (2025) layout: a bare meta object first, then bare response items.
      if (offset === 0 && type === undefined && str(entry.id)) {
        this.meta(entry);
        this.s.legacyTs = ts;
        return;
      }
      if (typeof type !== 'string') return;
      payload = entry;
      type = 'response_item';
      ts ??= this.s.legacyTs;
    }
    const p = payload as Record<string, unknown>;
    if (type === 'session_meta') this.meta(p);
    else if (type === 'turn_context') {
      this.s.model = str(p.model) ?? this.s.model;
      this.s.cwd = str(p.cwd) ?? this.s.cwd;
    } else if (type === 'event_msg') {
      if (p.type === 'token_count') this.tokenCount(p, ts);
      else if (p.type === 'exec_command_end') {
        const call = this.s.calls[str(p.call_id) ?? ''];
        if (call && typeof p.exit_code === 'number') call.exitCode = p.exit_code;
      }
    } else if (type === 'response_item') this.responseItem(p, ts);
  }

  /** Calls still waiting for their output stay in the state unless the file is settled. */
  finish(flushCalls: boolean): CodexState {
    if (flushCalls) {
      for (const [id, call] of Object.entries(this.s.calls)) this.emitTool(id, call, 'cancelled', null);
      this.s.calls = {};
    }
    return this.s;
  }

  /** The thread id from the file name, found once per file (events name the thread several times). */
  private stemThread: string | null = null;

  private get thread(): string {
    return this.s.threadId ?? (this.stemThread ??= UUID.exec(this.stem)?.[1] ?? this.stem);
  }

  private meta(p: Record<string, unknown>): void {
    const id = str(p.id) ?? str(p.session_id);
    if (this.s.threadId === null) {
      this.s.threadId = id;
      this.s.cwd = str(p.cwd) ?? this.s.cwd;
      this.s.cliVersion = str(p.cli_version);
      this.s.originator = str(p.originator);
      if (isObject(p.git)) this.s.branch = str(p.git.branch);
      const source = p.source;
      const spawn = isObject(source) && isObject(source.subagent) ? source.subagent.thread_spawn : null;
      if (isObject(spawn) && str(spawn.parent_thread_id)) {
        this.s.parentThreadId = str(spawn.parent_thread_id);
      }
      this.s.forkedFrom = str(p.forked_from_id);
    } else if (id && id !== this.s.threadId) {
      // A second session_meta with another id is the parent's, copied into a fork.
      this.s.forkedFrom ??= id;
      this.s.replayPossible = true;
    }
  }

  private tokenCount(p: Record<string, unknown>, ts: string | null): void {
    const info = p.info;
    if (!isObject(info)) return; // a rate-limit-only refresh
    const total = snapshot(info.total_token_usage);
    let delta: Snapshot | null;
    let fingerprint: string;
    if (total) {
      const prev = this.s.prev;
      if (prev && total.total <= prev.total) {
        if (total.total < prev.total) this.s.prev = total; // the thread was reset: new baseline
        return; // an unchanged snapshot re-emitted
      }
      delta = prev ? minus(total, prev) : total;
      this.s.prev = total;
      fingerprint = JSON.stringify([ts, total]);
    } else {
      delta = snapshot(info.last_token_usage);
      if (!delta || delta.total === 0) return;
      fingerprint = JSON.stringify([ts, 'last', delta]);
    }
    if (this.inReplayBurst(ts)) return;
    if (delta.total === 0 && delta.input === 0 && delta.output === 0) return;

    const cached = Math.min(delta.cached, delta.input);
    const cacheWrite = Math.min(delta.cacheWrite, delta.input - cached);
    const model = str(info.model) ?? str(p.model) ?? this.s.model;
    const rateLimits = isObject(p.rate_limits) ? compactLimits(p.rate_limits) : undefined;
    this.sink.emit({
      event_id: `codex:usage:${digest(fingerprint)}`,
      session_id: this.thread,
      parent_session_id: this.s.parentThreadId,
      agent_type: AGENTS.codex.id,
      event_type: 'api_request',
      status: 'success',
      model,
      cwd: this.s.cwd,
      branch: this.s.branch,
      client_timestamp: ts,
      tokens_in: delta.input - cached - cacheWrite,
      cache_read_tokens: cached,
      cache_write_tokens: cacheWrite > 0 ? cacheWrite : null,
      tokens_out: delta.output,
      reasoning_tokens: Math.min(delta.reasoning, delta.output),
      // The call's own figures, as live telemetry reports them per call (one count per call).
      correlation_key: codexCallKey(this.thread, {
        input: delta.input,
        cached: delta.cached,
        output: delta.output,
        reasoning: delta.reasoning,
      }),
      metadata: {
        cumulative_total_tokens: total?.total,
        rate_limits: rateLimits,
        session: {
          cli_version: this.s.cliVersion ?? undefined,
          originator: this.s.originator ?? undefined,
          forked_from: this.s.forkedFrom ?? undefined,
          imported: true,
        },
      },
    });
  }

  /** ccusage's rule for replays stamped with the fork time: skip the burst sharing the first second. */
  private inReplayBurst(ts: string | null): boolean {
    if (!this.s.replayPossible || this.s.replaySecond === 'done') return false;
    const second = ts ? ts.slice(0, 19) : null;
    if (this.s.replaySecond === null && second) {
      this.s.replaySecond = second;
      return true;
    }
    if (second && second === this.s.replaySecond) return true;
    this.s.replaySecond = 'done';
    return false;
  }

  private responseItem(p: Record<string, unknown>, ts: string | null): void {
    const type = String(p.type);
    const callId = str(p.call_id) ?? str(p.id);
    if (CALL_TYPES.has(type) && callId) {
      const name = str(p.name) ?? (type === 'local_shell_call' ? 'local_shell' : type);
      this.s.calls[callId] ??= { name, ts, exitCode: null };
    } else if (OUTPUT_TYPES.has(type) && callId) {
      const call = this.s.calls[callId];
      if (!call) {
        this.sink.counters.skipped++;
        return;
      }
      delete this.s.calls[callId];
      this.emitTool(callId, call, outputStatus(p.output, call.exitCode), ts);
    } else if (type === 'web_search_call') {
      const id = callId ?? `${ts}`;
      const status = p.status === 'failed' ? 'error' : 'success';
      this.emitTool(id, { name: 'web_search', ts, exitCode: null }, status, ts);
    }
  }

  private emitTool(callId: string, call: CallDraft, status: string, resultTs: string | null): void {
    this.sink.emit({
      event_id: `codex:tool:${this.thread}:${callId}`,
      session_id: this.thread,
      parent_session_id: this.s.parentThreadId,
      agent_type: AGENTS.codex.id,
      event_type: 'tool_use',
      tool_name: call.name,
      status,
      tool_use_id: callId,
      correlation_key: toolCallKey(this.thread, callId),
      client_timestamp: resultTs ?? call.ts,
      duration_ms: durationMs(call.ts, resultTs),
      cwd: this.s.cwd,
      branch: this.s.branch,
      metadata: { duration_source: 'rollout' },
    });
  }
}

function compactLimits(r: Record<string, unknown>): Record<string, unknown> {
  const pick = (w: unknown) =>
    isObject(w) ? { used_percent: w.used_percent, window_minutes: w.window_minutes, resets_at: w.resets_at } : undefined;
  return { primary: pick(r.primary), secondary: pick(r.secondary) };
}
