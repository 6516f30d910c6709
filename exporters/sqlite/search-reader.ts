/**
 * The SearchReader port: the FTS5 index (search-index.ts) joined to the events it points at,
 * newest first. The user's text never reaches MATCH as syntax: it is cut into words and phrases and
 * each is quoted (search-text.ts). Snippets are built from the stored event's indexed text, since
 * the index keeps no copy of it.
 */
import type Database from 'better-sqlite3';
import { SearchQueryError, type SearchHit, type SearchPage, type SearchQuery } from '../../collector/core/search.js';
import type { SearchReader } from '../../collector/core/storage.js';
import { ftsQuery, parseTerms, searchText, snippet } from './search-text.js';
import { Statements } from './statements.js';

/** A hit's stored columns, plus the metadata its snippet is cut from. */
type Row = Omit<SearchHit, 'snippet' | 'highlights'> & { metadata: string };

export class SqliteSearchReader implements SearchReader {
  private readonly statements: Statements;
  private readonly position: Database.Statement<[], number>;
  private readonly latest: Database.Statement<[], number | null>;

  constructor(db: Database.Database) {
    this.statements = new Statements(db);
    this.position = db.prepare<[], number>("SELECT value FROM search_state WHERE key = 'indexed_seq'").pluck();
    this.latest = db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck();
  }

  search(q: SearchQuery): SearchPage {
    const page: SearchPage = { hits: [], indexed_seq: this.position.get() ?? 0, max_seq: this.latest.get() ?? 0 };
    const terms = parseTerms(q.text);
    if (terms.length === 0) return page;
    const where = ['search_fts MATCH ?'];
    const params: unknown[] = [ftsQuery(terms)];
    if (q.before_seq !== undefined) {
      where.push('search_fts.rowid < ?');
      params.push(q.before_seq);
    }
    if (q.agent_type) {
      where.push('e.agent_type = ?');
      params.push(q.agent_type);
    }
    if (q.since) {
      where.push('e.ts >= ?');
      params.push(Date.parse(q.since));
    }
    if (q.until) {
      where.push('e.ts < ?');
      params.push(Date.parse(q.until));
    }
    // Newest first straight off the index's doclists (rowid = seq), stopping at the limit.
    const sql = `SELECT e.seq, e.event_id, e.session_id, e.agent_type, e.event_type, e.tool_name, e.status, e.model, e.project, e.ts, e.metadata
      FROM search_fts JOIN events e ON e.seq = search_fts.rowid
      WHERE ${where.join(' AND ')} ORDER BY search_fts.rowid DESC LIMIT ?`;
    let rows: Row[];
    try {
      rows = this.statements.get(sql).all(...params, q.limit) as Row[];
    } catch (error) {
      // Quoting leaves the index nothing to refuse; should it still, that is the query's fault.
      if ((error as { code?: string }).code === 'SQLITE_ERROR') throw new SearchQueryError((error as Error).message);
      throw error;
    }
    page.hits = rows.map((r): SearchHit => {
      const { metadata, ...rest } = r;
      const text = searchText({ ...r, metadata: JSON.parse(metadata) as Record<string, unknown> });
      return { ...rest, ...snippet(text, terms) };
    });
    return page;
  }
}
