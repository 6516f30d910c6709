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

/**
 * One Codex model call, by its thread and its own token figures (Codex's raw input incl. cached,
 * cached, output incl. reasoning, reasoning). Both live telemetry (per call) and the rollout (the
 * delta between cumulative snapshots) know these four, so the key cannot drift when a source missed
 * a call or a forked thread's totals start from its parent's.
 */
export function codexCallKey(
  threadId: string,
  call: { input: number; cached: number; output: number; reasoning: number },
): string {
  return `codex-call:${threadId}:${call.input}:${call.cached}:${call.output}:${call.reasoning}`;
}

/** A session's start or end, seen by a hook and by telemetry. */
export function sessionBoundaryKey(sessionId: string, boundary: 'start' | 'end'): string {
  return `session-${boundary}:${sessionId}`;
}

