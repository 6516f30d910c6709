/**
 * Issue 9, plugins: the example webhook receiver (examples/webhook-receiver/) loaded through a
 * config file alone — first its own sample config (a module path), then installed as an npm
 * package behind the service token — and its events seen in the API like any built-in's.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, makeTempDir, runToExit, startTestServer, type TestServer } from './helpers/server.js';

const EXAMPLE = path.join(ROOT, 'examples', 'webhook-receiver');
const SECRET = 'webhook-secret-for-tests';
const PROMPT = 'hunter2 never stored, never logged';

/** The body shape the sample config maps: one run, several calls. */
function runBody(runId: string, calls: Array<Record<string, unknown>>) {
  return { run: { id: runId, repo: 'acme/api', branch: 'main', url: `https://ci.example/${runId}` }, calls };
}

async function post(server: TestServer, pathname: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('the example webhook receiver, loaded by its own sample config', () => {
  let server: TestServer;
  const hook = (body: unknown, headers: Record<string, string> = { 'x-webhook-secret': SECRET }) =>
    post(server, '/webhooks/agent', body, headers);

  beforeAll(async () => {
    server = await startTestServer({
      args: ['--config', path.join(EXAMPLE, 'agentstats.jsonc')],
      env: { AGENT_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => server.cleanup());

  it('announces its route at start-up', () => {
    expect(server.output()).toContain('AgentStats webhook receiver webhook on POST /webhooks/agent');
  });

  it('refuses a request without the shared secret, or with a wrong one, and stores nothing', async () => {
    const body = runBody('run-denied', [{ id: 'run-denied-1', kind: 'llm' }]);
    const none = await hook(body, {});
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: 'send the shared secret in the x-webhook-secret header' });
    expect((await hook(body, { 'x-webhook-secret': `${SECRET}x` })).status).toBe(401);
    expect((await server.get('/api/events?session_id=run-denied')).body.events).toEqual([]);
  });

  it('maps each call to an event, answers after commit, and the API shows them in events, sessions and stats', async () => {
    const res = await hook(
      runBody('run-42', [
        { id: 'run-42-a', kind: 'llm', model: 'claude-sonnet-4-5', usage: { input: '1200', output: 300 }, cost: '0.25', at: 1767225600, prompt: PROMPT },
        { id: 'run-42-b', kind: 'llm', model: 'claude-sonnet-4-5', usage: { input: 1000, output: 100 }, at: '2026-01-01T00:00:02Z' },
        { id: 'run-42-c', kind: 'tool', tool: 'shell', ms: '850', at: 1767225601500 },
        { id: 'run-42-d', kind: 'llm', usage: { input: 'lots' } },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      received: 4,
      ids: ['run-42-a', 'run-42-b', 'run-42-c'],
      duplicates: 0,
      rejected: [{ index: 3, errors: [{ field: 'tokens_in', message: 'must be a finite number or null', from: 'usage.input' }] }],
    });

    const events = (await server.get('/api/events?session_id=run-42')).body.events as any[];
    const byId = Object.fromEntries(events.map((e) => [e.event_id, e]));
    expect(Object.keys(byId).sort()).toEqual(['run-42-a', 'run-42-b', 'run-42-c']);
    expect(byId['run-42-a']).toMatchObject({
      session_id: 'run-42', agent_type: 'my_agent', event_type: 'api_request', source: 'native', model: 'claude-sonnet-4-5',
      project: 'acme/api', branch: 'main', tokens_in: 1200, tokens_out: 300, cost_usd: 0.25, cost_source: 'reported',
      client_timestamp: '2026-01-01T00:00:00.000Z', metadata: { run_url: 'https://ci.example/run-42' },
    });
    // No cost in the body: the cost processor priced model + tokens, as for any receiver.
    expect(byId['run-42-b'].cost_source).toBe('computed');
    expect(byId['run-42-b'].cost_usd).toBeGreaterThan(0);
    expect(byId['run-42-c']).toMatchObject({ event_type: 'tool_use', tool_name: 'shell', duration_ms: 850, client_timestamp: '2026-01-01T00:00:01.500Z' });
    // Only mapped fields are kept: the call's prompt is neither stored nor logged.
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(server.output()).not.toContain('hunter2');

    const session = (await server.get('/api/sessions/run-42')).body.session;
    expect(session).toMatchObject({ agent_type: 'my_agent', tokens_in: 2200, tokens_out: 400, api_request_count: 2, tool_count: 1 });
    const stats = (await server.get('/api/stats')).body;
    expect(stats.events_by_agent.my_agent).toBe(3);
    expect(stats.total_cost_usd).toBeCloseTo(0.25 + byId['run-42-b'].cost_usd, 9);

    const health = (await server.get('/api/health')).body;
    expect(health.components).toContainEqual({ id: 'webhook', kind: 'receiver', accepted: 3, refused: 1, failed: 0, duplicate: 0 });
  });

  it('a retried delivery adds nothing: every event is a duplicate', async () => {
    const body = runBody('run-retry', [{ id: 'run-retry-1', kind: 'llm', usage: { input: 5, output: 5 } }]);
    expect((await hook(body)).body).toMatchObject({ ids: ['run-retry-1'], duplicates: 0 });
    expect((await hook(body)).body).toMatchObject({ ids: [], duplicates: 1 });
    expect((await server.get('/api/events?session_id=run-retry')).body.events).toHaveLength(1);
  });

  it('answers bad input with a 4xx JSON error and loses nothing else', async () => {
    const text = await fetch(`${server.url}/webhooks/agent`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-webhook-secret': SECRET },
      body: '{}',
    });
    expect(text.status).toBe(415);
    expect((await hook('"just a string"')).body).toEqual({ error: 'bad_request', message: 'the body must be a JSON object or array' });
    expect((await hook({ run: { id: 'x' } })).body).toEqual({ error: 'bad_request', message: 'no event or list of events at "/calls"' });
    const empty = await hook(runBody('run-empty', []));
    expect([empty.status, empty.body]).toEqual([200, { received: 0, ids: [], duplicates: 0, rejected: [] }]);
    const invalid = await hook(runBody('run-bad', [{ id: 'run-bad-1', kind: 'llm', at: 'yesterday' }]));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'invalid_event', message: 'no event in the body is valid' });
    expect(invalid.body.rejected[0].errors[0]).toMatchObject({ field: 'timestamp', from: 'at' });
    const tooMany = await hook(runBody('run-big', Array.from({ length: 1001 }, (_, i) => ({ id: `big-${i}`, kind: 'llm' }))));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toEqual({ error: 'batch_too_large', message: 'at most 1000 events per request, got 1001' });
    expect((await server.get('/api/events?session_id=run-big')).body.events).toEqual([]);
  });
});

describe('the webhook receiver installed as an npm package, as a named instance behind the service token', () => {
  const TOKEN = 'service-token-0123456789';
  const SHARED = 'shared-secret-123';
  let dir: string;
  let configFile: string;
  let server: TestServer;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    dir = makeTempDir();
    // `npm install ./examples/webhook-receiver` next to the config file does the same as this link.
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(EXAMPLE, path.join(dir, 'node_modules', 'agentstats-receiver-webhook'), 'dir');
    configFile = path.join(dir, 'agentstats.jsonc');
    writeFileSync(configFile, JSON.stringify({
      service: {
        http: { token: TOKEN },
        max_queue_events: 100,
        pipelines: { events: { receivers: ['native', 'webhook/ci', 'webhook/deliveries'] } },
      },
      receivers: {
        'webhook/ci': {
          module: 'agentstats-receiver-webhook',
          path: '/hooks/ci',
          secret: SHARED,
          fields: { event_id: 'id', session_id: 'job', tokens_in: 'in', tokens_out: 'out' },
          defaults: { agent_type: 'ci_bot', event_type: 'api_request', model: 'claude-haiku-4-5' },
        },
        // A second instance of the same plugin: ids from the delivery header, no secret.
        'webhook/deliveries': {
          module: 'agentstats-receiver-webhook',
          path: '/hooks/deliveries',
          fields: { event_id: 'header:x-delivery', request_id: 'header:x-delivery', session_id: 'body:/session', event_type: 'type' },
          defaults: { agent_type: 'deliveries_bot' },
          events: '/items',
        },
      },
    }));
    server = await startTestServer({ dir, args: ['--config', configFile] });
  });
  afterAll(async () => server.cleanup());

  it('a receiver on its own prefix needs the service token like every route (401 without, 200 with)', async () => {
    const event = { id: 'tok-1', job: 'job-token', in: 10, out: 2 };
    const noToken = await post(server, '/hooks/ci', event, { 'x-webhook-secret': SHARED });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toEqual({ error: 'unauthorized', message: 'send Authorization: Bearer <token> (service.http.token)' });
    // The token alone is not enough either: the plugin still wants its own secret.
    expect((await post(server, '/hooks/ci', event, auth)).status).toBe(401);
    const ok = await post(server, '/hooks/ci', event, { ...auth, 'x-webhook-secret': SHARED });
    expect(ok.status).toBe(200);
    expect(ok.body.ids).toEqual(['tok-1']);
    const stored = await server.get('/api/events?session_id=job-token', auth);
    expect(stored.body.events.map((e: any) => [e.event_id, e.agent_type, e.tokens_in])).toEqual([['tok-1', 'ci_bot', 10]]);
  });

  it('a second instance on its own path takes ids from a header, unique per event of a delivery', async () => {
    const delivery = { session: 'job-deliveries', items: [{ type: 'notification' }, { type: 'stop' }] };
    const headers = { ...auth, 'x-delivery': 'dlv-7' };
    expect((await post(server, '/hooks/deliveries', delivery, headers)).body.ids).toEqual(['dlv-7#0', 'dlv-7#1']);
    // Redelivered: the same ids, nothing new.
    expect((await post(server, '/hooks/deliveries', delivery, headers)).body).toMatchObject({ ids: [], duplicates: 2 });
    const events = (await server.get('/api/events?session_id=job-deliveries', auth)).body.events as any[];
    expect(events.map((e) => [e.event_id, e.request_id, e.event_type, e.agent_type]).sort()).toEqual([
      ['dlv-7#0', 'dlv-7', 'notification', 'deliveries_bot'],
      ['dlv-7#1', 'dlv-7', 'stop', 'deliveries_bot'],
    ]);
  });

  it('under back-pressure answers 503 + Retry-After, and every batch it acknowledged is stored', async () => {
    const headers = { ...auth, 'x-webhook-secret': SHARED };
    let refused = 0;
    let acknowledged = 0;
    // A full queue needs requests to overlap; a few rounds of parallel 150-event batches make sure.
    for (let round = 0; round < 10 && refused === 0; round++) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, r) =>
          post(server, '/hooks/ci', Array.from({ length: 150 }, (_, i) => ({ id: `bp-${round}-${r}-${i}`, job: 'job-bp', in: 1, out: 1 })), headers),
        ),
      );
      for (const res of results) {
        if (res.status === 503) {
          refused += 1;
          expect(res.headers.get('retry-after')).toBe('1');
          expect(res.body).toEqual({ error: 'overloaded', message: 'ingest queue is full, retry later' });
        } else {
          expect(res.status).toBe(200);
          acknowledged += res.body.ids.length;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    const session = (await server.get('/api/sessions/job-bp', auth)).body.session;
    expect(session.event_count).toBe(acknowledged);
  });

  it('--print-config shows the plugin entry with the secret and the token hidden', async () => {
    const run = await runToExit({ dir, args: ['--config', configFile, '--print-config'] });
    expect(run.code).toBe(0);
    expect(run.output).toContain('"module": "agentstats-receiver-webhook"');
    expect(run.output).toContain('"secret": "<set>"');
    expect(run.output).not.toContain(SHARED);
    expect(run.output).not.toContain(TOKEN);
  });
});

describe('the webhook receiver refuses a config it cannot run with', () => {
  it('a mapping that leaves a required field empty, and a mistyped field, stop start-up naming the keys (exit 78)', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'agentstats.jsonc');
    writeFileSync(file, JSON.stringify({
      service: { pipelines: { events: { receivers: ['native', 'webhook'] } } },
      receivers: { webhook: { module: path.join(EXAMPLE, 'index.js'), fields: { event_type: 'kind', tokens_input: 'usage.in' }, defaults: { agent_type: 'x' } } },
    }));
    const bad = await runToExit({ dir, args: ['--config', file] });
    expect(bad.code).toBe(78);
    expect(bad.output).toContain(`  ${file}: receivers.webhook.fields.tokens_input: unknown key; did you mean tokens_in?\n`);
    writeFileSync(file, JSON.stringify({
      service: { pipelines: { events: { receivers: ['native', 'webhook'] } } },
      receivers: { webhook: { module: path.join(EXAMPLE, 'index.js'), fields: { event_type: 'kind' }, defaults: { agent_type: 'x' } } },
    }));
    const missing = await runToExit({ dir, args: ['--config', file] });
    expect(missing.code).toBe(78);
    expect(missing.output).toContain(
      `  ${file}: receivers.webhook.fields.session_id: every event needs a session_id: map it here or set defaults.session_id\n`,
    );
  });

  it('a secret_env that is not set stops start-up naming the receiver (exit 1), nothing listens', async () => {
    const run = await runToExit({ args: ['--config', path.join(EXAMPLE, 'agentstats.jsonc')] });
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'agentstats: failed to start: receiver webhook: could not be created: secret_env: the environment variable AGENT_WEBHOOK_SECRET is not set\n',
    );
    expect(run.output).not.toContain('AgentStats listening on');
  });
});
