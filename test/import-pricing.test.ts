/**
 * Pricing as the server applies it: the bundled table's date in the API, unknown models shown as
 * unpriced (never $0), and an AGENTSTATS_PRICING_PATH override changing computed costs.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, MAIN, startTestServer, type TestServer } from './helpers/server.js';

const request = (id: string, model: string) => ({
  event_id: id,
  session_id: 'pricing-session',
  agent_type: 'claude_code',
  event_type: 'api_request',
  model,
  tokens_in: 100_000, // under the 200k long-context threshold
  tokens_out: 10_000,
  client_timestamp: '2026-04-01T12:00:00.000Z',
});

describe('pricing in the running server', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.cleanup();
  });

  it('shows the table date, prices known models and leaves unknown ones unpriced', async () => {
    const server = await startTestServer();
    servers.push(server);
    expect((await server.post('/api/events', request('known', 'anthropic/claude-sonnet-4-5-20250929'))).status).toBe(201);
    expect((await server.post('/api/events', request('unknown', 'totally-new-model-9'))).status).toBe(201);

    const { body } = await server.get('/api/stats/cost');
    expect(body.pricing).toMatchObject({ date: '2026-07-24', override: null });
    expect(body.pricing.models).toBeGreaterThan(100);
    expect(body.pricing.source).toContain('LiteLLM');
    // claude-sonnet-4-5: $3 in, $15 out per MTok → 0.3 + 0.15
    expect(body.totals.cost_usd).toBeCloseTo(0.45, 6);
    expect(body.totals.unpriced_tokens).toBe(110_000);
    expect(body.unpriced_models).toEqual([{ model: 'totally-new-model-9', unpriced_tokens: 110_000 }]);
    const unknown = body.by_model.find((m: any) => m.model === 'totally-new-model-9');
    expect(unknown).toMatchObject({ cost_usd: 0, unpriced_tokens: 110_000 });

    const { body: events } = await server.get('/api/events?session_id=pricing-session');
    const byId = Object.fromEntries(events.events.map((e: any) => [e.event_id, e]));
    expect(byId.unknown.cost_usd).toBeNull();
    expect(byId.unknown.metadata.unpriced).toBe(true);
    expect(byId.known.cost_source).toBe('computed');
    expect(byId.known.metadata.priced_as).toBe('claude-sonnet-4-5-20250929');

    expect((await server.get('/api/pricing')).body.date).toBe('2026-07-24');
  });

  it('applies an override file to computed costs and names it in the API', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({ date: '2026-11-01', models: { 'claude-sonnet-4-5': { input: 10 }, 'totally-new-model-9': { input: 1, output: 2 } } }),
    );
    const server = await startTestServer({ dir, env: { AGENTSTATS_PRICING_PATH: file } });
    servers.push(server);
    await server.post('/api/events', request('known', 'claude-sonnet-4-5'));
    await server.post('/api/events', request('unknown', 'totally-new-model-9'));

    const { body } = await server.get('/api/stats/cost');
    expect(body.pricing.override).toEqual({ path: file, models: 2 });
    const cost = Object.fromEntries(body.by_model.map((m: any) => [m.model, m.cost_usd]));
    expect(cost['claude-sonnet-4-5']).toBeCloseTo(1 + 0.15, 6); // input overridden ($10), output kept
    expect(cost['totally-new-model-9']).toBeCloseTo(0.1 + 0.02, 6);
    expect(body.totals.unpriced_tokens).toBe(0);
  });

  it('refuses to start with a broken override, naming the file', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"models": {"m": {"input": "cheap"}}}');
    const run = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AGENTSTATS_PORT: '0',
        AGENTSTATS_GRPC_PORT: 'off',
        AGENTSTATS_DB_PATH: path.join(dir, 'db.sqlite'),
        AGENTSTATS_PRICING_PATH: file,
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('broken.json');
    expect(run.stderr).toMatch(/input/);
  });
});
