/**
 * A session's status: `active` while events arrive, `idle` after session_timeout_minutes without
 * any, `ended` on a session_end event or after end_after_minutes without any (end_reason
 * "inactive": crashed agents, killed terminals and imported history send no end event).
 */
import type { SessionRow } from '../../collector/core/storage.js';

/** The end_reason of a session ended by inactivity rather than by its agent. */
export const INACTIVE = 'inactive';

/** The status after an event that is the session's latest (or a session_end, whenever it happened). */
export function statusAfterEvent(row: SessionRow, eventType: string): void {
  if (eventType === 'session_end') {
    row.status = 'ended';
    return;
  }
  if (row.status === 'ended' && row.end_reason === INACTIVE) {
    // Only inactivity ended it: the session went on after all.
    row.status = 'active';
    row.ended_at = null;
    row.end_reason = null;
  } else if (row.status !== 'ended' || eventType === 'session_start') {
    row.status = 'active';
  }
  // A session its agent ended stays ended (late exports after SessionEnd), unless it is resumed.
}

/**
 * Ages a session written with old activity (imported history, a replayed spool): ended when its
 * last event is before `endBefore` (null: never), else idle when before `idleBefore`.
 */
export function settleByAge(row: SessionRow, idleBefore: string, endBefore: string | null): void {
  if (row.status === 'ended') return;
  if (endBefore !== null && row.last_seen < endBefore) {
    row.status = 'ended';
    row.ended_at = row.last_seen;
    row.end_reason = INACTIVE;
  } else if (row.status === 'active' && row.last_seen < idleBefore) {
    row.status = 'idle';
  }
}
