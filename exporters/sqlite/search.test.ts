/**
 * The search index on an in-memory database: the indexer follows stored events by seq (and resumes
 * from its position), the user's text is quoted term by term, snippets mark what matched, and
 * retention removes pruned events from the index.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent, type CanonicalEvent } from '../../collector/core/event.js';
import { openSqliteStorage, type SqliteStorage } from './open.js';
import { ftsQuery, parseTerms, searchText, snippet } from './search-text.js';

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

let storage: SqliteStorage;
beforeEach(() => {
  storage = openSqliteStorage(':memory:', { now: () => NOW, idleAfterMs: 24 * 3_600_000 });
});
afterEach(() => storage.close());
const search = (text: string) => storage.ports.search.search({ text, limit: 50 });

describe('search text and terms', () => {
  it('indexes the stored metadata, not key names, sizes or resource facts', () => {
    const text = searchText({
      tool_name: 'Bash',
      event_type: 'tool_use',
      model: null,
      status: 'error',
      metadata: { tool_input: { keys: ['command'], command: 'make all', bytes: 20, file_path: '/a/b.ts' }, status_code: 529, session: { os_type: 'linux' } },
    });
    expect(text.split('\n')).toEqual(['Bash', 'tool_use', 'error', 'make all', '/a/b.ts', '529']);
  });

  it('quotes every term: operators and stray quotes are words', () => {
    expect(ftsQuery(parseTerms('a AND "b c" d* NEAR( "e'))).toBe('"a" AND "and" AND "b c" AND "d"* AND "near" AND "e"');
    expect(parseTerms('" * ( :')).toEqual([]);
  });

  it('marks matched words in a window around the first match', () => {
    const s = snippet('Bash\ntool_use\nnpm run frobnicate --force', parseTerms('frob* force'));
    expect(s.highlights.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['frobnicate', 'force']);
  });
});

describe('search index', () => {
  it('follows stored events by seq in steps, finds newest first, and answers nothing for an empty query', () => {
    const indexer = storage.searchIndexer();
    const events = Array.from({ length: 5 }, (_, i) => event({ metadata: { tool_input: { file_path: `/src/walrus-${i}.ts` } }, client_timestamp: `2026-11-24T10:0${i}:00Z` }));
    void storage.ports.writer.writeBatch({ events });
    expect(search('walrus').hits).toEqual([]);
    expect(search('walrus')).toMatchObject({ indexed_seq: 0, max_seq: 5 });
    expect(indexer.step(3)).toBe(3);
    expect(search('walrus').hits.map((h) => h.seq)).toEqual([3, 2, 1]);
    expect(indexer.step(3)).toBe(2);
    expect(indexer.step(3)).toBe(0);
    expect(search('walrus').hits.map((h) => h.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(search('"walrus-3.ts"').hits.map((h) => h.seq)).toEqual([4]);
    expect(storage.ports.search.search({ text: 'walrus', limit: 2, before_seq: 4 }).hits.map((h) => h.seq)).toEqual([3, 2]);
    expect(search('  " ').hits).toEqual([]);
  });

  it('loses a pruned event from the index with the event', () => {
    void storage.ports.writer.writeBatch({
      events: [
        event({ metadata: { tool_input: { file_path: '/old/capybara.ts' } }, client_timestamp: '2026-01-01T00:00:00Z' }),
        event({ metadata: { tool_input: { file_path: '/new/capybara.ts' } }, client_timestamp: '2026-11-24T11:00:00Z' }),
      ],
    });
    storage.searchIndexer().step();
    expect(search('capybara').hits).toHaveLength(2);
    const pruned = storage.pruneStep({ olderThanMs: Date.parse('2026-06-01T00:00:00Z'), maxBytes: null, rows: 100 });
    expect(pruned).toMatchObject({ table: 'events', deleted: 1 });
    expect(search('capybara').hits.map((h) => h.snippet)).toEqual(['Bash · tool_use · /new/capybara.ts']);
  });
});
