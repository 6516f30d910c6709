/**
 * The session rows the writer keeps between transactions (sessions.ts) never stand in for the
 * table after something else changed it: another connection writing the same database (the
 * importer beside the server), the sweeps on the writer's own connection, a rolled-back batch.
 * Real better-sqlite3 on a file in a temp dir; read back through the storage's reader ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { SpanRecord, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import { openSqliteStorage, type SqliteStorage } from './open.js';

const NOW = new Date('2026-11-24T11:15:00Z');
let ids = 0;
function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { session_id: 's1', agent_type: 'claude_code', event_type: 'api_request', client_timestamp: '2026-11-24T11:00:00Z', ...fields },
    { now: () => NOW, newId: () => `gen-${++ids}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

let dir: string;
let opened: SqliteStorage[];
let clock: Date;
const open = () => {
  const s = openSqliteStorage(path.join(dir, 'a.db'), { now: () => clock, idleAfterMs: 30 * 60_000 });
  opened.push(s);
  return s;
};
const write = (s: SqliteStorage, batch: WriteBatch) => s.ports.writer.writeBatch(batch) as WriteResult;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'agentstats-kept-'));
  opened = [];
  clock = NOW;
});
afterEach(() => {
  for (const s of opened) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite writer: session rows kept between batches', () => {
  it('reads a session back after another connection wrote to it, so neither write is lost', () => {
    const server = open();
    const importer = open();
    write(server, { events: [event({ event_id: 'a1', model: 'm1', tokens_in: 10, cost_usd: 0.5 })] });
    write(importer, { events: [event({ event_id: 'b1', model: 'm2', tokens_in: 20, cost_usd: 0.25, client_timestamp: '2026-11-24T11:05:00Z' })] });
    const [row] = write(server, { events: [event({ event_id: 'a2', model: 'm1', tokens_in: 5, cost_usd: 1 })] }).sessions;

    const expected = { event_count: 3, api_request_count: 3, tokens_in: 35, cost_usd: 1.75, models: ['m1', 'm2'], last_seen: '2026-11-24T11:05:00.000Z' };
    expect(row).toMatchObject(expected);
    expect(importer.ports.sessions.getSession('s1')).toMatchObject(expected);
  });

  it('keeps what the sweeps on its own connection wrote (an ended session stays ended)', () => {
    const store = open();
    write(store, { events: [event({ event_id: 'e1', client_timestamp: '2026-11-24T06:00:00Z' })] });
    expect(store.ports.sessions.getSession('s1')?.status).toBe('idle');
    const ended = store.endInactiveSessions(new Date('2026-11-24T10:00:00Z'));
    expect(ended.map((s) => [s.session_id, s.status, s.end_reason])).toEqual([['s1', 'ended', 'inactive']]);

    // A late event from before the session's last activity: it counts, but does not revive it.
    const [row] = write(store, { events: [event({ event_id: 'e2', client_timestamp: '2026-11-24T05:00:00Z' })] }).sessions;
    expect(row).toMatchObject({ status: 'ended', end_reason: 'inactive', event_count: 2, first_seen: '2026-11-24T05:00:00.000Z' });
    expect(store.ports.sessions.getSession('s1')).toMatchObject({ status: 'ended', event_count: 2 });
  });

  it('forgets what a rolled-back batch added to a session', () => {
    const store = open();
    write(store, { events: [event({ event_id: 'e1', tokens_in: 1, cost_usd: 0.5 })] });
    const badSpan = { trace_id: 't', span_id: 'x', name: null, attributes: {}, extra: {} } as unknown as SpanRecord;
    expect(() => write(store, { events: [event({ event_id: 'e2', tokens_in: 2, cost_usd: 0.25 })], spans: [badSpan] })).toThrow();
    const [row] = write(store, { events: [event({ event_id: 'e3', tokens_in: 4, cost_usd: 1 })] }).sessions;
    expect(row).toMatchObject({ event_count: 2, tokens_in: 5, cost_usd: 1.5 });
    expect(store.ports.sessions.getSession('s1')).toMatchObject({ event_count: 2, tokens_in: 5, cost_usd: 1.5 });
  });

  it('hands out session rows that later batches do not change', () => {
    const store = open();
    const facts = { session: { os_type: 'linux' } };
    const [first] = write(store, { events: [event({ event_id: 'e1', model: 'm1', metadata: facts })] }).sessions;
    write(store, { events: [event({ event_id: 'e2', model: 'm2', metadata: { session: { host_arch: 'x64' } } })] });
    expect(first.models).toEqual(['m1']);
    expect(first.metadata).toEqual({ os_type: 'linux' });
    expect(store.ports.sessions.getSession('s1')).toMatchObject({ models: ['m1', 'm2'], metadata: { os_type: 'linux', host_arch: 'x64' } });
  });

  it('compares first and last seen as times: text another program wrote is kept until an event moves it, and text that is no time gives way', () => {
    const store = open();
    write(store, { events: [event({ event_id: 'a1', client_timestamp: '2026-11-24T11:00:00Z' })] });
    write(store, { events: [event({ event_id: 'b1', session_id: 's2', client_timestamp: '2026-11-24T11:00:00Z' })] });
    // Another program's hand: an offset instead of Z (sorts wrongly as text), and no time at all.
    const other = new Database(path.join(dir, 'a.db'));
    other.prepare("UPDATE sessions SET first_seen = '2026-11-24T12:30:00+02:00', last_seen = '2026-11-24T12:40:00+02:00' WHERE session_id = 's1'").run();
    other.prepare("UPDATE sessions SET first_seen = 'yesterday', last_seen = 'never' WHERE session_id = 's2'").run();
    other.close();

    // 10:35Z lies between 10:30Z and 10:40Z: neither first nor last seen moves, and the text stays as written.
    const [s1] = write(store, { events: [event({ event_id: 'a2', client_timestamp: '2026-11-24T10:35:00Z' })] }).sessions;
    expect(s1).toMatchObject({ first_seen: '2026-11-24T12:30:00+02:00', last_seen: '2026-11-24T12:40:00+02:00', event_count: 2 });
    const [later] = write(store, { events: [event({ event_id: 'a3', client_timestamp: '2026-11-24T10:45:00Z' })] }).sessions;
    expect(later).toMatchObject({ first_seen: '2026-11-24T12:30:00+02:00', last_seen: '2026-11-24T10:45:00.000Z' });

    const [s2] = write(store, { events: [event({ event_id: 'b2', session_id: 's2', client_timestamp: '2026-11-24T10:50:00Z' })] }).sessions;
    expect(s2).toMatchObject({ first_seen: '2026-11-24T10:50:00.000Z', last_seen: '2026-11-24T10:50:00.000Z', status: 'active' });
  });
});
