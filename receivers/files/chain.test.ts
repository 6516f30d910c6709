import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainRef } from '../../collector/core/chain.js';
import type { ProcessorFactory } from '../../collector/core/component.js';
import type { ProcessorSpec } from '../../collector/core/pool.js';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { processedBatches, SLICE } from './chain.js';
import { unpackEvents } from '../../collector/core/packed-events.js';

const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-files-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx = { now: () => new Date('2026-01-02T00:00:00Z'), newId: () => 'x' };
function event(i: number): CanonicalEvent {
  const r = validateEvent(
    { event_id: `e${i >= SLICE + 10 ? i - 10 : i}`, session_id: 's', agent_type: 'claude_code', event_type: 'api_request', model: 'claude-sonnet-4-5', tokens_in: 1000, tokens_out: 10, client_timestamp: '2026-01-01T00:00:00Z', source: 'import' },
    ctx,
  );
  if (!r.ok) throw new Error('bad fixture');
  return r.event;
}

/** A built-in processor as the service specifies it (its default config). */
async function processor(name: string): Promise<ProcessorSpec> {
  const module = pathToFileURL(path.resolve('processors', name, 'index.ts')).href;
  const factory = ((await import(module)) as { default: ProcessorFactory }).default;
  return { id: name, module, config: factory.defaultConfig(), baseDir: dir };
}

describe('the processor chain in the parse worker', () => {
  it('runs the pipeline chain on each submit-sized batch and says what each processor passed', async () => {
    const chain: ChainRef = { key: 'default', specs: [await processor('dedupe'), await processor('cost')] };
    const events = Array.from({ length: SLICE + 30 }, (_, i) => event(i));
    const batches = await processedBatches(events, chain);
    expect(batches.map((b) => unpackEvents(b.packed).length)).toEqual([SLICE, 20]); // 10 ids repeat within the second slice
    expect(batches.map((b) => b.processed)).toEqual([
      { chain: 'default', input: SLICE, passed: [SLICE, SLICE] },
      { chain: 'default', input: 30, passed: [20, 20] },
    ]);
    expect(unpackEvents(batches[0].packed)[0].cost_source).toBe('computed');
    expect(unpackEvents(batches[0].packed)[0].cost_usd).toBeGreaterThan(0);
  });

  it('hands a batch over unprocessed when a processor throws, for the pipeline to run and report', async () => {
    const thrower = path.join(dir, 'thrower.mjs');
    writeFileSync(
      thrower,
      `export default { kind: 'processor', type: 'thrower', create: () => ({ process() { throw new Error('boom'); } }) };`,
    );
    const chain: ChainRef = { key: 'default', specs: [await processor('dedupe'), { id: 'thrower', module: pathToFileURL(thrower).href, config: {}, baseDir: dir }] };
    const batches = await processedBatches([event(1), event(2)], chain);
    expect(batches).toHaveLength(1);
    expect(batches[0].processed).toBeUndefined();
    expect(batches[0].packed.ids).toEqual(['e1', 'e2']);
    expect(unpackEvents(batches[0].packed).map((e) => e.event_id)).toEqual(['e1', 'e2']);
    expect(unpackEvents(batches[0].packed)[0].cost_source).toBeNull();
  });

  it('hands everything over unprocessed when the chain cannot be loaded here, or there is none', async () => {
    const missing: ChainRef = { key: 'default', specs: [{ id: 'gone', module: pathToFileURL(path.join(dir, 'gone.mjs')).href, config: {}, baseDir: dir }] };
    for (const ref of [missing, null]) {
      const batches = await processedBatches([event(1)], ref);
      expect(batches.map((b) => ({ ...b, packed: unpackEvents(b.packed) }))).toEqual([{ packed: [event(1)] }]);
      expect(batches[0].packed.ids).toEqual(['e1']);
    }
  });
});
