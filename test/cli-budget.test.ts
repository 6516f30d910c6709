/** `agentstats budget` (collector/cli/commands/budget.ts) against the real server, and with the server down. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBudget } from '../collector/cli/commands/budget.js';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { env, stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
}

describe('agentstats budget', () => {
  let server: TestServer;

  beforeAll(async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'agentstats.jsonc');
    writeFileSync(file, JSON.stringify({ exporters: { alerts: { timezone: 'UTC', budgets: [{ name: 'daily', period: 'day', unit: 'usd', limit: 20 }, { name: 'codex block', period: 'block', unit: 'tokens', limit: 1e6, agent: 'codex' }] } } }));
    server = await startTestServer({ dir, args: ['--config', file] });
    await server.post('/api/events/batch', {
      events: [
        { session_id: 'c1', agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 10, cost_usd: 3.5 },
        { session_id: 'c2', agent_type: 'claude_code', event_type: 'api_request', model: 'mystery-model', tokens_in: 4200 },
      ],
    });
  });
  afterAll(() => server?.cleanup());

  it('prints each budget with spent, limit, percent and unpriced usage', async () => {
    const { out, io: cli } = io({ AGENTSTATS_URL: server.url });
    expect(await runBudget([], cli)).toBe(0);
    const daily = out.stdout.split('\n').find((l) => l.startsWith('daily'))!;
    expect(daily).toMatch(/day\s+all\s+\$3\.50\s+\$20\.00\s+17\.5%/);
    expect(out.stdout).toMatch(/codex block\s+5h block\s+agent codex\s+0 tok\s+1,000,000 tok\s+0\.0%\s+no block/);
    expect(out.stdout).toContain('daily: 4,200 tokens of unpriced models are not in its dollars');
  });

  it('--json prints the server answer', async () => {
    const { out, io: cli } = io();
    expect(await runBudget(['--json', '--url', server.url], cli)).toBe(0);
    const parsed = JSON.parse(out.stdout);
    expect(parsed.statuses.map((s: { budget: { name: string }; spent: number }) => [s.budget.name, s.spent])).toEqual([['daily', 3.5], ['codex block', 0]]);
  });

  it('says so when the server is down, and refuses unknown options', async () => {
    const down = io();
    expect(await runBudget(['--url', 'http://127.0.0.1:9'], down.io)).toBe(1);
    expect(down.out.stderr).toContain('is not answering');
    const bad = io();
    expect(await runBudget(['--colour'], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain('unknown option --colour');
  });
});
