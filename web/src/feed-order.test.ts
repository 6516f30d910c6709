/** The live feed keeps what is happening now on top when history arrives. */
import { describe, expect, it } from 'vitest';
import { historyLeftOut, isHistory, mergeFeed, orderFeed } from './feed-order.js';
import type { StoredEvent } from './types.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
let seq = 0;
function ev(happenedMsAgo: number, source = 'otlp'): StoredEvent {
  return {
    seq: ++seq, event_id: `e${seq}`, session_id: 's', agent_type: 'claude_code', event_type: 'tool_use', source,
    client_timestamp: new Date(NOW - happenedMsAgo).toISOString(), created_at: new Date(NOW).toISOString(),
  } as unknown as StoredEvent;
}

describe('feed order', () => {
  it('keeps live events on top when an import of old history arrives after them', () => {
    const live = [ev(3000), ev(2000), ev(1000)];
    let feed = orderFeed(live, 5);
    expect(feed.map((e) => e.seq)).toEqual([3, 2, 1]);
    const imported = Array.from({ length: 50 }, (_, i) => ev(86_400_000 + i * 1000, 'import'));
    feed = mergeFeed(feed, imported, 5);
    // The live three stay, newest first; the newest of the history fills the rest of the window.
    expect(feed.slice(0, 3).map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(feed.slice(3).every((e) => e.source === 'import')).toBe(true);
    expect(historyLeftOut(feed, imported)).toBe(48);
    // A live event after the import goes on top.
    const next = ev(0);
    feed = mergeFeed(feed, [next], 5);
    expect(feed[0]).toBe(next);
  });

  it('merges a burst in any order into event-time order, ties newest arrival first', () => {
    const a = ev(500);
    const b = ev(500);
    const c = ev(100);
    expect(mergeFeed([a], [c, b], 10).map((e) => e.seq)).toEqual([c.seq, b.seq, a.seq]);
  });

  it('calls late arrivals and imports history', () => {
    expect(isHistory(ev(1000))).toBe(false);
    expect(isHistory(ev(10 * 60_000))).toBe(true);
    expect(isHistory(ev(0, 'import'))).toBe(true);
  });
});
