/**
 * Search, the sessions table's server-side search and sort, and the errors API, against the real
 * server, seeded through the real ingest routes (native events and Claude Code hook posts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { SESSION_SORTS } from '../collector/core/storage.js';
import { SESSION_SORT_KEYS } from '../collector/api/schemas/index.js';

interface Hit {
  seq: number;
  session_id: string;
  event_type: string;
  tool_name: string | null;
  snippet: string;
  highlights: Array<[number, number]>;
}
interface SearchBody {
  hits: Hit[];
  next_cursor: string | null;
  pending: number;
}

const COMMAND = 'npm run frobnicate-widgets --verbose';
const PROMPT = 'please refactor the quokka parser';
const ERROR_TEXT = 'upstream zanzibar capacity exhausted';

async function hook(server: TestServer, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.url}/api/hooks/claude-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

/** Seeds one session through the hooks route and one through the native route. */
async function seed(server: TestServer): Promise<void> {
  const base = { session_id: 'search-hook', cwd: '/tmp/searchproj', transcript_path: '/tmp/searchproj/t.jsonl' };
  await hook(server, { ...base, hook_event_name: 'UserPromptSubmit', prompt: PROMPT, prompt_id: 'sp-1' });
  await hook(server, {
    ...base,
    hook_event_name: 'PostToolUse',
    tool_name: 'Bash',
    tool_use_id: 'toolu_search1',
    tool_input: { command: COMMAND, description: 'build the widgets' },
    tool_response: { stdout: 'ok', exit_code: 0 },
  });
  await hook(server, { ...base, hook_event_name: 'PostToolUse', tool_name: 'Read', tool_use_id: 'toolu_search2', tool_input: { file_path: '/tmp/searchproj/src/walrus-config.ts' } });
  const res = await server.post('/api/events/batch', {
    events: [
      {
        session_id: 'search-native',
        agent_type: 'codex',
        event_type: 'api_error',
        model: 'gpt-5',
        status: 'error',
        metadata: { error: ERROR_TEXT, error_type: 'overloaded_error', status_code: 529 },
      },
    ],
  });
  expect(res.status).toBe(200);
}

async function search(server: TestServer, q: string, extra = ''): Promise<{ status: number; body: SearchBody }> {
  const res = await server.get(`/api/search?q=${encodeURIComponent(q)}${extra}`);
  return { status: res.status, body: res.body as SearchBody };
}

/** The index follows ingest after each commit: wait until it has every stored event. */
async function indexed(server: TestServer): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await search(server, 'anything');
    if (r.status === 200 && r.body.pending === 0) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('the search index did not catch up');
}

describe('GET /api/search with prompt storage on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AGENTSTATS_STORE_PROMPTS: '1' } });
    await seed(server);
    await indexed(server);
  });
  afterAll(async () => server?.cleanup());

  it('finds a command from a Bash call, with its session and seq, highlighted', async () => {
    const { status, body } = await search(server, 'frobnicate widgets');
    expect(status).toBe(200);
    expect(body.hits).toHaveLength(1);
    const hit = body.hits[0];
    expect(hit).toMatchObject({ session_id: 'search-hook', event_type: 'tool_use', tool_name: 'Bash' });
    const marked = hit.highlights.map(([s, e]) => hit.snippet.slice(s, e).toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['frobnicate', 'widgets']));
    // The seq links to that very event in the session's timeline.
    const detail = (await server.get(`/api/sessions/${hit.session_id}`)).body as { events: Array<{ seq: number; tool_name: string | null }> };
    expect(detail.events.find((e) => e.seq === hit.seq)?.tool_name).toBe('Bash');
  });

  it('finds file paths, error messages and prompts (stored here)', async () => {
    expect((await search(server, '"walrus-config.ts"')).body.hits.map((h) => h.tool_name)).toEqual(['Read']);
    const err = (await search(server, 'zanzibar')).body.hits;
    expect(err.map((h) => [h.session_id, h.event_type])).toEqual([['search-native', 'api_error']]);
    expect((await search(server, 'quokka')).body.hits.map((h) => h.event_type)).toEqual(['user_prompt']);
    // A prefix, and the agent filter.
    expect((await search(server, 'frobni*')).body.hits).toHaveLength(1);
    expect((await search(server, 'zanzibar', '&agent_type=claude_code')).body.hits).toHaveLength(0);
  });

  it('takes FTS syntax as literal words: never a 500', async () => {
    for (const q of ['"foo', 'AND OR', 'NOT', 'NEAR(a b', '*', 'body:x', '(((', '-', '"', '^frob', 'a OR b AND', '""""', "'; DROP TABLE events; --"]) {
      const { status, body } = await search(server, q);
      expect([200, 400], q).toContain(status);
      if (status === 200) expect(Array.isArray(body.hits)).toBe(true);
    }
    // A word that is also an operator matches as a word.
    expect((await search(server, 'run AND frobnicate')).body.hits).toHaveLength(0);
    expect((await search(server, '"npm run"')).body.hits).toHaveLength(1);
  });

  it('answers bad parameters with 400 naming the field', async () => {
    for (const [query, field] of [['q=', 'q'], ['', 'q'], ['q=x&limit=0', 'limit'], ['q=x&since=yesterday', 'since'], ['q=x&cursor=abc', 'cursor'], ['q=x&bogus=1', 'bogus']]) {
      const res = await server.get(`/api/search?${query}`);
      expect(res.status, query).toBe(400);
      expect((res.body as { message: string }).message, query).toContain(field);
    }
  });
});

describe('GET /api/search with prompt storage off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AGENTSTATS_STORE_PROMPTS: '0' } });
    await seed(server);
    await indexed(server);
  });
  afterAll(async () => server?.cleanup());

  it('finds no prompt, command or error text (not stored), but file paths and tools', async () => {
    expect((await search(server, 'quokka')).body.hits).toHaveLength(0);
    expect((await search(server, 'frobnicate')).body.hits).toHaveLength(0);
    expect((await search(server, 'zanzibar')).body.hits).toHaveLength(0);
    expect((await search(server, 'walrus')).body.hits).toHaveLength(1);
    expect((await search(server, 'Bash')).body.hits.map((h) => h.session_id)).toEqual(['search-hook']);
    // The error's class is no secret: it is kept, and found.
    expect((await search(server, 'overloaded_error')).body.hits).toHaveLength(1);
  });
});

describe('sessions search and sort on the server, errors API', () => {
  let server: TestServer;
  const N = 9;
  beforeAll(async () => {
    server = await startTestServer({ env: { AGENTSTATS_SESSION_END_MINUTES: '0' } });
    const events: unknown[] = [];
    for (let i = 0; i < N; i++) {
      const base = { session_id: `srt-${i}`, agent_type: i % 3 === 0 ? 'codex' : 'claude_code', project: i % 2 ? 'alpha-proj' : 'beta-proj', branch: `br-${i % 4}`, cwd: `/work/dir-${i}` };
      const at = (m: number) => `2026-02-0${1 + (i % 5)}T10:${String(m).padStart(2, '0')}:00Z`;
      // Costs and event counts in an order that differs from time order; two pairs tie.
      const calls = 1 + ((i * 7) % 5);
      for (let c = 0; c < calls; c++) {
        events.push({ ...base, event_type: 'api_request', model: i === 4 ? 'gemini-2.5-pro' : 'gpt-5', tokens_in: 100 * (i % 4), tokens_out: 10, cost_usd: 0.01 * ((i * 5) % 7), client_timestamp: at(c) });
      }
    }
    // Errors at known times: 3 API errors (2 codex/gpt-5 at 10:xx, 1 claude at 11:xx), 2 failed tool calls.
    events.push(
      { session_id: 'srt-0', agent_type: 'codex', event_type: 'api_error', model: 'gpt-5', status: 'error', metadata: { error_type: 'overloaded_error', status_code: 529 }, client_timestamp: '2026-02-01T10:30:00Z' },
      { session_id: 'srt-3', agent_type: 'codex', event_type: 'api_error', model: 'gpt-5', status: 'error', metadata: { status_code: 500 }, client_timestamp: '2026-02-04T10:40:00Z' },
      { session_id: 'srt-1', agent_type: 'claude_code', event_type: 'api_error', model: 'claude-opus-4-1', status: 'error', metadata: { error_type: 'overloaded_error' }, client_timestamp: '2026-02-02T11:05:00Z' },
      { session_id: 'srt-1', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Bash', status: 'error', duration_ms: 120, client_timestamp: '2026-02-02T11:06:00Z' },
      { session_id: 'srt-2', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Edit', status: 'error', duration_ms: 30, client_timestamp: '2026-02-03T09:00:00Z' },
      { session_id: 'srt-2', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Edit', status: 'success', duration_ms: 30, client_timestamp: '2026-02-03T09:01:00Z' },
    );
    const res = await server.post('/api/events/batch', { events });
    expect(res.status).toBe(200);
  });
  afterAll(async () => server?.cleanup());

  type S = { session_id: string; cost_usd: number; event_count: number; tokens_in: number; tokens_out: number; cache_read_tokens: number; cache_write_tokens: number; project: string; first_seen: string; last_seen: string; error_count: number };
  const all = async (params: string, limit: number) => {
    const rows: S[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await server.get(`/api/sessions?${params}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, params).toBe(200);
      const body = res.body as { sessions: S[]; next_cursor: string | null };
      rows.push(...body.sessions);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return rows;
  };

  it('the sort keys of the API and the storage agree', () => {
    expect([...SESSION_SORT_KEYS]).toEqual([...SESSION_SORTS]);
  });

  it('sorts on the server by every column, both ways, paging without loss or repeats', async () => {
    const everything = await all('', 100);
    expect(everything).toHaveLength(N);
    const value: Record<string, (s: S) => number | string> = {
      cost: (s) => s.cost_usd,
      events: (s) => s.event_count,
      tokens: (s) => s.tokens_in + s.tokens_out + s.cache_read_tokens + s.cache_write_tokens,
      first_seen: (s) => s.first_seen,
      errors: (s) => s.error_count,
    };
    for (const [sort, get] of Object.entries(value)) {
      for (const order of ['asc', 'desc'] as const) {
        const paged = await all(`sort=${sort}&order=${order}`, 2);
        const expected = everything.slice().sort((a, b) => {
          const [x, y] = [get(a), get(b)];
          const c = x < y ? -1 : x > y ? 1 : a.session_id < b.session_id ? -1 : 1;
          return order === 'asc' ? c : -c;
        });
        expect(paged.map((s) => s.session_id), `${sort} ${order}`).toEqual(expected.map((s) => s.session_id));
      }
    }
  });

  it('searches id, project, branch, cwd and models on the server, with paging', async () => {
    expect((await all('q=ALPHA', 2)).map((s) => s.session_id).sort()).toEqual(['srt-1', 'srt-3', 'srt-5', 'srt-7']);
    expect((await all('q=gemini', 2)).map((s) => s.session_id)).toEqual(['srt-4']);
    expect((await all('q=dir-8', 2)).map((s) => s.session_id)).toEqual(['srt-8']);
    expect((await all('q=br-2&sort=cost&order=asc', 1)).map((s) => s.session_id).sort()).toEqual(['srt-2', 'srt-6']);
    expect((await all('q=nothing-like-this', 2))).toHaveLength(0);
    // A cursor made for another sort is refused.
    const first = (await server.get('/api/sessions?sort=cost&limit=1')).body as { next_cursor: string };
    const res = await server.get(`/api/sessions?sort=events&cursor=${first.next_cursor}`);
    expect(res.status).toBe(400);
    expect((await server.get('/api/sessions?sort=bogus')).status).toBe(400);
  });

  it('GET /api/errors: the numbers seeded, by type, model, tool and class, and a recent list linking to the event', async () => {
    const res = await server.get('/api/errors?since=2026-02-01&until=2026-02-10&bucket=day&tz=UTC&limit=2');
    expect(res.status).toBe(200);
    const body = res.body as {
      summary: { source: string; total: number; api_errors: number; tool_errors: number; timeline: Array<{ bucket: string; api_errors: number; tool_errors: number }>; by_model: unknown; by_tool: unknown; by_event_type: unknown; by_error_type: unknown };
      recent: Array<{ seq: number; session_id: string; event_type: string; time: string; error_type: string | null }>;
      next_cursor: string | null;
    };
    const s = body.summary;
    expect(s).toMatchObject({ source: 'rollups', total: 5, api_errors: 3, tool_errors: 2 });
    expect(s.by_model).toEqual([{ key: 'gpt-5', errors: 2 }, { key: 'claude-opus-4-1', errors: 1 }]);
    expect(s.by_tool).toEqual([{ key: 'Bash', errors: 1 }, { key: 'Edit', errors: 1 }]);
    expect(s.by_event_type).toEqual([{ key: 'api_error', errors: 3 }, { key: 'tool_use', errors: 2 }]);
    expect(s.by_error_type).toEqual([{ key: 'overloaded_error', errors: 2 }, { key: 'HTTP 500', errors: 1 }]);
    expect(s.timeline.map((b) => [b.bucket, b.api_errors, b.tool_errors])).toEqual([
      ['2026-02-01', 1, 0],
      ['2026-02-02', 1, 1],
      ['2026-02-03', 0, 1],
      ['2026-02-04', 1, 0],
    ]);
    // Newest first, paged.
    expect(body.recent.map((r) => r.time)).toEqual(['2026-02-04T10:40:00.000Z', '2026-02-03T09:00:00.000Z']);
    const next = (await server.get(`/api/errors?since=2026-02-01&until=2026-02-10&limit=2&cursor=${body.next_cursor}`)).body as typeof body;
    expect(next.summary).toBeNull();
    expect(next.recent.map((r) => r.time)).toEqual(['2026-02-02T11:06:00.000Z', '2026-02-02T11:05:00.000Z']);
    // Each row's seq is that event in its session.
    const row = body.recent[0];
    const detail = (await server.get(`/api/sessions/${row.session_id}`)).body as { events: Array<{ seq: number; event_type: string }> };
    expect(detail.events.find((e) => e.seq === row.seq)?.event_type).toBe('api_error');

    // One agent: from the stored events, the same rules.
    const codex = (await server.get('/api/errors?agent_type=codex&bucket=hour')).body as typeof body;
    expect(codex.summary).toMatchObject({ source: 'events', total: 2, api_errors: 2, tool_errors: 0 });
    expect(codex.summary.timeline.map((b) => b.bucket)).toEqual(['2026-02-01T10:00:00.000Z', '2026-02-04T10:00:00.000Z']);
    const claudeTools = (await server.get('/api/errors?agent_type=claude_code&kind=tool')).body as typeof body;
    expect(claudeTools.summary.by_tool).toEqual([{ key: 'Bash', errors: 1 }, { key: 'Edit', errors: 1 }]);
    expect(claudeTools.recent.map((r) => r.event_type)).toEqual(['tool_use', 'tool_use']);
  });

  it('GET /api/errors answers bad input with 400 naming the field', async () => {
    for (const [query, field] of [['bucket=week', 'bucket'], ['tz=Mars/Base', 'tz'], ['kind=x', 'kind'], ['cursor=1', 'cursor'], ['since=nope', 'since']]) {
      const res = await server.get(`/api/errors?${query}`);
      expect(res.status, query).toBe(400);
      expect((res.body as { message: string }).message, query).toContain(field);
    }
  });
});
