/**
 * Pairs the sightings of Claude API calls that carry no request id (collector/core/correlation.ts
 * claudeCallKey): the live api_request and the transcript's response share only their session and
 * token figures, and two distinct calls may share those too. So the base key is not claimed as it
 * is: a sighting takes the pair of the nearest-in-time sighting of the same base from another
 * source that is still waiting (within CALL_PAIR_WINDOW_MS), or opens a new pair and waits. Both
 * sightings of a pair carry `<base>#<n>`; the one that opened the pair is counted, its twin is
 * folded (the writer needs no `correlations` row for them). One source never pairs with itself, so
 * identical calls stay apart.
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
  private readonly nextSource: Database.Statement;
  private readonly above: Database.Statement;
  private readonly below: Database.Statement;
  private readonly open: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(db: Database.Database) {
    // Every lookup is an index seek on (base_hash, source, ts): a flood of identical sightings from
    // one source (a benchmark, a hostile client) must not make each new one scan the others.
    this.nextSource = db
      .prepare('SELECT source FROM call_pending WHERE base_hash = ? AND source > ? ORDER BY source LIMIT 1')
      .pluck();
    this.above = db.prepare(
      'SELECT n, ts FROM call_pending WHERE base_hash = ? AND source = ? AND ts >= ? ORDER BY ts, n LIMIT 1',
    );
    this.below = db.prepare(
      'SELECT n, ts FROM call_pending WHERE base_hash = ? AND source = ? AND ts <= ? ORDER BY ts DESC, n DESC LIMIT 1',
    );
    this.open = db.prepare('INSERT INTO call_pending (base_hash, source, ts) VALUES (?, ?, ?)');
    this.remove = db.prepare('DELETE FROM call_pending WHERE n = ?');
  }

  /** Picks the pair of one sighting; call stored() or dropped() once its event row is written or not. */
  resolve(base: string, source: string, tsMs: number): CallPairing {
    const hash = baseHash(base);
    const partner = this.nearest(hash, source, tsMs);
    if (partner !== null) return { key: pairedCallKey(base, partner), partner, opened: null };
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

  /** The waiting sighting of another source nearest in time within the window (ties: the earlier). */
  private nearest(hash: number, source: string, tsMs: number): number | null {
    let best: { n: number; gap: number; ts: number } | null = null;
    // Sources are few (otlp, import): walk the distinct ones waiting for this base, skip our own.
    for (let other = this.nextSource.get(hash, '') as string | undefined; other !== undefined; other = this.nextSource.get(hash, other) as string | undefined) {
      if (other === source) continue;
      for (const stmt of [this.below, this.above]) {
        const row = stmt.get(hash, other, tsMs) as { n: number; ts: number } | undefined;
        if (!row) continue;
        const gap = Math.abs(row.ts - tsMs);
        if (gap > CALL_PAIR_WINDOW_MS) continue;
        if (!best || gap < best.gap || (gap === best.gap && (row.ts < best.ts || (row.ts === best.ts && row.n < best.n)))) {
          best = { n: row.n, gap, ts: row.ts };
        }
      }
    }
    return best ? best.n : null;
  }
}

/**
 * The base key as an integer (52 bits of its SHA-256, exact in a JS number): a fraction of the bytes
 * of the text in the table and its index. Two bases sharing a digest would also need sightings from two
 * sources within the window of each other to be paired wrongly.
 */
function baseHash(base: string): number {
  return parseInt(createHash('sha256').update(base).digest('hex').slice(0, 13), 16);
}
