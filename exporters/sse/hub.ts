/**
 * The fan-out hub: every connected stream, the committed batches waiting to go out, and the
 * heartbeat and stats timers.
 *
 * Writes are coalesced per event-loop turn: consume() only queues frames, and one setImmediate
 * flush sends each client a single write holding everything committed in that turn. A client whose
 * socket buffer passes `maxBufferBytes` stops getting live writes ("lagging"); once its socket
 * drains it catches up from the store page by page, so it never holds more than about one page
 * beyond the cap. A client whose socket does not drain for `slowClientTimeoutMs` is disconnected;
 * the browser reconnects with Last-Event-ID and resumes from the store.
 *
 * Self-telemetry: each event written to a client is one accepted item (live or replayed, so an
 * event sent to three dashboards counts three); a client cut as too slow, or whose replay read
 * failed, is one failed item.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../collector/core/component.js';
import type { ComponentTelemetry } from '../../collector/core/telemetry.js';
import type { AlertRecord, CommittedBatch, EventReader, SessionReader, SessionRow, StoredEvent } from '../../collector/core/storage.js';

/** What the hub reads: replay pages, session rows for replayed sessions, stats for `stats` messages. */
export type HubStore = EventReader & Pick<SessionReader, 'getSession'> & { stats(): object };
import {
  alertFrame,
  HEARTBEAT,
  RETRY_FRAME,
  eventFrame,
  matchesEvent,
  matchesSession,
  messageFrame,
  sessionFrame,
  type StreamFilter,
} from './frames.js';

export interface HubOptions {
  store(): HubStore;
  logger: Logger;
  now(): number;
  heartbeatMs: number;
  statsIntervalMs: number;
  maxBufferBytes: number;
  slowClientTimeoutMs: number;
  maxReplayEvents: number;
  replayPageSize: number;
  /** Facts sent to each client when it connects (feed size, prompt storage, ...). */
  hello(): Record<string, unknown>;
  telemetry?: ComponentTelemetry;
}

interface Client {
  res: ServerResponse;
  filter: StreamFilter | null;
  /** Highest event seq this client has been sent (or does not need). */
  lastSeq: number;
  lagging: boolean;
  laggingSince: number;
  closed: boolean;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private pending: StoredEvent[] = [];
  private pendingSessions = new Map<string, SessionRow>();
  private pendingAlerts: AlertRecord[] = [];
  private flushQueued = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: HubOptions) {}

  get size(): number {
    return this.clients.size;
  }

  start(): void {
    this.timers.push(setInterval(() => this.heartbeat(), this.opts.heartbeatMs));
    this.timers.push(setInterval(() => this.dropStalled(), Math.min(1000, this.opts.slowClientTimeoutMs / 4)));
    this.timers.push(setInterval(() => this.sendStats(), this.opts.statsIntervalMs));
    for (const t of this.timers) t.unref();
  }

  /** Ends every stream (server shutdown); the browsers reconnect to the next server. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  /**
   * Takes over a response whose headers are already sent. `lastEventId` resumes after that seq;
   * null starts from now.
   */
  accept(res: ServerResponse, filter: StreamFilter | null, lastEventId: number | null): void {
    const store = this.opts.store();
    const maxSeq = store.maxSeq();
    const client: Client = { res, filter, lastSeq: maxSeq, lagging: false, laggingSince: 0, closed: false };
    this.clients.add(client);
    res.on('close', () => {
      client.closed = true;
      this.clients.delete(client);
    });
    res.on('error', () => res.destroy());

    let head = RETRY_FRAME + messageFrame('hello', { ...this.opts.hello(), seq: maxSeq });
    if (lastEventId !== null) {
      // A cursor from the future (a new database) or too far behind: tell the page to reload.
      if (lastEventId > maxSeq || maxSeq - lastEventId > this.opts.maxReplayEvents) {
        head += messageFrame('reset', {
          reason: lastEventId > maxSeq ? 'unknown_cursor' : 'too_far_behind',
          seq: maxSeq,
        });
      } else {
        client.lastSeq = lastEventId;
      }
    }
    head += messageFrame('stats', this.statsPayload(store));
    this.write(client, head);
    if (client.lastSeq < maxSeq && !client.lagging) this.catchUp(client);
  }

  /** Called by the pipeline after each commit, in commit order. Only queues; flush() writes. */
  consume(batch: CommittedBatch): void {
    if (this.clients.size === 0) return;
    for (const event of batch.events) this.pending.push(event);
    for (const session of batch.sessions) this.pendingSessions.set(session.session_id, session);
    if (batch.alerts) this.pendingAlerts.push(...batch.alerts);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    const events = this.pending;
    const sessions = [...this.pendingSessions.values()];
    const alerts = this.pendingAlerts.map(alertFrame).join('');
    this.pending = [];
    this.pendingSessions = new Map();
    this.pendingAlerts = [];
    if (events.length === 0 && sessions.length === 0 && !alerts) return;

    const frames = events.map(eventFrame);
    const sessionFrames = sessions.map(sessionFrame);
    const firstSeq = events.length > 0 ? events[0].seq : Number.POSITIVE_INFINITY;
    const lastSeq = events.length > 0 ? events[events.length - 1].seq : 0;
    let shared: Buffer | null = null;
    let delivered = 0;

    for (const client of this.clients) {
      if (client.lagging || client.closed) continue;
      if (!client.filter && client.lastSeq < firstSeq) {
        // The common case: one buffer, encoded once, written to every unfiltered client.
        shared ??= Buffer.from(frames.join('') + sessionFrames.join('') + alerts, 'utf8');
        if (lastSeq > 0) client.lastSeq = lastSeq;
        this.write(client, shared);
        delivered += events.length;
        continue;
      }
      let chunk = '';
      events.forEach((event, i) => {
        if (event.seq > client.lastSeq && matchesEvent(client.filter, event)) {
          chunk += frames[i];
          client.lastSeq = event.seq;
          delivered++;
        }
      });
      sessions.forEach((session, i) => {
        if (matchesSession(client.filter, session)) chunk += sessionFrames[i];
      });
      chunk += alerts;
      if (chunk) this.write(client, chunk);
    }
    this.opts.telemetry?.record('accepted', delivered);
  }

  /** Replays stored events after client.lastSeq until caught up or the socket buffer is full. */
  private catchUp(client: Client): void {
    const store = this.opts.store();
    const filter = client.filter ?? {};
    // Progress: the socket drained, so the slow-client clock starts again.
    if (client.lagging) client.laggingSince = this.opts.now();
    for (;;) {
      if (client.closed) return;
      let page: StoredEvent[];
      try {
        page = store.listEvents({ ...filter, after_seq: client.lastSeq, limit: this.opts.replayPageSize });
      } catch (error) {
        this.opts.logger.error('sse replay failed', { error: String(error) });
        this.opts.telemetry?.record('failed');
        client.res.destroy();
        return;
      }
      if (page.length === 0) break;
      let chunk = page.map(eventFrame).join('');
      for (const id of new Set(page.map((e) => e.session_id))) {
        const session = store.getSession(id);
        if (session) chunk += sessionFrame(session);
      }
      client.lastSeq = page[page.length - 1].seq;
      this.opts.telemetry?.record('accepted', page.length);
      if (!this.write(client, chunk, true)) return; // still lagging: resumes on 'drain'
      if (page.length < this.opts.replayPageSize) break;
    }
    client.lagging = false;
  }

  /**
   * Writes and checks the socket buffer. Returns false when the client is (now) lagging: it gets
   * no live writes until its socket drains and catchUp() has run.
   */
  private write(client: Client, data: string | Buffer, replaying = false): boolean {
    if (client.closed) return false;
    client.res.write(data);
    if (client.res.writableLength <= this.opts.maxBufferBytes) return true;
    if (!client.lagging || replaying) {
      if (!client.lagging) client.laggingSince = this.opts.now();
      client.lagging = true;
      client.res.once('drain', () => this.catchUp(client));
    }
    return false;
  }

  private heartbeat(): void {
    for (const client of this.clients) if (!client.lagging) this.write(client, HEARTBEAT);
  }

  /** Disconnects lagging clients whose socket has not drained for slowClientTimeoutMs. */
  private dropStalled(): void {
    const now = this.opts.now();
    for (const client of this.clients) {
      if (client.lagging && now - client.laggingSince > this.opts.slowClientTimeoutMs) {
        this.opts.logger.warn('sse client too slow, disconnected', { buffered: client.res.writableLength });
        this.opts.telemetry?.record('failed');
        client.res.destroy();
      }
    }
  }

  private statsPayload(store: HubStore): Record<string, unknown> {
    return { ...store.stats(), generated_at: new Date(this.opts.now()).toISOString() };
  }

  private sendStats(): void {
    if (this.clients.size === 0) return;
    let frame: Buffer;
    try {
      frame = Buffer.from(messageFrame('stats', this.statsPayload(this.opts.store())), 'utf8');
    } catch (error) {
      this.opts.logger.error('sse stats failed', { error: String(error) });
      return;
    }
    for (const client of this.clients) if (!client.lagging) this.write(client, frame);
  }
}
