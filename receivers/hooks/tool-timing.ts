/**
 * Tool durations from Pre/Post pairs, for agents whose after-tool hook has no duration (Codex,
 * Gemini CLI). The start time of each open call is kept in a bounded in-memory LRU; a call whose
 * start is no longer in memory (the server restarted between the two hooks) is looked up among
 * the session's stored tool_start events (the storage's tool-start lookup).
 *  - With a tool_use_id (Claude Code, Codex) the pair is matched exactly.
 *  - Without one (Gemini CLI) calls of the same tool in one session are matched first-in,
 *    first-out: the agent runs them in order, so the oldest open start belongs to the next end.
 */
import type { ToolStartLookup } from '../../collector/core/storage.js';

/** Longest duration believed; a pair further apart is a mismatch, not a call. */
const MAX_DURATION_MS = 24 * 3_600_000;

export class ToolTiming {
  private readonly byId = new Map<string, number>();
  private readonly byName = new Map<string, number[]>();

  constructor(
    private readonly starts: ToolStartLookup | null,
    private readonly maxOpen = 10_000,
  ) {}

  started(agentType: string, sessionId: string, toolUseId: string | null, toolName: string | null, timeMs: number): void {
    if (toolUseId) {
      const key = `${agentType}\u0000${sessionId}\u0000${toolUseId}`;
      this.byId.delete(key);
      this.byId.set(key, timeMs);
      if (this.byId.size > this.maxOpen) this.byId.delete(this.byId.keys().next().value as string);
      return;
    }
    if (!toolName) return;
    const key = `${agentType}\u0000${sessionId}\u0000${toolName}`;
    const queue = this.byName.get(key) ?? [];
    this.byName.delete(key);
    queue.push(timeMs);
    if (queue.length > 64) queue.shift();
    this.byName.set(key, queue);
    if (this.byName.size > this.maxOpen) this.byName.delete(this.byName.keys().next().value as string);
  }

  /**
   * The call's duration in ms, or null when its start is unknown. Always closes the open call;
   * `lookUpStored` allows the store query for a start no longer in memory (skip it when the
   * duration is known anyway).
   */
  finished(
    agentType: string,
    sessionId: string,
    toolUseId: string | null,
    toolName: string | null,
    timeMs: number,
    lookUpStored = true,
  ): number | null {
    let startMs: number | null = null;
    if (toolUseId) {
      const key = `${agentType}\u0000${sessionId}\u0000${toolUseId}`;
      startMs = this.byId.get(key) ?? (lookUpStored ? this.storedStart(agentType, sessionId, toolUseId) : null);
      this.byId.delete(key);
    } else if (toolName) {
      const key = `${agentType}\u0000${sessionId}\u0000${toolName}`;
      const queue = this.byName.get(key);
      startMs = queue?.shift() ?? null;
      if (queue && queue.length === 0) this.byName.delete(key);
    }
    if (startMs === null) return null;
    const duration = timeMs - startMs;
    return duration >= 0 && duration <= MAX_DURATION_MS ? duration : null;
  }

  private storedStart(agentType: string, sessionId: string, toolUseId: string): number | null {
    if (!this.starts) return null;
    try {
      return this.starts.toolStartMs(agentType, sessionId, toolUseId);
    } catch {
      return null;
    }
  }
}
