import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { USER_PICK } from './claude.js';
import parse from './parse-worker.js';
import { pick, type PickSpec } from './pick.js';
import { unpackEvents } from '../../collector/core/packed-events.js';

/** What pick must give: JSON.parse's value with only the spec's keys. */
function project(value: unknown, spec: PickSpec): unknown {
  if (spec === true) return value;
  if (Array.isArray(value)) return spec['[]'] !== undefined ? value.map((v) => project(v, spec['[]'])) : value;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '[]' && Object.hasOwn(spec, k)) out[k] = project(v, spec[k]);
  return out;
}

function expected(line: string): unknown {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? project(v, USER_PICK) : undefined;
  } catch {
    return undefined;
  }
}

/** The line inside a larger buffer, as the line scanner hands it over (stale bytes after it). */
function picked(line: string): unknown {
  const before = '{"a":"';
  const buf = Buffer.from(before + line + '"}]}\n{"type":"user"}');
  return pick(buf, before.length, before.length + Buffer.byteLength(line), USER_PICK);
}

const LINES = [
  // escaped quotes and a key-like text inside the output, an output ending in a backslash
  '{"type":"user","timestamp":"t","message":{"role":"user","content":[{"tool_use_id":"a","type":"tool_result","content":"x \\"tool_use_id\\":\\"zzz\\", \\"is_error\\":true \\\\","is_error":true}]}}',
  // the same keys nested in the output's blocks and in toolUseResult are not the result's
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"b","content":[{"type":"text","tool_use_id":"no","text":"{\\"tool_use_id\\":\\"q\\"}"}]}]},"toolUseResult":{"tool_use_id":"nested","is_error":true}}',
  // whitespace, escapes in keys and values, null
  ' { "type" : "user" , "message" : { "content" : [ { "type":"tool_result" , "tool_use_id" : "c\\u0041" , "is_error" : false } ] } , "timestamp" : null } ',
  '{"t\\u0079pe":"user","message":{"content":[1,2,{"is_error":1e5,"x":[true,false,null,-0.5]}]}}',
  // a later duplicate key wins, as in JSON.parse
  '{"type":"user","type":"progress","message":{"content":"tool_result"}}',
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"é","content":"ünïcode \\\\\\" end 😀"}]}}',
  '{"__proto__":{"x":1},"type":"user","constructor":1,"message":{"constructor":{"a":1}}}',
  // not JSON: truncated, two lines run together, stray comma, bad number or literal, bracket mismatch
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"x","content":"trunc}',
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"x"}]}}{"a":1}',
  '{"type":"user",}',
  '{"type":"user","n":01}',
  '{"type":"user","n":tru}',
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"x","content":"a"]}}',
  '["type","user"]',
];

describe('pick', () => {
  it.each(LINES)('gives what JSON.parse gives for the named keys: %s', (line) => {
    expect(picked(line)).toEqual(expected(line));
  });

  it('refuses nesting deeper than the stack instead of throwing', () => {
    const deep = `{"type":"user","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(() => picked(deep)).not.toThrow();
  });
});

describe('tool results read through pick', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-pick-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs each result with its call, whatever its output holds', async () => {
    const line = (o: unknown) => JSON.stringify(o);
    const call = (id: string, ts: string) =>
      line({ type: 'assistant', sessionId: 's1', timestamp: ts, message: { id: `m-${id}`, role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id, name: 'Bash', input: { command: 'ls' } }] } });
    const file = path.join(dir, 's1.jsonl');
    writeFileSync(
      file,
      [
        call('t1', '2026-01-01T00:00:00.000Z'),
        call('t2', '2026-01-01T00:00:01.000Z'),
        // t1's output quotes another result as text; t2 fails, its output says it did not
        line({ type: 'user', timestamp: '2026-01-01T00:00:02.000Z', message: { role: 'user', content: [{ tool_use_id: 't1', type: 'tool_result', content: '{"tool_use_id":"t2","is_error":true} \\', is_error: false }] }, toolUseResult: { tool_use_id: 't2', is_error: true } }),
        line({ type: 'user', timestamp: '2026-01-01T00:00:04.500Z', message: { role: 'user', content: [{ tool_use_id: 't2', type: 'tool_result', content: [{ type: 'text', text: '"is_error":false' }], is_error: true }] } }),
        // a result in a progress line (a subagent's copy) is not this thread's
        line({ type: 'progress', data: { message: { type: 'user', message: { content: [{ tool_use_id: 't3', type: 'tool_result' }] } } } }),
        '',
      ].join('\n'),
    );
    const now = Date.parse('2026-01-02T00:00:00Z');
    const result = await parse({
      path: file, kind: 'claude-code', start: 0, end: statSync(file).size, state: null, nowMs: now, mtimeMs: now,
      sinceMs: null, maxBytes: 1 << 20, settleResponsesMs: 0, settleCallsMs: 1e9, stem: 's1', subagent: null, chain: null,
    });
    const tools = result.batches.flatMap((b) => unpackEvents(b.packed)).filter((e) => e.event_type === 'tool_use');
    expect(tools.map((e) => [e.tool_use_id, e.status, e.duration_ms])).toEqual([
      ['t1', 'success', 2000],
      ['t2', 'error', 3500],
    ]);
    expect(result.counters.malformed).toBe(0);
  });
});
