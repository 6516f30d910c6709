/**
 * Tool counts under a drill-down (GET /api/stats/tools): exact for short ranges (read by time
 * through events_ts), wide ones (read through events_type), open-ended and bounded ones, with and
 * without a filter, folded sightings left out — each equal to a count of the events written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { openSqliteStorage } from './open.js';
import { ToolUsage } from './tool-usage.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-24T12:00:00Z');

describe('tool usage for a filter and range', () => {
  let dir = '';
  let db: Database.Database;
  const events: CanonicalEvent[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentstats-tool-usage-'));
    const dbPath = path.join(dir, 'a.db');
    const storage = openSqliteStorage(dbPath, { now: () => NOW, idleAfterMs: 3_600_000 });
    // 20 days of history, one event every ~2 hours, tool calls and API calls mixed.
    for (let i = 0; i < 240; i++) {
      const r = validateEvent(
        {
          event_id: `e${i}`, session_id: `s${i % 6}`, agent_type: 'claude_code', project: i % 4 ? 'web' : 'api',
          event_type: i % 5 === 4 ? 'api_request' : 'tool_use', tool_name: i % 5 === 4 ? undefined : ['Bash', 'Read', 'Edit'][i % 3],
          status: i % 7 === 0 ? 'error' : 'success', duration_ms: 10 + i,
          // Every 9th call is a second sighting of the one before (same correlation key): counted once.
          correlation_key: `k${i % 9 === 8 ? i - 1 : i}`,
          client_timestamp: new Date(NOW.getTime() - i * 2 * 3_600_000 - 60_000).toISOString(),
        },
        { now: () => NOW, newId: () => `g${i}` },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      events.push(r.event);
    }
    void storage.ports.writer.writeBatch({ events });
    storage.close();
    db = new Database(dbPath, { readonly: true });
  });

  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The same count from the stored rows, by hand. */
  function expected(project: string | null, sinceMs: number, untilMs: number | null) {
    const rows = db.prepare("SELECT tool_name, status, duration_ms, ts, project, counted FROM events WHERE event_type = 'tool_use'").all() as Array<{
      tool_name: string; status: string; duration_ms: number; ts: number; project: string; counted: number;
    }>;
    const out = new Map<string, { tool: string; calls: number; errors: number; timed_calls: number; total_ms: number }>();
    for (const r of rows) {
      if (!r.counted || r.ts < sinceMs || (untilMs !== null && r.ts >= untilMs) || (project !== null && r.project !== project)) continue;
      const t = out.get(r.tool_name) ?? { tool: r.tool_name, calls: 0, errors: 0, timed_calls: 0, total_ms: 0 };
      t.calls++;
      if (r.status === 'error') t.errors++;
      t.timed_calls++;
      t.total_ms += r.duration_ms;
      out.set(r.tool_name, t);
    }
    return [...out.values()].sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));
  }

  it('counts exactly for narrow and wide ranges, open or bounded, with and without a filter', () => {
    const usage = new ToolUsage(db);
    const folded = db.prepare('SELECT COUNT(*) FROM events WHERE counted = 0').pluck().get() as number;
    expect(folded).toBeGreaterThan(0);
    const now = NOW.getTime();
    const cases: Array<[string | null, number, number | null]> = [
      ['web', now - 2 * DAY, null], // a tenth of the history: read by time
      ['web', now - 15 * DAY, null], // three quarters: read by type
      [null, now - 3 * DAY, now - DAY],
      ['api', now - 19 * DAY, now - 4 * DAY],
      ['web', now + DAY, null], // after everything stored
    ];
    for (const [project, sinceMs, untilMs] of cases) {
      const got = usage.toolUsage({ filter: project ? { project } : {}, sinceMs, untilMs });
      expect(got.map((r) => ({ ...r }))).toEqual(expected(project, sinceMs, untilMs));
    }
    expect(usage.toolUsage({ filter: { project: 'web' }, sinceMs: now - 2 * DAY, untilMs: null }).length).toBeGreaterThan(0);
  });
});
