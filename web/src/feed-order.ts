/**
 * The live feed's order: by when events happened (newest first), not by when they arrived. History
 * arriving now (an import, a watched transcript, a replayed spool) carries its own older times, so
 * it sorts below what is happening now and, past the feed's cap, falls out of the window instead of
 * pushing live activity out. Ties (same instant) keep arrival order, newest first.
 */
import { eventTime } from './format.js';
import type { StoredEvent } from './types.js';

/** Arrived this much later than it happened: history, not live activity. */
const HISTORY_LAG_MS = 5 * 60_000;

export function isHistory(e: StoredEvent): boolean {
  return e.source === 'import' || Date.parse(e.created_at) - Date.parse(eventTime(e)) > HISTORY_LAG_MS;
}

function newerFirst(a: StoredEvent, b: StoredEvent): number {
  return Date.parse(eventTime(b)) - Date.parse(eventTime(a)) || b.seq - a.seq;
}

/** The feed's events newest first by event time, at most `max` (a feed from the server in any order). */
export function orderFeed(events: readonly StoredEvent[], max: number): StoredEvent[] {
  return events.slice().sort(newerFirst).slice(0, max);
}

/**
 * Merges new events (any order) into a feed already ordered newest first, keeping the newest `max`
 * by event time. O(n + k log k): the feed is merged, not sorted again.
 */
export function mergeFeed(feed: readonly StoredEvent[], incoming: readonly StoredEvent[], max: number): StoredEvent[] {
  const add = incoming.slice().sort(newerFirst);
  const out: StoredEvent[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < feed.length || j < add.length)) {
    if (j >= add.length || (i < feed.length && newerFirst(feed[i], add[j]) <= 0)) out.push(feed[i++]);
    else out.push(add[j++]);
  }
  return out;
}

/** History events among `incoming` the feed's window left out (older than its oldest row). */
export function historyLeftOut(merged: readonly StoredEvent[], incoming: readonly StoredEvent[]): number {
  const kept = new Set(merged);
  let n = 0;
  for (const e of incoming) if (!kept.has(e) && isHistory(e)) n++;
  return n;
}
