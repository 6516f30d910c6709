/**
 * The agent catalogue (collector/core/agents.ts) is the one list of agents. The hook scripts in
 * hooks/ are dependency-free plain JavaScript and cannot import it, so this checks that they name
 * exactly the catalogue's hook endpoints, and that the receivers derive theirs from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_LIST, AGENTS, FILE_KINDS, HOOK_SLUGS } from '../collector/core/agents.js';
import { HOOK_AGENTS } from '../receivers/hooks/types.js';
import { agentOf } from '../receivers/otlp/mappers/index.js';
import filesFactory from '../receivers/files/index.js';
import { ROOT } from './helpers/server.js';

describe('agent catalogue', () => {
  it('gives every agent a unique id, hook endpoint and OTel prefix', () => {
    for (const key of ['id', 'hookSlug', 'otelPrefix'] as const) {
      expect(new Set(AGENT_LIST.map((a) => a[key])).size, key).toBe(AGENT_LIST.length);
    }
    for (const [id, agent] of Object.entries(AGENTS)) expect(agent.id).toBe(id);
  });

  it('is what the hook installers and the hook command know', async () => {
    const installers = (await import(path.join(ROOT, 'hooks/lib/agents.mjs'))) as { AGENTS: Record<string, unknown> };
    expect(Object.keys(installers.AGENTS).sort()).toEqual([...HOOK_SLUGS].sort());

    // The hook command runs main() when loaded, so its list is read from the source.
    const command = readFileSync(path.join(ROOT, 'hooks/bin/agentstats-hook.cjs'), 'utf8');
    const list = /^const AGENTS = \[([^\]]*)\];$/m.exec(command);
    expect(list, 'const AGENTS = [...] in agentstats-hook.cjs').not.toBeNull();
    expect([...list![1].matchAll(/'([^']+)'/g)].map((m) => m[1]).sort()).toEqual([...HOOK_SLUGS].sort());

    const entries = (await import(path.join(ROOT, 'hooks/lib/hook-entries.mjs'))) as {
      isAgentStatsHandler(handler: unknown): boolean;
    };
    for (const slug of HOOK_SLUGS) {
      expect(entries.isAgentStatsHandler({ type: 'http', url: `http://127.0.0.1:3141/api/hooks/${slug}` }), slug).toBe(true);
      expect(existsSync(path.join(ROOT, 'hooks', slug, 'install.sh')), `hooks/${slug}/install.sh`).toBe(true);
    }
    expect(entries.isAgentStatsHandler({ type: 'http', url: 'http://127.0.0.1:3141/api/hooks/aider' })).toBe(false);
  });

  it('is what the receivers accept', () => {
    expect([...HOOK_AGENTS]).toEqual([...HOOK_SLUGS]);
    expect(filesFactory.defaultConfig().sources).toEqual([...FILE_KINDS]);
    for (const agent of AGENT_LIST) {
      expect(agentOf(`${agent.otelPrefix}token.usage`, {})).toBe(agent.id);
    }
    expect(agentOf('token.usage', { 'service.name': 'aider' })).toBe('aider');
  });
});
