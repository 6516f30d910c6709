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

const CLAUDE_CALL_PREFIX = 'claude-call:';

/**
 * One Claude API call whose request id is unknown (a proxy or gateway dropped the `request-id`
 * header, so neither OTel nor the transcript has one): its session as the agent keys it (a
 * subagent's calls carry the parent's session id live) and its own four token figures. Several
 * calls can share these, so this is not yet an identity: the store pairs each sighting with one
 * unpaired sighting of the same base from another source, the nearest in time within
 * CALL_PAIR_WINDOW_MS, and stores both under `<base>#<n>` (pairedCallKey). An absent figure counts as
 * 0 (older transcripts omit the cache fields); a call without any figure gets no key.
 */
export function claudeCallKey(
  sessionId: string,
  call: { input: number | null; output: number | null; cacheRead: number | null; cacheWrite: number | null },
): string | null {
  const figures = [call.input, call.output, call.cacheRead, call.cacheWrite];
  if (figures.every((v) => v === null)) return null;
  return `${CLAUDE_CALL_PREFIX}${sessionId}:${figures.map((v) => v ?? 0).join(':')}`;
}

/**
 * How far apart in time the two sightings of one call may be. Live, Claude Code logs api_request
 * when the response has ended; the transcript's time is its first content block's, so the gap is at
 * most the request's duration (API_TIMEOUT_MS, 10 min by default; gateways often raise it).
 */
export const CALL_PAIR_WINDOW_MS = 60 * 60_000;

/** A key the store must pair (claudeCallKey) rather than claim as it is. */
export function isCallPairBase(key: string): boolean {
  return key.startsWith(CLAUDE_CALL_PREFIX) && !/#\d+$/.test(key);
}

/** The identity of one pair: the base and the store's number for it. */
export function pairedCallKey(base: string, n: number): string {
  return `${base}#${n}`;
}

/** A session's start or end, seen by a hook and by telemetry. */
export function sessionBoundaryKey(sessionId: string, boundary: 'start' | 'end'): string {
  return `session-${boundary}:${sessionId}`;
}

