/**
 * The inactivity sweep's end step: sessions with no event since `olderThan` are ended
 * (end_reason "inactive", ended when last seen). The idle step is IdleSweep in sessions.ts.
 */
import type Database from 'better-sqlite3';
import type { SessionRow } from '../../collector/core/storage.js';
import { readSession } from './sessions.js';
import { INACTIVE } from './session-status.js';

export class InactiveSessions {
  private readonly end: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.end = db.prepare(
      `UPDATE sessions SET status = 'ended', ended_at = last_seen, end_reason = ?
       WHERE status IN ('active', 'idle') AND last_seen < ? RETURNING *`,
    );
  }

  endOlderThan(olderThan: Date): SessionRow[] {
    return (this.end.all(INACTIVE, olderThan.toISOString()) as never[]).map(readSession);
  }
}
