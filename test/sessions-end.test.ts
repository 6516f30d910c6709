/**
 * Issue 10 point 13: sessions end. A session without an end event (crashed agent, killed terminal,
 * imported history) becomes `ended` (end_reason "inactive") after exporters.sqlite.end_after_minutes
 * without events, live through the sweep (pushed to dashboards) and at once when imported history
 * is older than that; its next event makes it active again. An explicit session_end stays as is.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { openStream } from './helpers/sse.js';
import { layoutClaude, runImportCli } from './import-fixtures.js';

function ev(sessionId: string, overrides: Record<string, unknown> = {}) {
  return { session_id: sessionId, agent_type: 'claude_code', event_type: 'user_prompt', ...overrides };
}

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('sessions end after inactivity (live server)', () => {
  let server: TestServer;
  const session = async (id: string) => (await server.get(`/api/sessions/${id}`)).body.session;

  beforeAll(async () => {
    // idle after 0.3 s, ended after 3 s without events
    server = await startTestServer({
      env: { AGENTSTATS_SESSION_TIMEOUT: '0.005', AGENTSTATS_SESSION_END_MINUTES: '0.05', AGENTSTATS_SWEEP_INTERVAL_MS: '50' },
    });
  });
  afterAll(async () => server.cleanup());

  it('goes active → idle → ended ("inactive"), is pushed to dashboards, and leaves the idle count', async () => {
    const stream = await openStream(`${server.url}/api/stream`);
    try {
      expect((await server.post('/api/events', ev('quiet'))).status).toBe(201);
      expect((await session('quiet')).status).toBe('active');
      const idle = await waitFor(() => session('quiet'), (s) => s.status !== 'active');
      expect(idle.status).toBe('idle');

      const ended = await waitFor(() => session('quiet'), (s) => s.status === 'ended');
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'inactive', event_count: 1 });
      // It ended when it was last heard from, not when the sweep noticed.
      expect(ended.ended_at).toBe(ended.last_seen);

      const pushed = await stream.waitFor((m) => m.event === 'session_update' && JSON.parse(m.data).status === 'ended');
      expect(JSON.parse(pushed.data)).toMatchObject({ session_id: 'quiet', end_reason: 'inactive' });

      const stats = (await server.get('/api/stats')).body;
      expect(stats.idle_sessions).toBe(0);
      expect(stats.ended_sessions).toBe(1);
      const idleList = (await server.get('/api/sessions?status=idle')).body.sessions;
      expect(idleList.map((s: { session_id: string }) => s.session_id)).not.toContain('quiet');
    } finally {
      stream.close();
    }
  });

  it('becomes active again on its next event, with the end cleared', async () => {
    expect((await session('quiet')).status).toBe('ended');
    expect((await server.post('/api/events', ev('quiet', { event_type: 'tool_use', tool_name: 'Bash' }))).status).toBe(201);
    const revived = await session('quiet');
    expect(revived).toMatchObject({ status: 'active', ended_at: null, end_reason: null, event_count: 2 });
  });

  it('keeps an explicit session_end as it is: later events do not revive it, the sweep does not rewrite it', async () => {
    await server.post('/api/events', ev('closed', { event_type: 'session_start' }));
    await server.post('/api/events', ev('closed', { event_type: 'session_end', metadata: { reason: 'exit' } }));
    await server.post('/api/events', ev('closed', { event_type: 'api_request', model: 'claude-sonnet-4-6' }));
    const after = await session('closed');
    expect(after).toMatchObject({ status: 'ended', end_reason: 'exit', event_count: 3 });
    await new Promise((r) => setTimeout(r, 3500)); // past end_after_minutes, many sweeps
    expect(await session('closed')).toMatchObject({ status: 'ended', end_reason: 'exit', ended_at: after.ended_at });
  });
});

describe('imported history older than end_after_minutes', () => {
  let server: TestServer;
  let projects: string;
  beforeAll(async () => {
    server = await startTestServer();
    projects = path.join(server.dir, 'claude', 'projects');
    layoutClaude(projects); // transcripts from early 2026, months before the test runs
  });
  afterAll(async () => server?.cleanup());

  it('is stored as ended ("inactive"), ended when its last event was', async () => {
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(run.summary.stored).toBeGreaterThan(0);
    const sessions = (await server.get('/api/sessions?limit=100')).body.sessions as any[];
    expect(sessions.length).toBeGreaterThan(3);
    for (const s of sessions) {
      expect(s).toMatchObject({ status: 'ended', end_reason: 'inactive' });
      expect(s.ended_at).toBe(s.last_seen);
    }
    const stats = (await server.get('/api/stats')).body;
    expect([stats.active_sessions, stats.idle_sessions, stats.ended_sessions]).toEqual([0, 0, sessions.length]);
  });

  it('stays idle with end_after_minutes 0 (never end for inactivity)', async () => {
    const other = await startTestServer();
    try {
      const dir = path.join(other.dir, 'claude', 'projects');
      layoutClaude(dir);
      await runImportCli(other, ['--source', 'claude-code', '--path', dir], { AGENTSTATS_SESSION_END_MINUTES: '0' });
      const sessions = (await other.get('/api/sessions?limit=100')).body.sessions as any[];
      expect(sessions.length).toBeGreaterThan(3);
      expect(sessions.every((s) => s.status === 'idle' && s.end_reason === null)).toBe(true);
    } finally {
      await other.cleanup();
    }
  });
});
