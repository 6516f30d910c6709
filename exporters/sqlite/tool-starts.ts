/**
 * The ToolStartLookup port: when a tool call started, from its stored tool_start event. The hooks
 * receiver pairs Pre and Post hooks in memory; this answers for a Post whose Pre came before a
 * restart.
 */
import type Database from 'better-sqlite3';
import type { ToolStartLookup } from '../../collector/core/storage.js';

export class SqliteToolStarts implements ToolStartLookup {
  private readonly select: Database.Statement<[string, string, string], { ts: number }>;

  constructor(db: Database.Database) {
    // Walks the session's events newest first; the latest start wins. `+event_type` keeps the
    // planner off the events_type index, whose walk over every tool_start stored grows with the
    // whole history, where a session's events are few.
    this.select = db.prepare(
      `SELECT ts FROM events
       WHERE session_id = ? AND +event_type = 'tool_start' AND tool_use_id = ? AND agent_type = ?
       ORDER BY seq DESC LIMIT 1`,
    );
  }

  toolStartMs(agentType: string, sessionId: string, toolUseId: string): number | null {
    return this.select.get(sessionId, toolUseId, agentType)?.ts ?? null;
  }
}
