/**
 * Correlation keys: the same real-world occurrence seen by several sources (OTel log, hook, history
 * import) carries the same key, and the store counts only the first sighting in totals. Every
 * receiver builds keys through these functions, so the formats cannot drift apart.
 */

/** One tool call: Claude Code's tool_use_id, Codex's call_id, Gemini's call id. */
export function toolCallKey(sessionId: string, toolCallId: string): string {
  return `tool:${sessionId}:${toolCallId}`;
}

/** One user prompt: Claude Code's prompt.id / prompt_id, Gemini's prompt_id. */
export function promptKey(sessionId: string, promptId: string): string {
  return `prompt:${sessionId}:${promptId}`;
}

/** One API request: Claude Code's OTel request_id ⇔ the transcript's requestId (the API's id). */
export function apiRequestKey(requestId: string): string {
  return `api:${requestId}`;
}

/** One Codex model call, identified by its thread and the thread's cumulative token total after it. */
export function codexUsageKey(threadId: string, cumulativeTotalTokens: number): string {
  return `codex-usage:${threadId}:${cumulativeTotalTokens}`;
}

/** A session's start or end, seen by a hook and by telemetry. */
export function sessionBoundaryKey(sessionId: string, boundary: 'start' | 'end'): string {
  return `session-${boundary}:${sessionId}`;
}

/**
 * Live Codex telemetry reports each call's tokens but not the thread's cumulative total. An event
 * carrying this metadata field (the call's total tokens) gets its codexUsageKey from the store,
 * which keeps the running total per thread, so it folds with the same call imported from a rollout.
 */
export const CODEX_CALL_TOTAL = 'codex_call_total_tokens';
