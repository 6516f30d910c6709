/**
 * GET /api/sessions filters against the real server: branch and model narrow on the server (not in
 * the page), combine with status/agent/project, and page with the cursor without losing a row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

interface Row {
  session_id: string;
  status: string;
  branch: string | null;
  models: string[];
  last_seen: string;
}

const SONNET = 'claude-sonnet-4-5';

/** [session, branch, models (one api_request each), ended?] — session i is last seen on day i+1. */
const SESSIONS: Array<[string, string, string[], boolean]> = [
  ['sa-1', 'main', [SONNET], true],
  ['sa-2', 'main', ['claude-opus-4-1', SONNET], false],
  ['sa-3', 'dev', [SONNET], false],
  ['sa-4', 'main', ['gpt-5'], true],
  ['sa-5', 'main', [SONNET], false],
  ['sa-6', 'main', [SONNET], true],
  ['sa-7', 'feature/x&y', ['gemini-2.5-pro'], false],
  // A model whose name starts with SONNET must not match it: the filter is exact.
  ['sa-8', 'main', [`${SONNET}-20250929`], true],
  ['sa-9', 'main', [SONNET], false],
];

describe('GET /api/sessions filters', () => {
  let server: TestServer;

  const list = async (params: Record<string, string | number>) => {
    const res = await server.get(`/api/sessions?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
    expect(res.status).toBe(200);
    return res.body as { sessions: Row[]; next_cursor: string | null };
  };
  const ids = (rows: Row[]) => rows.map((r) => r.session_id);

  beforeAll(async () => {
    // The sessions lie in the past: keep those without session_end open (no end for inactivity).
    server = await startTestServer({ env: { AGENTSTATS_SESSION_END_MINUTES: '0' } });
    const events: unknown[] = [];
    SESSIONS.forEach(([session_id, branch, models, ended], i) => {
      const day = `2026-01-${String(i + 1).padStart(2, '0')}`;
      const base = { session_id, agent_type: i % 2 ? 'codex' : 'claude_code', project: 'filters', branch };
      models.forEach((model, m) =>
        events.push({ ...base, event_type: 'api_request', model, tokens_in: 10, tokens_out: 5, client_timestamp: `${day}T10:0${m}:00Z` }),
      );
      if (ended) events.push({ ...base, event_type: 'session_end', client_timestamp: `${day}T11:00:00Z` });
    });
    const res = await server.post('/api/events/batch', { events });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await server?.cleanup();
  });

  it('narrows by branch, newest first', async () => {
    const { sessions, next_cursor } = await list({ branch: 'main' });
    expect(ids(sessions)).toEqual(['sa-9', 'sa-8', 'sa-6', 'sa-5', 'sa-4', 'sa-2', 'sa-1']);
    expect(next_cursor).toBeNull();
    expect(ids((await list({ branch: 'feature/x&y' })).sessions)).toEqual(['sa-7']);
    expect((await list({ branch: 'nope' })).sessions).toEqual([]);
  });

  it('narrows by model: any of the session models, exact name only', async () => {
    expect(ids((await list({ model: SONNET })).sessions)).toEqual(['sa-9', 'sa-6', 'sa-5', 'sa-3', 'sa-2', 'sa-1']);
    expect(ids((await list({ model: 'claude-opus-4-1' })).sessions)).toEqual(['sa-2']);
    expect(ids((await list({ model: `${SONNET}-20250929` })).sessions)).toEqual(['sa-8']);
    // Not a LIKE pattern, not a substring.
    expect((await list({ model: '%' })).sessions).toEqual([]);
    expect((await list({ model: 'sonnet' })).sessions).toEqual([]);
  });

  it('combines branch and model with status, agent and project', async () => {
    const ended = await list({ branch: 'main', model: SONNET, status: 'ended' });
    expect(ids(ended.sessions)).toEqual(['sa-6', 'sa-1']);
    expect(ended.sessions.every((s) => s.status === 'ended' && s.branch === 'main' && s.models.includes(SONNET))).toBe(true);
    expect(ids((await list({ branch: 'main', model: SONNET, exclude_status: 'ended' })).sessions)).toEqual(['sa-9', 'sa-5', 'sa-2']);
    expect(ids((await list({ branch: 'main', model: SONNET, agent_type: 'codex' })).sessions)).toEqual(['sa-6', 'sa-2']);
    expect((await list({ branch: 'main', model: SONNET, project: 'elsewhere' })).sessions).toEqual([]);
  });

  it('pages through a filtered list with the cursor, each row once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list({ branch: 'main', model: SONNET, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.sessions));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['sa-9', 'sa-6', 'sa-5', 'sa-2', 'sa-1']);
    expect(pages).toBe(3);

    // An exactly full last page: one more request answers empty with no cursor.
    const first = await list({ branch: 'main', status: 'ended', limit: 2 });
    expect(ids(first.sessions)).toEqual(['sa-8', 'sa-6']);
    const second = await list({ branch: 'main', status: 'ended', limit: 2, cursor: first.next_cursor! });
    expect(ids(second.sessions)).toEqual(['sa-4', 'sa-1']);
    const third = await list({ branch: 'main', status: 'ended', limit: 2, cursor: second.next_cursor! });
    expect(third).toEqual({ sessions: [], next_cursor: null });
  });

  it('rejects empty or oversized filter values with a 400 JSON error', async () => {
    for (const query of ['branch=', 'model=', `model=${'m'.repeat(257)}`, `branch=${'b'.repeat(4097)}`]) {
      const res = await server.get(`/api/sessions?${query}`);
      expect(res.status, query).toBe(400);
      expect(typeof res.body.message).toBe('string');
    }
    // The server is unharmed.
    expect((await list({ branch: 'dev' })).sessions).toHaveLength(1);
  });

  it('pages sessions that share a last_seen one by one, none lost or repeated', async () => {
    const at = '2026-02-01T09:00:00Z';
    const tied = ['tie-a', 'tie-b', 'tie-c', 'tie-d'];
    await server.post('/api/events/batch', {
      events: tied.map((session_id) => ({ session_id, agent_type: 'codex', event_type: 'user_prompt', project: 'ties', client_timestamp: at })),
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ project: 'ties', limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.sessions));
      cursor = page.next_cursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([...tied].reverse());
    expect((await server.get('/api/sessions?cursor=not-a-cursor')).status).toBe(400);
  });
});
