/**
 * The hook endpoints against a real server: whatever an agent can send is answered 200 with an
 * empty body (never something the agent could read as a decision); unusable input is counted by
 * reason and stores nothing; a body that is not JSON gets a 400 (no agent sends one); a re-sent
 * body is one event; prompt text only with AGENTSTATS_STORE_PROMPTS=1.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { AGENTSTATS_MAX_BODY_KB: '16' } });
});
afterAll(async () => {
  await server?.cleanup();
});

/** Waits until no hook commit is under way (a post may be answered before its commit lands). */
async function settled() {
  for (let i = 0; i < 200 && (await server.get('/api/hooks/stats')).body.pending_commits > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function post(path: string, body: string | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

const json = { 'content-type': 'application/json' };
const stop = (sid: string) => JSON.stringify({ session_id: sid, hook_event_name: 'Stop', cwd: '/tmp/p', stop_hook_active: false });

describe('hook endpoints', () => {
  it('answer 200 with an empty body to agent-shaped input they cannot use, 400 to non-JSON, and store nothing', async () => {
    const cases: Array<[string | undefined, Record<string, string>, number]> = [
      ['{not json', json, 400],
      ['plain words', { 'content-type': 'text/plain' }, 400],
      ['[1,2,3]', json, 400],
      ['{"hook_event_name":"Stop"}', json, 200],
      ['{"session_id":"s"}', json, 200],
      [undefined, {}, 400],
      [JSON.stringify({ session_id: 's', hook_event_name: 'Stop', pad: 'x'.repeat(20_000) }), json, 200],
    ];
    for (const [body, headers, status] of cases) {
      const res = await post('/api/hooks/claude-code', body, headers);
      if (status === 200) expect([res.status, res.text]).toEqual([200, '']);
      else expect([res.status, JSON.parse(res.text).error]).toEqual([400, expect.any(String)]);
    }
    const stats = (await server.get('/api/hooks/stats')).body;
    expect(stats.rejected).toEqual({
      invalid_json: 2,
      not_an_object: 1,
      missing_session_id: 1,
      missing_hook_event_name: 1,
      empty_body: 1,
      body_too_large: 1,
    });
    expect((await server.get('/api/events')).body.events).toEqual([]);
  });

  it('store a re-sent body once', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/api/hooks/codex', stop('resent'), json)).status).toBe(200);
    await settled();
    expect((await server.get('/api/events?session_id=resent')).body.events).toHaveLength(1);
    expect((await server.get('/api/hooks/stats')).body).toMatchObject({ stored: 1, duplicates: 2 });
  });

  it('tell the agents apart by path: the same body under two agents is two events', async () => {
    await post('/api/hooks/claude-code', stop('shared-id'), json);
    await post('/api/hooks/gemini-cli', stop('shared-id'), json);
    await settled();
    const agents = (await server.get('/api/events?session_id=shared-id')).body.events.map((e: any) => e.agent_type);
    expect(agents.sort()).toEqual(['claude_code', 'gemini_cli']);
    expect((await post('/api/hooks/other-agent', stop('x'), json)).status).toBe(404);
  });

  it('refuse browser cross-site posts and foreign Host headers (agents send neither)', async () => {
    const cross = await post('/api/hooks/claude-code', stop('cross'), { ...json, origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    // fetch() cannot set Host; a raw request can (what a DNS-rebinding page would send).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/hooks/claude-code`, { method: 'POST', headers: { ...json, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(stop('host'));
    });
    expect(status).toBe(403);
    expect((await server.get('/api/events?session_id=host')).body.events).toEqual([]);
    expect((await server.get('/api/events?session_id=cross')).body.events).toEqual([]);
  });
});

describe('prompt text', () => {
  const body = JSON.stringify({ session_id: 'p1', hook_event_name: 'UserPromptSubmit', prompt: 'secret plan', prompt_id: 'pid-1' });

  it('is stored as a length by default', async () => {
    await post('/api/hooks/claude-code', body, json);
    await settled();
    const [event] = (await server.get('/api/events?session_id=p1')).body.events;
    expect(event.metadata.prompt_length).toBe(11);
    expect(JSON.stringify(event)).not.toContain('secret plan');
  });

  it('is stored with AGENTSTATS_STORE_PROMPTS=1', async () => {
    const withPrompts = await startTestServer({ env: { AGENTSTATS_STORE_PROMPTS: '1' } });
    try {
      await fetch(withPrompts.url + '/api/hooks/claude-code', { method: 'POST', headers: json, body });
      let events: any[] = [];
      for (let i = 0; i < 200 && events.length === 0; i++) {
        events = (await withPrompts.get('/api/events?session_id=p1')).body.events;
        if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const [event] = events;
      expect(event.metadata).toMatchObject({ prompt: 'secret plan', prompt_length: 11 });
    } finally {
      await withPrompts.cleanup();
    }
  });
});
