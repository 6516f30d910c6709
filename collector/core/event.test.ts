import { describe, expect, it } from 'vitest';
import { jsonDepth, projectFromCwd, validateEvent } from './event.js';

const ctx = { now: () => new Date('2026-01-01T00:00:00Z'), newId: () => 'generated-id' };

describe('validateEvent', () => {
  it('reports every field error at once, by field name', () => {
    const result = validateEvent(
      { session_id: 5, event_type: '', tokens_in: 1.5, cost_usd: 'free', metadata: [], client_timestamp: 'yesterday' },
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(
      ['agent_type', 'client_timestamp', 'cost_usd', 'event_type', 'metadata', 'session_id', 'tokens_in'].sort(),
    );
  });

  it('generates an id, defaults the source and keeps unknown fields in metadata', () => {
    const result = validateEvent(
      { session_id: 's', agent_type: 'claude_code', event_type: 'tool_use', cwd: '/home/me/app', colour: 'blue', cost_usd: 0.5 },
      ctx,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toMatchObject({
      event_id: 'generated-id',
      source: 'native',
      project: 'app',
      cost_source: 'reported',
      created_at: '2026-01-01T00:00:00.000Z',
      metadata: { colour: 'blue' },
    });
  });

  it('refuses reasoning tokens beyond output tokens', () => {
    const result = validateEvent(
      { session_id: 's', agent_type: 'codex', event_type: 'api_request', tokens_out: 10, reasoning_tokens: 11 },
      ctx,
    );
    expect(result.ok).toBe(false);
  });

  it('derives the project from a Windows or POSIX path', () => {
    expect(projectFromCwd('C:\\Users\\me\\repo')).toBe('repo');
    expect(projectFromCwd('/srv/app/')).toBe('app');
    expect(projectFromCwd(null)).toBeNull();
  });
});

describe('jsonDepth', () => {
  /** The plain recursive definition, for values small enough to recurse over. */
  const depthOf = (v: unknown): number =>
    v === null || typeof v !== 'object' ? 0 : 1 + Math.max(0, ...(Array.isArray(v) ? v : Object.values(v)).map(depthOf));

  it('counts nested objects and arrays as the recursive definition does, and only own keys', () => {
    const values: unknown[] = [null, 3, 'x', {}, [], { a: 1 }, { a: [{ b: [] }] }, [[[]], { c: { d: { e: 'deep' } } }], { a: [1, 'two', null, { b: {} }], z: {} }];
    for (const v of values) expect(jsonDepth(v, 100), JSON.stringify(v)).toBe(depthOf(v));
    const inherited = Object.create({ hidden: { deeper: {} } }) as Record<string, unknown>;
    inherited.own = 1;
    expect(jsonDepth(inherited, 100)).toBe(1);
  });

  it('stops as soon as the limit is passed, even for a value far too deep to recurse over', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDepth(deep, 32)).toBe(33);
  });
});

