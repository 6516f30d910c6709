/**
 * Mapping steps every agent's hooks share: session boundaries, prompts, tool start/end,
 * notifications, subagents and the generic fallback. Claude Code and Codex send the same shapes;
 * Gemini CLI reuses the steps under its own event names.
 */
import { promptKey, sessionBoundaryKey, toolCallKey } from '../../../collector/core/correlation.js';
import {
  clip,
  isObject,
  num,
  promptFields,
  responseFailed,
  sizeOf,
  snakeCase,
  str,
  summarizeError,
  summarizeToolInput,
  summarizeToolResponse,
} from '../summary.js';
import type { Draft, HookInput, MapOutcome } from '../types.js';

/** Drops null/undefined entries so metadata stays small and readable. */
export function compact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

export function event(draft: Draft): MapOutcome {
  return { kind: 'event', draft: { ...draft, metadata: compact(draft.metadata) } };
}

export function sessionStart(input: HookInput, extra: Record<string, unknown> = {}): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'session_start',
    model: str(b.model),
    correlation_key: sessionBoundaryKey(input.sessionId, 'start'),
    // A session title may be written from the prompt: kept only where prompts are.
    metadata: {
      source: str(b.source) ?? str(b.trigger),
      session_title: input.storePrompts ? clipped(b.session_title) : undefined,
      ...extra,
    },
  });
}

export function sessionEnd(input: HookInput): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'session_end',
    correlation_key: sessionBoundaryKey(input.sessionId, 'end'),
    metadata: { reason: str(b.reason) ?? str(b.trigger) ?? 'unknown' },
  });
}

export function userPrompt(input: HookInput): MapOutcome {
  const promptId = str(input.body.prompt_id);
  return event({
    event_type: 'user_prompt',
    prompt_id: promptId,
    correlation_key: promptId ? promptKey(input.sessionId, promptId) : null,
    metadata: promptFields(input.body.prompt, input.storePrompts),
  });
}

export function toolStart(input: HookInput): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'tool_start',
    tool_name: str(b.tool_name),
    tool_use_id: str(b.tool_use_id),
    status: 'pending',
    metadata: { tool_input: summarizeToolInput(b.tool_input, input.storePrompts), mcp_server: mcpServer(b) },
  });
}

/**
 * A finished tool call. `failed` says whether the hook itself reports a failure (Claude's
 * PostToolUseFailure); otherwise the response is inspected (Gemini's `error`). The correlation key
 * is the one the OTLP receiver gives the same call (Claude tool_use_id, Codex call_id).
 */
export function toolEnd(input: HookInput, failed: boolean): MapOutcome {
  const b = input.body;
  const toolUseId = str(b.tool_use_id);
  const isError = failed || responseFailed(b.tool_response);
  return event({
    event_type: 'tool_use',
    tool_name: str(b.tool_name),
    tool_use_id: toolUseId,
    status: isError ? 'error' : 'success',
    duration_ms: nonNegative(num(b.duration_ms)),
    correlation_key: toolUseId ? toolCallKey(input.sessionId, toolUseId) : null,
    metadata: {
      tool_input: summarizeToolInput(b.tool_input, input.storePrompts),
      tool_response: summarizeToolResponse(b.tool_response),
      error: summarizeError(b.error, input.storePrompts),
      interrupted: b.is_interrupt === true ? true : undefined,
      mcp_server: mcpServer(b),
    },
  });
}

export function permissionRequest(input: HookInput): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'permission_request',
    tool_name: str(b.tool_name),
    tool_use_id: str(b.tool_use_id),
    metadata: {
      tool_input: summarizeToolInput(b.tool_input, input.storePrompts),
      suggestions: Array.isArray(b.permission_suggestions) ? b.permission_suggestions.length : undefined,
    },
  });
}

export function notification(input: HookInput): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'notification',
    metadata: {
      notification_type: str(b.notification_type),
      // The message can quote commands or file contents: its text only when prompts are stored.
      title: input.storePrompts ? clipped(b.title) : undefined,
      message: input.storePrompts ? clipped(b.message) : undefined,
      message_length: typeof b.message === 'string' ? b.message.length : undefined,
      details_keys: isObject(b.details) ? Object.keys(b.details).slice(0, 20) : undefined,
    },
  });
}

/** A turn finished (Claude/Codex Stop, Gemini AfterAgent); `failure` for StopFailure. */
export function stop(input: HookInput, extra: Record<string, unknown> = {}, failure = false): MapOutcome {
  const b = input.body;
  const response = b.last_assistant_message ?? b.prompt_response;
  return event({
    event_type: 'stop',
    status: failure ? 'error' : null,
    metadata: {
      stop_hook_active: typeof b.stop_hook_active === 'boolean' ? b.stop_hook_active : undefined,
      response_length: typeof response === 'string' ? response.length : undefined,
      background_tasks: Array.isArray(b.background_tasks) ? b.background_tasks.length : undefined,
      error: failure ? (str(b.error) ?? 'unknown') : undefined,
      error_details: failure && input.storePrompts ? clipped(b.error_details) : undefined,
      ...extra,
    },
  });
}

export function compactEvent(input: HookInput): MapOutcome {
  const b = input.body;
  return event({
    event_type: 'compact',
    metadata: {
      trigger: str(b.trigger),
      custom_instructions_length: typeof b.custom_instructions === 'string' ? b.custom_instructions.length : undefined,
    },
  });
}

/** The child session a subagent's start/stop is recorded in: unique per parent and agent id. */
export function childSessionId(parentSessionId: string, agentId: string): string {
  return `${parentSessionId}/agent-${agentId}`;
}

/**
 * SubagentStart/SubagentStop: recorded in a child session whose parent_session_id is the session
 * that spawned it, so the session API lists it under `children`. Tool calls made inside the
 * subagent stay in the parent session (as OTel reports them), tagged with metadata.subagent_id.
 */
export function subagent(input: HookInput, phase: 'start' | 'stop'): MapOutcome {
  const b = input.body;
  const agentId = str(b.agent_id);
  const response = b.last_assistant_message;
  return event({
    event_type: phase === 'start' ? 'subagent_start' : 'subagent_stop',
    session_id: agentId ? childSessionId(input.sessionId, agentId) : undefined,
    parent_session_id: agentId ? input.sessionId : null,
    metadata: {
      subagent_id: agentId,
      subagent_type: str(b.agent_type),
      response_length: typeof response === 'string' ? response.length : undefined,
      session: agentId ? { subagent_type: str(b.agent_type), subagent_id: agentId } : undefined,
    },
  });
}

/**
 * Events this receiver has no rule for: kept under their own name (snake_case), with only the
 * names and sizes of their fields, since any field may hold content.
 */
export function generic(input: HookInput): MapOutcome {
  const fields: Record<string, number> = {};
  for (const [key, value] of Object.entries(input.body)) {
    if (!COMMON_FIELDS.has(key)) fields[key] = sizeOf(value);
  }
  return event({
    event_type: snakeCase(input.hookEvent),
    tool_name: str(input.body.tool_name),
    metadata: { generic: true, field_sizes: fields },
  });
}

const COMMON_FIELDS = new Set([
  'session_id',
  'transcript_path',
  'cwd',
  'hook_event_name',
  'permission_mode',
  'prompt_id',
  'turn_id',
  'timestamp',
  'model',
  'effort',
]);

function clipped(value: unknown): string | null {
  const text = str(value);
  return text ? clip(text) : null;
}

function nonNegative(value: number | null): number | null {
  return value !== null && value >= 0 ? value : null;
}

function mcpServer(b: Record<string, unknown>): string | null {
  return isObject(b.mcp_context) ? str(b.mcp_context.server_name) : null;
}
