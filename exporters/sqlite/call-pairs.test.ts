/**
 * Claude calls without request ids, at the store: sightings of one base key (session + figures)
 * pair across sources, one to one, nearest in time within the window; never within one source.
 * The real store in memory, events through the contract's validation.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_PAIR_WINDOW_MS, claudeCallKey } from '../../collector/core/correlation.js';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestStore as SqliteStore } from '../../test/helpers/sqlite-store.js';

const T0 = Date.parse('2026-02-10T22:00:00.000Z');
const BASE = claudeCallKey('sess-1', { input: 3, output: 27, cacheRead: 17915, cacheWrite: 7883 })!;

function call(id: string, source: string, atMs: number, key = BASE): CanonicalEvent {
  const r = validateEvent(
    {
      event_id: id,
      source,
      session_id: 'sess-1',
      agent_type: 'claude_code',
      event_type: 'api_request',
      model: 'claude-opus-4-6',
      tokens_in: 3,
      tokens_out: 27,
      cache_read_tokens: 17915,
      cache_write_tokens: 7883,
      cost_usd: 0.05,
      correlation_key: key,
      client_timestamp: new Date(atMs).toISOString(),
    },
    { now: () => new Date(T0), newId: randomUUID },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.event;
}

describe('pairing Claude calls that have no request id', () => {
  let store: SqliteStore;
  let dir: string;
  beforeEach(() => {
    // A file, not :memory:: the test reads the tables through a second connection.
    dir = mkdtempSync(path.join(tmpdir(), 'agentstats-pairs-'));
    store = new SqliteStore(path.join(dir, 'pairs.db'), { now: () => new Date(T0), idleAfterMs: 3_600_000 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (...events: CanonicalEvent[]) => store.writeBatch({ events });
  const rows = () =>
    store.db.prepare('SELECT event_id, source, correlation_key AS key, counted FROM events ORDER BY seq').all() as Array<{
      event_id: string;
      source: string;
      key: string;
      counted: number;
    }>;
  const counted = () => rows().filter((r) => r.counted === 1).length;
  const waiting = () => (store.db.prepare('SELECT count(*) FROM call_pending').pluck().get() as number);
  const keyOf = (id: string) => rows().find((r) => r.event_id === id)!.key;

  it('pairs one live and one imported sighting, in either order, and nothing waits afterwards', () => {
    write(call('live-1', 'otlp', T0 + 2_000));
    expect(waiting()).toBe(1);
    const result = write(call('imp-1', 'import', T0));
    expect(result.foldedIds).toEqual(new Set(['imp-1']));
    expect(keyOf('imp-1')).toBe(keyOf('live-1'));
    expect(keyOf('live-1')).toMatch(new RegExp(`^${BASE}#\\d+$`));
    expect([counted(), waiting()]).toEqual([1, 0]);

    write(call('imp-2', 'import', T0 + 60_000, claudeCallKey('sess-1', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 })!));
    write(call('live-2', 'otlp', T0 + 61_000, claudeCallKey('sess-1', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 })!));
    expect(rows().find((r) => r.event_id === 'live-2')!.counted).toBe(0);
    expect([counted(), waiting()]).toEqual([2, 0]);
  });

  it('never pairs two sightings of one source: identical calls stay two', () => {
    write(call('live-a', 'otlp', T0), call('live-b', 'otlp', T0 + 1_000));
    expect(counted()).toBe(2);
    expect(keyOf('live-a')).not.toBe(keyOf('live-b'));
    // The transcript's two answer them one to one, in the same batch as well.
    write(call('imp-a', 'import', T0 - 500), call('imp-b', 'import', T0 + 500));
    expect([counted(), waiting()]).toEqual([2, 0]);
    expect(new Set([keyOf('imp-a'), keyOf('imp-b')])).toEqual(new Set([keyOf('live-a'), keyOf('live-b')]));
  });

  it('pairs with the nearest waiting sighting, so a missed call does not shift the others', () => {
    // The transcript has three identical calls ten minutes apart; live telemetry saw the last two.
    write(
      call('imp-1', 'import', T0),
      call('imp-2', 'import', T0 + 600_000),
      call('imp-3', 'import', T0 + 1_200_000),
    );
    write(call('live-3', 'otlp', T0 + 1_201_000), call('live-2', 'otlp', T0 + 601_000));
    expect(keyOf('live-2')).toBe(keyOf('imp-2'));
    expect(keyOf('live-3')).toBe(keyOf('imp-3'));
    expect([counted(), waiting()]).toEqual([3, 1]); // imp-1 still waits for a live twin
  });

  it('does not pair sightings further apart than the window', () => {
    write(call('imp-1', 'import', T0));
    write(call('live-far', 'otlp', T0 + CALL_PAIR_WINDOW_MS + 1));
    expect(counted()).toBe(2);
    write(call('live-edge', 'otlp', T0 - CALL_PAIR_WINDOW_MS));
    expect(keyOf('live-edge')).toBe(keyOf('imp-1'));
    expect(counted()).toBe(2);
  });

  it('a re-sent sighting (same event_id) neither waits nor takes a partner', () => {
    write(call('live-1', 'otlp', T0));
    write(call('imp-1', 'import', T0 + 1_000)); // paired with live-1
    write(call('imp-2', 'import', T0 + 2_000)); // an identical second call, waiting
    write(call('live-1', 'otlp', T0)); // the exporter retried the first export
    expect(waiting()).toBe(1);
    write(call('live-2', 'otlp', T0 + 2_500));
    expect(keyOf('live-2')).toBe(keyOf('imp-2'));
    expect([counted(), waiting()]).toEqual([2, 0]);
    // A pair's number is never given out again, even after its rows are gone.
    write(call('live-3', 'otlp', T0 + 3_000));
    expect(new Set(rows().map((r) => r.key)).size).toBe(3);
    expect(counted()).toBe(3);
  });

  it('claims a key that already names its pair as it is', () => {
    write(call('n-1', 'native', T0, `${BASE}#7`), call('n-2', 'otlp', T0, `${BASE}#7`));
    expect([counted(), waiting()]).toEqual([1, 0]);
    expect(keyOf('n-2')).toBe(`${BASE}#7`);
  });
});
