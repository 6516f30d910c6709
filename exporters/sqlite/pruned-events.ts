/**
 * What is left of a pruned event: a 64-bit fingerprint of its event_id (pruned_events) and the
 * newest event time pruned (retention_state). The write path asks here before inserting an event
 * that old, so a pruned event sent again (a history file re-read from its start, a replayed spool)
 * is a repeat, as it would have been before pruning, and counts once.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** retention_state key: the largest `ts` (ms) of any pruned event. */
export const PRUNED_UNTIL_KEY = 'events_pruned_max_ts';

/**
 * The first 8 bytes of SHA-256(event_id) as a signed 64-bit integer (a rowid). Two ids share one
 * with odds of about n·m / 2^64 (n pruned, m old arrivals checked): 10^7 each gives ~5·10^-6.
 */
export function eventFingerprint(eventId: string): bigint {
  return createHash('sha256').update(eventId).digest().readBigInt64BE(0);
}

export class PrunedEvents {
  private readonly selectUntil: Database.Statement<[string], number>;
  private readonly selectId: Database.Statement<[bigint], number>;
  private prunedUntil: number | null = null;

  constructor(db: Database.Database) {
    this.selectUntil = db.prepare<[string], number>('SELECT value FROM retention_state WHERE key = ?').pluck();
    this.selectId = db.prepare<[bigint], number>('SELECT 1 FROM pruned_events WHERE id = ?').pluck();
  }

  /** Called at the start of each write transaction: another connection may have pruned since. */
  refresh(): void {
    this.prunedUntil = this.selectUntil.get(PRUNED_UNTIL_KEY) ?? null;
  }

  /** Whether this event was stored once and pruned since. Live events are newer: no lookup. */
  wasPruned(eventId: string, tsMs: number): boolean {
    if (this.prunedUntil === null || !(tsMs <= this.prunedUntil)) return false;
    return this.selectId.get(eventFingerprint(eventId)) !== undefined;
  }
}
