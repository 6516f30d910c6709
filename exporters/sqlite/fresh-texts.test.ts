/**
 * The texts of events just committed, kept for the indexer: the index it builds from them is the
 * one it builds by reading the events back, and it reads back whatever they do not cover exactly —
 * an event another connection stored in between, one pruned before it was indexed.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { FreshTexts, MAX_FRESH_CHARS, MAX_FRESH_TEXTS } from './fresh-texts.js';
import { migrate } from './schema.js';
import { SearchIndexer } from './search-index.js';
import { Writer } from './writer.js';

const NOW = new Date('2026-11-24T12:00:00Z');
let ids = 0;
function event(fields: Record<string, unknown>): CanonicalEvent {
  const result = validateEvent(
    { session_id: 's1', agent_type: 'claude_code', event_type: 'tool_use', tool_name: 'Bash', ...fields },
    { now: () => NOW, newId: () => `gen-${++ids}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function store() {
  const db = new Database(':memory:');
  open.push(db);
  migrate(db);
  const writer = new Writer(db, { now: () => NOW, idleAfterMs: 24 * 3_600_000 });
  const indexer = new SearchIndexer(db);
  return {
    db,
    indexer,
    /** Writes the events; `keep`: their texts are handed to the indexer, as the writer thread does. */
    write(events: CanonicalEvent[], keep: boolean) {
      const { placed } = writer.writeBatchPlaced({ events });
      if (keep) indexer.fresh.add(events, placed);
      return placed.map((p) => p[1]);
    },
    /** Every (term, event) pair in the index, with its position: the index's whole content. */
    index() {
      db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, search_fts, instance)');
      return db.prepare('SELECT term, doc, offset FROM temp.vocab ORDER BY doc, offset, term').raw().all() as Array<[term: string, doc: number, offset: number]>;
    },
    indexedDocs() {
      db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.rows USING fts5vocab(main, search_fts, instance)');
      return db.prepare('SELECT DISTINCT doc FROM temp.rows ORDER BY doc').pluck().all();
    },
  };
}

const varied = () => [
  event({ metadata: { tool_input: { command: 'make all', file_path: '/src/walrus.ts' }, exit_code: 2 } }),
  event({ event_type: 'api_error', tool_name: null, status: 'error', model: 'claude-sonnet-4-5', metadata: { error_type: 'overloaded_error', status_code: 529, message: 'Overloaded — retry' } }),
  event({ tool_name: 'Edit', metadata: { tool_input: { file_path: '/src/Straße/ünïcode.ts', old_string: 'a', new_string: 'b' }, keys: ['file_path'], session: { os_type: 'linux' } } }),
  event({ metadata: { nested: { deeper: { deepest: ['one', 'two', { code: 7 }] } }, size: 12345 } }),
  event({ metadata: { description: 'x'.repeat(5000) } }),
  event({ metadata: {} }),
];

describe('the indexer with kept texts', () => {
  it('builds the same index as reading the events back, and takes the kept texts when they cover the next events', () => {
    const kept = store();
    const readBack = store();
    for (let round = 0; round < 3; round++) {
      const events = varied();
      kept.write(events, true);
      readBack.write(events.map((e) => ({ ...e })), false);
    }
    expect(kept.indexer.fresh.size).toBe(18);
    // What is stored is changed behind the indexer's back: only the kept texts still say "walrus".
    kept.db.prepare("UPDATE events SET metadata = '{}' WHERE seq = 1").run();
    while (kept.indexer.step(4) > 0);
    while (readBack.indexer.step(4) > 0);
    expect(kept.indexer.fresh.size).toBe(0);
    expect(kept.index().some(([term, doc]) => term === 'walrus' && doc === 1)).toBe(true);
    expect(kept.index()).toEqual(readBack.index());
    expect(kept.index().length).toBeGreaterThan(60);
  });

  it('reads back an event another connection stored between kept ones, and indexes every event once', () => {
    const s = store();
    s.write(varied().slice(0, 3), true); // seqs 1–3, kept
    s.write([event({ metadata: { tool_input: { command: 'foreign capybara' } } })], false); // seq 4: not this writer's
    s.write(varied().slice(0, 2), true); // seqs 5–6, kept
    expect(s.indexer.step(3)).toBe(3); // 1–3 from the kept texts
    expect(s.indexer.fresh.size).toBe(2);
    expect(s.indexer.step(3)).toBe(3); // 4–6 read back: 4 is not among the kept texts
    expect(s.indexer.fresh.size).toBe(0);
    expect(s.indexer.step(3)).toBe(0);
    expect(s.indexedDocs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.index().filter(([term]) => term === 'capybara').map(([, doc]) => doc)).toEqual([4]);
  });

  it("indexes a value as stored even when it is not plain JSON in memory (a plugin's Date, a boxed string, NaN)", () => {
    const kept = store();
    const readBack = store();
    const odd = () => [
      event({ metadata: { tool_input: { when: new Date('2026-11-24T10:00:00Z'), label: Object('boxed words'), exit_code: Number.NaN, status_code: Object(503) } } }),
    ];
    kept.write(odd(), true);
    readBack.write(odd(), false);
    while (kept.indexer.step() > 0);
    while (readBack.indexer.step() > 0);
    expect(readBack.index().map(([term]) => term)).toEqual(expect.arrayContaining(['2026', 'boxed', 'words', '503']));
    expect(kept.index()).toEqual(readBack.index());
  });

  it('does not index a kept event that was pruned before its turn', () => {
    const s = store();
    s.write([event({ metadata: { tool_input: { command: 'pruned platypus' } } }), event({ metadata: { tool_input: { command: 'kept okapi' } } })], true);
    s.db.prepare('DELETE FROM events WHERE seq = 1').run(); // as retention deletes an old event
    while (s.indexer.step() > 0);
    expect(s.indexedDocs()).toEqual([2]);
    expect(s.index().some(([term]) => term === 'platypus')).toBe(false);
    expect(s.indexer.fresh.size).toBe(0);
  });
});

describe('the indexer behind older events (an index catching up after an upgrade)', () => {
  it('reads the older events back first, a bounded number at a time, lets batches go first meanwhile, then takes the kept texts', () => {
    const s = store();
    s.write(Array.from({ length: 30 }, () => event({ metadata: { tool_input: { command: 'old lemur' } } })), false); // seqs 1–30, never kept
    s.write(varied().slice(0, 4), true); // seqs 31–34, kept
    expect(s.indexer.pressing).toBe(false); // not at the bound
    expect(s.indexer.step(10)).toBe(10); // 1–10 read back: the kept ones are not next
    expect(s.indexer.pressing).toBe(false);
    expect(s.indexer.fresh.size).toBe(4);
    expect(s.indexer.step(10)).toBe(10);
    expect(s.indexer.step(10)).toBe(10);
    // What is stored for a kept event is changed behind the indexer's back: only the kept text still says "walrus".
    s.db.prepare("UPDATE events SET metadata = '{}' WHERE seq = 31").run();
    expect(s.indexer.step(10)).toBe(4); // 31–34 from the kept texts
    expect(s.indexer.fresh.size).toBe(0);
    expect(s.index().filter(([term]) => term === 'walrus').map(([, doc]) => doc)).toEqual([31]);
    expect(s.indexedDocs()).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
  });
});

describe('FreshTexts', () => {
  const texts = (n: number, chars = 3) => Array.from({ length: n }, () => ({ tool_name: null, event_type: 'x'.repeat(chars), model: null, status: null, metadata: {} }));

  it('keeps at most MAX_FRESH_TEXTS texts, and is full then', () => {
    const fresh = new FreshTexts();
    const events = texts(MAX_FRESH_TEXTS + 10);
    fresh.add(events, events.map((_, i) => [i, i + 1] as const));
    expect(fresh.size).toBe(MAX_FRESH_TEXTS);
    expect(fresh.full).toBe(true);
    expect(fresh.take(10).map(([seq]) => seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(fresh.full).toBe(false);
  });

  it('keeps at most MAX_FRESH_CHARS characters', () => {
    const fresh = new FreshTexts();
    const events = texts(MAX_FRESH_CHARS / 4000 + 5, 4000);
    fresh.add(events, events.map((_, i) => [i, i + 1] as const));
    expect(fresh.size).toBe(MAX_FRESH_CHARS / 4000);
    expect(fresh.full).toBe(true);
    fresh.dropThrough(MAX_FRESH_CHARS / 4000);
    expect(fresh.size).toBe(0);
    expect(fresh.full).toBe(false);
  });

  it('keeps seqs in order only: one not above the last kept is left to be read back', () => {
    const fresh = new FreshTexts();
    const events = texts(3);
    fresh.add(events, [[0, 5], [1, 4], [2, 6]]);
    expect(fresh.take(fresh.size).map(([seq]) => seq)).toEqual([5, 6]);
  });
});
