/**
 * The write path: one transaction per batch holding the events, their sessions, the rollups, the
 * correlation bookkeeping, spans and metric points. Statements are prepared once.
 */
import type Database from 'better-sqlite3';
import type { CanonicalEvent } from '../../collector/core/event.js';
import type { BatchWriter, StoredEvent, WriteBatch, WriteResult } from '../../collector/core/storage.js';
import { batchEvents } from '../../collector/core/packed-events.js';
import { isCallPairBase } from '../../collector/core/correlation.js';
import { CallPairs } from './call-pairs.js';
import { COUNTER_COLUMNS, foldRollups, type Counters, type RollupDeltas } from './rollups.js';
import { RowUpsert } from './upsert-rows.js';
import { SessionWriter } from './sessions.js';
import { TelemetryWriter } from './telemetry.js';
import { PrunedEvents } from './pruned-events.js';

export const EVENT_COLUMNS = [
  'event_id',
  'session_id',
  'agent_type',
  'event_type',
  'source',
  'tool_name',
  'status',
  'model',
  'project',
  'branch',
  'cwd',
  'tokens_in',
  'tokens_out',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'cost_source',
  'duration_ms',
  'ts',
  'client_timestamp',
  'created_at',
  'parent_session_id',
  'request_id',
  'prompt_id',
  'tool_use_id',
  'correlation_key',
  'metadata',
  'payload_truncated',
  'machine',
] as const;

/** Where a stored event sits in its batch and its seq, with its new correlation key if pairing gave one. */
export type Placement = [index: number, seq: number] | [index: number, seq: number, correlationKey: string];

/** A WriteResult without the events: what the writer thread sends back (the main thread has them). */
export interface PlacedResult extends Omit<WriteResult, 'inserted'> {
  placed: Placement[];
}

export interface WriterOptions {
  now(): Date;
  /** Sessions whose last activity is older than this many ms are written as idle. */
  idleAfterMs: number;
  /** Sessions whose last activity is older than this many ms are written as ended (0: never). */
  endAfterMs?: number;
}

function counterUpsert(db: Database.Database, table: string, keyColumns: string[]): RowUpsert {
  const cols = [...keyColumns, ...COUNTER_COLUMNS];
  const sets = COUNTER_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
  return new RowUpsert(
    db,
    cols.length,
    (values) => `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values} ON CONFLICT(${keyColumns.join(', ')}) DO UPDATE SET ${sets}`,
  );
}

function latencyUpsert(db: Database.Database, table: string, keyColumns: string[]): RowUpsert {
  const cols = [...keyColumns, 'count', 'errors'];
  return new RowUpsert(
    db,
    cols.length,
    (values) => `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values}
      ON CONFLICT(${keyColumns.join(', ')}) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors`,
  );
}

/** The BatchWriter port. */
export class Writer implements BatchWriter {
  /** Packed events are unpacked here, in the write (batchEvents). */
  readonly takesPacked = true;
  private readonly insertEvent: Database.Statement;
  private readonly claimCorrelation: Database.Statement;
  private readonly markUncounted: Database.Statement;

  private readonly countFolded: Database.Statement;
  private readonly upsertTotal: RowUpsert;
  private readonly upsertHourly: RowUpsert;
  private readonly upsertQuarter: RowUpsert;
  private readonly upsertLatencyDay: RowUpsert;
  private readonly upsertLatency: RowUpsert;
  private readonly sessions: SessionWriter;
  private readonly telemetry: TelemetryWriter;
  private readonly pruned: PrunedEvents;
  private readonly callPairs: CallPairs;
  private readonly dataVersion: Database.Statement<[], number>;
  /** PRAGMA data_version at the last transaction: it changes when another connection commits. */
  private seenVersion = -1;
  private lastCreatedAt = '';
  private lastCreatedMs = NaN;
  private readonly tx: Database.Transaction<(batch: WriteBatch, withEvents: boolean) => WriteResult & PlacedResult>;

  constructor(
    db: Database.Database,
    private readonly opts: WriterOptions,
  ) {
    this.insertEvent = db.prepare(
      `INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')})
       VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.claimCorrelation = db.prepare(
      'INSERT OR IGNORE INTO correlations (key, seq, source) VALUES (?, ?, ?)',
    );
    this.markUncounted = db.prepare('UPDATE events SET counted = 0 WHERE seq = ?');

    this.countFolded = db.prepare(
      'INSERT INTO folded (source, count) VALUES (?, 1) ON CONFLICT(source) DO UPDATE SET count = count + 1',
    );
    this.upsertTotal = counterUpsert(db, 'totals', ['dim', 'key']);
    this.upsertHourly = counterUpsert(db, 'hourly', ['hour', 'dim', 'key']);
    this.upsertQuarter = counterUpsert(db, 'quarter_hours', ['quarter', 'dim', 'key']);
    this.upsertLatencyDay = latencyUpsert(db, 'tool_latency_days', ['day', 'agent_type', 'tool', 'bucket']);
    this.upsertLatency = latencyUpsert(db, 'tool_latency', ['agent_type', 'tool', 'bucket']);
    this.sessions = new SessionWriter(db);
    this.telemetry = new TelemetryWriter(db);
    this.pruned = new PrunedEvents(db);
    this.callPairs = new CallPairs(db);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.tx = db.transaction((batch: WriteBatch, withEvents: boolean) => this.writeInTransaction(batch, withEvents));
  }

  writeBatch(batch: WriteBatch): WriteResult {
    const r = this.write(batch, true);
    return { inserted: r.inserted, sessions: r.sessions, foldedIds: r.foldedIds, spansStored: r.spansStored, metricPointsStored: r.metricPointsStored };
  }

  /** writeBatch without building the stored events: their places in the batch and seqs. */
  writeBatchPlaced(batch: WriteBatch): PlacedResult {
    const r = this.write(batch, false);
    return { placed: r.placed, sessions: r.sessions, foldedIds: r.foldedIds, spansStored: r.spansStored, metricPointsStored: r.metricPointsStored };
  }

  private write(given: WriteBatch, withEvents: boolean): WriteResult & PlacedResult {
    const batch = given.packed?.length ? { ...given, events: batchEvents(given), packed: undefined } : given;
    // IMMEDIATE: a batch may read (call pairing) before its first write, and a deferred read
    // transaction cannot take the write lock once the importer's connection has committed.
    try {
      return this.tx.immediate(batch, withEvents);
    } catch (error) {
      // Rolled back: the session rows kept in memory may hold what was not stored.
      this.sessions.forget();
      throw error;
    }
  }

  /** Something else on this connection changed sessions (the idle and inactivity sweeps). */
  forgetSessions(): void {
    this.sessions.forget();
  }

  private writeInTransaction(batch: WriteBatch, withEvents: boolean): WriteResult & PlacedResult {
    const nowMs = this.opts.now().getTime();
    const inserted: StoredEvent[] = [];
    const placed: Placement[] = [];
    const counted: Array<{ event: CanonicalEvent; tsMs: number }> = [];
    const forSessions: Array<{ event: CanonicalEvent; activityMs: number; counted: boolean }> = [];
    const foldedIds = new Set<string>();
    this.pruned.refresh();
    // Read with the write lock held: no other connection can commit until this transaction ends.
    const version = this.dataVersion.get()!;
    if (version !== this.seenVersion) {
      this.sessions.forget(); // another connection (the importer, the sweeps) may have changed sessions
      this.seenVersion = version;
    }

    for (let index = 0; index < batch.events.length; index++) {
      const original = batch.events[index];
      const createdMs = this.receivedMs(original.created_at);
      const tsMs = original.client_timestamp == null ? createdMs : Date.parse(original.client_timestamp);
      if (this.pruned.wasPruned(original.event_id, tsMs)) continue; // stored and pruned since: a repeat
      let event = original;
      const base = event.correlation_key;
      const pairing = base !== null && isCallPairBase(base) ? this.callPairs.resolve(base, event.source, tsMs) : null;
      if (pairing) event = { ...event, correlation_key: pairing.key };
      // Spread, not an array: better-sqlite3 binds arguments directly but reads an array's
      // elements one property lookup at a time (~1.7 µs an event: docs/benchmarks.md).
      const info = this.insertEvent.run(...toRow(event, tsMs));
      if (info.changes === 0) {
        if (pairing) this.callPairs.dropped(pairing);
        continue; // the unique event_id says: already stored
      }
      if (pairing) this.callPairs.stored(pairing);
      const seq = Number(info.lastInsertRowid);
      const stored: StoredEvent | null = withEvents ? { ...event, seq } : null;
      if (stored) inserted.push(stored);
      else placed.push(pairing ? [index, seq, pairing.key] : [index, seq]);

      // A paired sighting needs no claim: the one that opened the pair counts, its twin does not.
      const isCounted = pairing ? pairing.partner === null : this.claim(event, seq);
      if (!isCounted) {
        foldedIds.add(event.event_id);
        // As the read API marks it, so the live stream shows the same thing.
        if (stored) stored.metadata = { ...event.metadata, counted_elsewhere: true };
        this.markUncounted.run(seq);
        this.countFolded.run(event.source);
      }
      if (isCounted) counted.push({ event, tsMs });
      // Activity never runs ahead of the server clock (clients with a skewed clock).
      forSessions.push({ event, activityMs: Math.min(tsMs, createdMs), counted: isCounted });
    }

    if (counted.length > 0) this.writeRollups(foldRollups(counted));

    const idleBefore = new Date(nowMs - this.opts.idleAfterMs).toISOString();
    const endBefore = this.opts.endAfterMs ? new Date(nowMs - this.opts.endAfterMs).toISOString() : null;
    const sessions = forSessions.length > 0 ? this.sessions.apply(forSessions, idleBefore, endBefore) : [];

    const spansStored = batch.spans?.length ? this.telemetry.writeSpans(batch.spans) : 0;
    const metricPointsStored = batch.metricPoints?.length
      ? this.telemetry.writeMetricPoints(batch.metricPoints)
      : 0;

    return { inserted, placed, sessions, foldedIds, spansStored, metricPointsStored };
  }

  /** One multi-row upsert per rollup table (upsert-rows.ts). */
  private writeRollups(deltas: RollupDeltas): void {
    const totals: unknown[] = [];
    for (const { dim, key, c } of deltas.totals.values()) {
      totals.push(dim, key);
      pushCounters(totals, c);
    }
    this.upsertTotal.run(totals);
    const hourly: unknown[] = [];
    for (const { hour, dim, key, c } of deltas.hourly.values()) {
      hourly.push(hour, dim, key);
      pushCounters(hourly, c);
    }
    this.upsertHourly.run(hourly);
    const quarters: unknown[] = [];
    for (const { quarter, dim, key, c } of deltas.quarters.values()) {
      quarters.push(quarter, dim, key);
      pushCounters(quarters, c);
    }
    this.upsertQuarter.run(quarters);
    const days: unknown[] = [];
    // All time: the days of a batch summed first, so each (agent, tool, bucket) is one row.
    const allTime = new Map<string, unknown[]>();
    for (const { day, agent, tool, bucket, count, errors } of deltas.toolDurations.values()) {
      days.push(day, agent, tool, bucket, count, errors);
      const k = `${agent}\u0000${tool}\u0000${bucket}`;
      const row = allTime.get(k) as [string, string, number, number, number] | undefined;
      if (row) {
        row[3] += count;
        row[4] += errors;
      } else allTime.set(k, [agent, tool, bucket, count, errors]);
    }
    this.upsertLatencyDay.run(days);
    this.upsertLatency.run([...allTime.values()].flat());
  }

  /** Date.parse of a created_at, the last one remembered: a batch's events mostly share it. */
  private receivedMs(createdAt: string): number {
    if (createdAt !== this.lastCreatedAt) {
      this.lastCreatedAt = createdAt;
      this.lastCreatedMs = Date.parse(createdAt);
    }
    return this.lastCreatedMs;
  }

  /** True when this is the first sighting of its correlation key (or it has none). */
  private claim(event: CanonicalEvent, seq: number): boolean {
    if (event.correlation_key === null) return true;
    return this.claimCorrelation.run(event.correlation_key, seq, event.source).changes > 0;
  }
}

// Positional parameters, passed as arguments: binding them is markedly cheaper than binding named
// ones from an object or the elements of an array, and these statements run for every event and
// every rollup key (see docs/benchmarks.md).

/**
 * Appends the counter values in COUNTER_COLUMNS order, written out: a loop over the names reads
 * each by a key that changes every time (a slow, megamorphic lookup).
 */
function pushCounters(out: unknown[], c: Counters): void {
  out.push(c.events, c.errors, c.tokens_in, c.tokens_out, c.cache_read_tokens, c.cache_write_tokens, c.reasoning_tokens, c.cost_usd, c.unpriced_tokens, c.api_requests);
}

/**
 * The event's row values in EVENT_COLUMNS order (ts and metadata are derived, the rest as is),
 * written out rather than mapped over the column names: this runs for every event.
 */
export function toRow(e: CanonicalEvent, tsMs: number): unknown[] {
  return [
    e.event_id,
    e.session_id,
    e.agent_type,
    e.event_type,
    e.source,
    e.tool_name,
    e.status,
    e.model,
    e.project,
    e.branch,
    e.cwd,
    e.tokens_in,
    e.tokens_out,
    e.cache_read_tokens,
    e.cache_write_tokens,
    e.reasoning_tokens,
    e.cost_usd,
    e.cost_source,
    e.duration_ms,
    tsMs,
    e.client_timestamp,
    e.created_at,
    e.parent_session_id,
    e.request_id,
    e.prompt_id,
    e.tool_use_id,
    e.correlation_key,
    JSON.stringify(e.metadata),
    e.payload_truncated,
    e.machine,
  ];
}
