/**
 * Where a report's numbers come from: the running server's API, or — when nothing answers at its
 * address — the database file, opened read-only. Both answer with the same JSON, built by the same
 * read models (collector/api/read-models) over the same StatsReader and SessionReader, so a report
 * shows the same numbers whichever path it took.
 */
import type { BlocksResponse, Counters, CostStats, SessionRow } from '../api/schemas/index.js';
import type { ReadOnlyStore } from '../../exporters/sqlite/read-only.js';
import { getJson, ServerDownError } from './http.js';
import type { Endpoint } from './endpoint.js';

export interface CostRequest {
  since?: string;
  until?: string;
  tz: string;
  bucket: 'day' | 'hour';
  /** Only usage of this project / agent / model … (the server-side filters of /api/stats/cost). */
  project?: string;
  branch?: string;
  agent_type?: string;
  model?: string;
  source?: string;
  machine?: string;
}

export interface BlocksRequest {
  agent_type?: string;
  since?: string;
  until?: string;
  limit: number;
}

export interface SessionsRequest {
  agent_type?: string;
  project?: string;
  /** Page size. */
  limit: number;
}

export interface SessionsPage {
  sessions: SessionRow[];
  /** Give it back for the next (older) page; null after the last. */
  next: string | null;
}

export type SourceKind = 'api' | 'database';

export interface ReportSource {
  readonly kind: SourceKind;
  /** The URL or the file, for the report's footer. */
  readonly where: string;
  cost(q: CostRequest): Promise<CostStats>;
  blocks(q: BlocksRequest, now: Date): Promise<BlocksResponse>;
  sessions(q: SessionsRequest, cursor: string | null): Promise<SessionsPage>;
  session(id: string): Promise<SessionRow | null>;
  /** Usage totals from `since` on (the statusline's "today"): /api/stats/cost's `totals`. */
  totals(since: string): Promise<Counters>;
  close(): void;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ApiSource implements ReportSource {
  readonly kind = 'api';
  readonly where: string;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly timeoutMs: number,
  ) {
    this.where = endpoint.url;
  }

  private get<T>(pathname: string): Promise<T> {
    return getJson<T>(this.endpoint.url, pathname, this.endpoint.token, this.timeoutMs);
  }

  cost(q: CostRequest): Promise<CostStats> {
    return this.get(`/api/stats/cost${query({ ...q })}`);
  }

  blocks(q: BlocksRequest): Promise<BlocksResponse> {
    // The server's clock decides which block is active (the API takes no "now").
    return this.get(`/api/stats/blocks${query({ agent_type: q.agent_type, since: q.since, until: q.until, limit: q.limit })}`);
  }

  async sessions(q: SessionsRequest, cursor: string | null): Promise<SessionsPage> {
    const page = await this.get<{ sessions: SessionRow[]; next_cursor: string | null }>(
      `/api/sessions${query({ agent_type: q.agent_type, project: q.project, limit: q.limit, cursor: cursor ?? undefined })}`,
    );
    return { sessions: page.sessions, next: page.next_cursor };
  }

  async session(id: string): Promise<SessionRow | null> {
    try {
      const detail = await this.get<{ session: SessionRow }>(`/api/sessions/${encodeURIComponent(id)}?events=0`);
      return detail.session;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  async totals(since: string): Promise<Counters> {
    // Hour buckets: no day cut to make, and the timeline holds at most the hours since `since`.
    return (await this.cost({ since, tz: 'UTC', bucket: 'hour' })).totals;
  }

  close(): void {}
}

export class DatabaseSource implements ReportSource {
  readonly kind = 'database';

  private constructor(
    readonly where: string,
    private readonly store: ReadOnlyStore,
    private readonly views: typeof import('./db-views.js'),
  ) {}

  /** Loaded on demand: better-sqlite3 and the read models cost nothing when the server answers. */
  static async open(dbPath: string): Promise<DatabaseSource> {
    const [{ openReadOnlyStore }, views] = await Promise.all([import('../../exporters/sqlite/read-only.js'), import('./db-views.js')]);
    return new DatabaseSource(dbPath, openReadOnlyStore(dbPath), views);
  }

  async cost(q: CostRequest): Promise<CostStats> {
    return this.views.costStats(this.store.stats, q);
  }

  async blocks(q: BlocksRequest, now: Date): Promise<BlocksResponse> {
    return this.views.blocks(this.store.stats, q, now);
  }

  async sessions(q: SessionsRequest, cursor: string | null): Promise<SessionsPage> {
    // Newest first, paged by the (last_seen, session_id) of the last row read.
    const after = cursor ? (JSON.parse(cursor) as { value: string; session_id: string }) : undefined;
    const sessions = this.store.sessions.listSessions({ agent_type: q.agent_type, project: q.project, limit: q.limit, sort: 'last_seen', order: 'desc', after });
    const last = sessions[sessions.length - 1];
    return { sessions, next: sessions.length === q.limit && last ? JSON.stringify({ value: last.last_seen, session_id: last.session_id }) : null };
  }

  async session(id: string): Promise<SessionRow | null> {
    return this.store.sessions.getSession(id);
  }

  async totals(since: string): Promise<Counters> {
    return this.views.totals(this.store.stats, since);
  }

  close(): void {
    this.store.close();
  }
}

export type SourceChoice = 'auto' | 'api' | 'db';

/**
 * auto: the server when it answers, else the database file (the first request decides, and the
 * choice holds for the rest of the command). api / db: only that one.
 */
export class AutoSource implements ReportSource {
  private chosen: ReportSource | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly choice: SourceChoice,
    private readonly timeoutMs: number,
  ) {}

  get kind(): SourceKind {
    return this.chosen?.kind ?? 'api';
  }

  get where(): string {
    return this.chosen?.where ?? this.endpoint.url;
  }

  private async database(): Promise<ReportSource> {
    if (!this.endpoint.dbPath) throw new ServerDownError(`nothing answers at ${this.endpoint.url} and the config keeps no database file`);
    return DatabaseSource.open(this.endpoint.dbPath);
  }

  private async run<T>(call: (s: ReportSource) => Promise<T>): Promise<T> {
    if (this.chosen) return call(this.chosen);
    if (this.choice === 'db') {
      this.chosen = await this.database();
      return call(this.chosen);
    }
    const api = new ApiSource(this.endpoint, this.timeoutMs);
    try {
      const result = await call(api);
      this.chosen = api;
      return result;
    } catch (error) {
      if (!(error instanceof ServerDownError) || this.choice === 'api') throw error;
    }
    this.chosen = await this.database();
    return call(this.chosen);
  }

  cost(q: CostRequest) {
    return this.run((s) => s.cost(q));
  }

  blocks(q: BlocksRequest, now: Date) {
    return this.run((s) => s.blocks(q, now));
  }

  sessions(q: SessionsRequest, cursor: string | null) {
    return this.run((s) => s.sessions(q, cursor));
  }

  session(id: string) {
    return this.run((s) => s.session(id));
  }

  totals(since: string) {
    return this.run((s) => s.totals(since));
  }

  close(): void {
    this.chosen?.close();
  }
}
