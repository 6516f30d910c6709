/**
 * Session rows: read, merged with a batch's events in memory, written back once per session per
 * transaction; and the idle sweep.
 */
import type Database from 'better-sqlite3';
import { isErrorEvent, type CanonicalEvent } from '../../collector/core/event.js';
import type { SessionRow } from '../../collector/core/storage.js';
import { eventTokens } from './rollups.js';
import { INACTIVE, settleByAge, statusAfterEvent } from './session-status.js';

const COLUMNS = [
  'session_id',
  'agent_type',
  'status',
  'project',
  'branch',
  'cwd',
  'models',
  'parent_session_id',
  'first_seen',
  'last_seen',
  'ended_at',
  'end_reason',
  'event_count',
  'prompt_count',
  'tool_count',
  'error_count',
  'api_request_count',
  'tokens_in',
  'tokens_out',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'unpriced_tokens',
  'metadata',
] as const;

export type DbSessionRow = Omit<SessionRow, 'models' | 'metadata'> & { models: string; metadata: string };

function sessionFromDb(row: DbSessionRow): SessionRow {
  return { ...row, models: JSON.parse(row.models) as string[], metadata: JSON.parse(row.metadata) as Record<string, unknown> };
}

/** The running cost (a float sum) to the micro-dollar, as every reader of a SessionRow gets it. */
function roundCost(session: SessionRow): SessionRow {
  session.cost_usd = Math.round(session.cost_usd * 1e6) / 1e6;
  return session;
}

/** A stored session row as readers get it. */
export function readSession(row: DbSessionRow): SessionRow {
  return roundCost(sessionFromDb(row));
}

/** The idle sweep: active sessions quiet for too long become idle, in one indexed UPDATE. */
export class IdleSweep {
  private readonly markIdle: Database.Statement<[string], DbSessionRow>;

  constructor(db: Database.Database) {
    this.markIdle = db.prepare("UPDATE sessions SET status = 'idle' WHERE status = 'active' AND last_seen < ? RETURNING *");
  }

  /** Marks active sessions idle whose last activity is older than `olderThan`; returns them. */
  run(olderThan: Date): SessionRow[] {
    return this.markIdle.all(olderThan.toISOString()).map(readSession);
  }
}

/**
 * Most session rows the writer keeps between transactions: far more than are active at once, so a
 * live session is read back from the table only after another connection wrote.
 */
const KEPT_SESSIONS = 4096;

/** A session row as stored, and its metadata as stored (JSON). */
interface Kept {
  row: SessionRow;
  metadataJson: string;
}

export class SessionWriter {
  private readonly select: Database.Statement<[string], DbSessionRow>;
  private readonly upsert: Database.Statement;
  private readonly update: Database.Statement;
  /**
   * The rows this writer last stored, so a session seen in every batch is not read back and its
   * JSON parsed each time. Only valid while nothing else changes the sessions table: the Writer
   * calls forget() when another connection has written (PRAGMA data_version), after a rolled-back
   * transaction, and when the sweeps on its own connection ran.
   */
  private readonly kept = new Map<string, Kept>();

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT * FROM sessions WHERE session_id = ?');
    const rest = COLUMNS.filter((c) => c !== 'session_id');
    this.upsert = db.prepare(
      `INSERT INTO sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT(session_id) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    // A row just read is written back with a plain UPDATE: cheaper than an upsert, which first
    // tries the insert (docs/benchmarks.md).
    this.update = db.prepare(`UPDATE sessions SET ${rest.map((c) => `${c} = ?`).join(', ')} WHERE session_id = ?`);
  }

  /** Drops the kept rows: the next batch reads its sessions from the table. */
  forget(): void {
    this.kept.clear();
  }

  /**
   * Applies the batch's events, grouped by session. `activityMs` is when the event happened as the
   * session's first/last seen go (epoch ms); `counted` tells whether an event adds to the counters
   * (false when an earlier source already counted the same occurrence).
   */
  apply(
    events: Array<{ event: CanonicalEvent; activityMs: number; counted: boolean }>,
    idleBefore: string,
    endBefore: string | null = null,
  ): SessionRow[] {
    const bySession = new Map<string, typeof events>();
    for (const item of events) {
      const list = bySession.get(item.event.session_id);
      if (list) list.push(item);
      else bySession.set(item.event.session_id, [item]);
    }
    const changed: SessionRow[] = [];
    for (const [sessionId, items] of bySession) {
      let kept = this.kept.get(sessionId);
      let stored = kept !== undefined;
      if (!kept) {
        const existing = this.select.get(sessionId);
        stored = existing !== undefined;
        kept = existing
          ? { row: sessionFromDb(existing), metadataJson: existing.metadata }
          : { row: newSession(items[0].event, isoTime(items[0].activityMs)), metadataJson: '{}' };
      }
      const row = kept.row;
      // First and last seen are compared as numbers and written as text once per session: a Date
      // formatted for every event was ~3 % of the writer thread's work in an import.
      const seen = seenTimes(row);
      const { first, last } = seen;
      for (const item of items) mergeEvent(row, seen, item.event, item.activityMs, item.counted);
      if (seen.first !== first) row.first_seen = isoTime(seen.first);
      if (seen.last !== last) row.last_seen = isoTime(seen.last);
      settleByAge(row, idleBefore, endBefore);
      const metadataJson = JSON.stringify(row.metadata);
      if (metadataJson !== kept.metadataJson) {
        // Kept as a reader would parse it back (no references into the events, no undefined values).
        row.metadata = JSON.parse(metadataJson) as Record<string, unknown>;
        kept.metadataJson = metadataJson;
      }
      const values = sessionValues(row, metadataJson);
      if (stored) this.update.run(...values.slice(1), values[0]);
      else this.upsert.run(...values);
      this.keep(sessionId, kept);
      // As readers get it; arrays and objects copied, as the kept row changes with later batches.
      changed.push(roundCost({ ...row, models: [...row.models], metadata: { ...row.metadata } }));
    }
    return changed;
  }

  private keep(sessionId: string, kept: Kept): void {
    if (!this.kept.has(sessionId) && this.kept.size >= KEPT_SESSIONS) {
      // The longest kept goes first (insertion order); a session still busy is read back once.
      this.kept.delete(this.kept.keys().next().value!);
    }
    this.kept.set(sessionId, kept);
  }
}

/** The row's values in COLUMNS order (positional binding is cheaper than named). */
function sessionValues(row: SessionRow, metadataJson: string): unknown[] {
  return COLUMNS.map((col) => (col === 'metadata' ? metadataJson : col === 'models' ? JSON.stringify(row.models) : row[col]));
}

/** A session's first and last seen as epoch ms, while a batch's events are merged into it. */
interface SeenTimes {
  first: number;
  last: number;
}

/**
 * The row's first and last seen as numbers. Text that does not parse (not written by this code)
 * gives way to any event: as last seen it is older than all, as first seen newer than all.
 */
function seenTimes(row: SessionRow): SeenTimes {
  const first = Date.parse(row.first_seen);
  const last = Date.parse(row.last_seen);
  return { first: Number.isNaN(first) ? Infinity : first, last: Number.isNaN(last) ? -Infinity : last };
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function newSession(event: CanonicalEvent, activityIso: string): SessionRow {
  return {
    session_id: event.session_id,
    agent_type: event.agent_type,
    status: 'active',
    project: null,
    branch: null,
    cwd: null,
    models: [],
    parent_session_id: null,
    first_seen: activityIso,
    last_seen: activityIso,
    ended_at: null,
    end_reason: null,
    event_count: 0,
    prompt_count: 0,
    tool_count: 0,
    error_count: 0,
    api_request_count: 0,
    tokens_in: 0,
    tokens_out: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    unpriced_tokens: 0,
    metadata: {},
  };
}

function mergeEvent(row: SessionRow, seen: SeenTimes, e: CanonicalEvent, activityMs: number, counted: boolean): void {
  // Late events (an OTel export after SessionEnd) must not revive an ended session.
  const isLatest = activityMs >= seen.last;
  if (isLatest || e.event_type === 'session_end') statusAfterEvent(row, e.event_type);
  if (e.event_type === 'session_end') {
    row.ended_at = isoTime(activityMs);
    const reason = e.metadata.reason ?? e.metadata.end_reason;
    row.end_reason = typeof reason === 'string' ? reason : row.end_reason === INACTIVE ? null : row.end_reason;
  }
  if (activityMs < seen.first) seen.first = activityMs;
  if (isLatest) seen.last = activityMs;
  if (e.project && (isLatest || !row.project)) row.project = e.project;
  if (e.branch && (isLatest || !row.branch)) row.branch = e.branch;
  if (e.cwd && (isLatest || !row.cwd)) row.cwd = e.cwd;
  if (e.model && !row.models.includes(e.model)) row.models.push(e.model);
  if (e.parent_session_id && !row.parent_session_id) row.parent_session_id = e.parent_session_id;
  const sessionFacts = e.metadata.session;
  if (sessionFacts && typeof sessionFacts === 'object' && !Array.isArray(sessionFacts)) {
    mergeSessionFacts(row.metadata, sessionFacts as Record<string, unknown>);
  }
  // A sighting another source already counted adds nothing to the counters, event_count included.
  if (!counted) return;
  row.event_count += 1;
  if (e.event_type === 'user_prompt') row.prompt_count += 1;
  if (e.event_type === 'tool_use') row.tool_count += 1;
  if (e.event_type === 'api_request') row.api_request_count += 1;
  if (isErrorEvent(e)) row.error_count += 1;
  row.tokens_in += e.tokens_in ?? 0;
  row.tokens_out += e.tokens_out ?? 0;
  row.cache_read_tokens += e.cache_read_tokens ?? 0;
  row.cache_write_tokens += e.cache_write_tokens ?? 0;
  row.reasoning_tokens += e.reasoning_tokens ?? 0;
  row.cost_usd += e.cost_usd ?? 0;
  if (e.cost_usd === null) row.unpriced_tokens += eventTokens(e);
}

/** Session facts are few (service, host, OS, user): a client sending ever new keys cannot grow the row. */
const MAX_SESSION_FACTS = 64;
const MAX_SESSION_FACT_BYTES = 1024;

function mergeSessionFacts(target: Record<string, unknown>, facts: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(facts)) {
    // The usual case: every event of a session repeats its facts.
    if (target[key] === value && Object.hasOwn(target, key)) continue;
    if (!(key in target) && Object.keys(target).length >= MAX_SESSION_FACTS) continue;
    if (JSON.stringify(value ?? null).length > MAX_SESSION_FACT_BYTES) continue;
    target[key] = value;
  }
}
