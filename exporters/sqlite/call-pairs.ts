/**
 * Pairs the sightings of Claude API calls that carry no request id (collector/core/correlation.ts
 * claudeCallKey): the live api_request and the transcript's response share only their session and
 * token figures, and two distinct calls may share those too. So the base key is not claimed as it
 * is: a sighting takes the pair of the nearest-in-time sighting of the same base from another
 * source that is still waiting (within CALL_PAIR_WINDOW_MS), or opens a new pair and waits. Both
 * sightings of a pair carry `<base>#<n>`, and the correlations table then counts the first one, as
 * for every other key. One source never pairs with itself, so identical calls stay apart.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CALL_PAIR_WINDOW_MS, pairedCallKey } from '../../collector/core/correlation.js';

export interface CallPairing {
  /** The correlation key to store the sighting under. */
  key: string;
  /** The waiting sighting this one pairs with, or null when it opened a pair. */
  partner: number | null;
  /** The pair this sighting opened, or null when it joined one. */
  opened: number | null;
}

export class CallPairs {
  private readonly findPartner: Database.Statement;
  private readonly open: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(db: Database.Database) {
    this.findPartner = db
      .prepare(
        `SELECT n FROM call_pending WHERE base_hash = ? AND source <> ? AND ts BETWEEN ? AND ?
         ORDER BY abs(ts - ?), n LIMIT 1`,
      )
      .pluck();
    this.open = db.prepare('INSERT INTO call_pending (base_hash, source, ts) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM call_pending WHERE n = ?');
  }

  /** Picks the pair of one sighting; call stored() or dropped() once its event row is written or not. */
  resolve(base: string, source: string, tsMs: number): CallPairing {
    const hash = baseHash(base);
    const partner = this.findPartner.get(hash, source, tsMs - CALL_PAIR_WINDOW_MS, tsMs + CALL_PAIR_WINDOW_MS, tsMs) as
      | number
      | undefined;
    if (partner !== undefined) return { key: pairedCallKey(base, partner), partner, opened: null };
    const opened = Number(this.open.run(hash, source, tsMs).lastInsertRowid);
    return { key: pairedCallKey(base, opened), partner: null, opened };
  }

  /** The sighting is stored: its partner waits no longer. */
  stored(pairing: CallPairing): void {
    if (pairing.partner !== null) this.remove.run(pairing.partner);
  }

  /** The sighting was a duplicate (its event_id is stored already): nothing waits for it. */
  dropped(pairing: CallPairing): void {
    if (pairing.opened !== null) this.remove.run(pairing.opened);
  }
}

/**
 * The base key as an integer (52 bits of its SHA-256, exact in a JS number): a third of the bytes of
 * the text in the table and its index. Two bases sharing a digest would also need sightings from two
 * sources within the window of each other to be paired wrongly.
 */
function baseHash(base: string): number {
  return parseInt(createHash('sha256').update(base).digest('hex').slice(0, 13), 16);
}
