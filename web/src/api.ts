/**
 * The one module that talks to the server: JSON over HTTP and the SSE stream. Everything else
 * reads state from the store, which this module feeds.
 */
import type {
  Alert,
  BlocksResponse,
  CostQuery,
  CostStats,
  ErrorsResponse,
  EventsPage,
  FilterOptions,
  SearchPage,
  Hello,
  Reset,
  SessionDetail,
  SessionRow,
  SessionsPage,
  Stats,
  StoredEvent,
  ToolUsageResponse,
  ToolCallsResponse,
  ToolsResponse,
} from './types.js';
import type { Health } from './health.js';

const TOKEN_KEY = 'agentstats.token';
/** How long the liveness probe waits for /api/health, and the longest wait between reconnects. */
const PROBE_TIMEOUT_MS = 2500;
const MAX_BACKOFF_MS = 4000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function token(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(value: string): void {
  localStorage.setItem(TOKEN_KEY, value.trim());
}

export function hasToken(): boolean {
  return token() !== null;
}

/** Whether the server takes this token: 'ok', 'rejected' (401), or 'unreachable'. */
export async function checkToken(value: string): Promise<'ok' | 'rejected' | 'unreachable'> {
  try {
    const res = await fetch(url('/api/stats'), { headers: { authorization: `Bearer ${value.trim()}` } });
    return res.status === 401 || res.status === 403 ? 'rejected' : res.ok ? 'ok' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}

type Params = Record<string, string | number | undefined | null>;

function url(path: string, params: Params = {}): string {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

async function getJson<T>(path: string, params?: Params): Promise<T> {
  const t = token();
  const res = await fetch(url(path, params), { headers: t ? { authorization: `Bearer ${t}` } : {} });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      /* not JSON */
    }
    throw new HttpError(res.status, message);
  }
  return (await res.json()) as T;
}

/** A write (POST/PUT/DELETE) with the token; a 4xx answer throws with the server's message. */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  const t = token();
  const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new HttpError(res.status, (parsed as { message?: string } | null)?.message ?? `${res.status} ${res.statusText}`);
  return parsed as T | null;
}

export { getJson };

export const api = {
  stats: () => getJson<Stats>('/api/stats'),
  filterOptions: () => getJson<FilterOptions>('/api/filter-options'),
  events: (p: Params) => getJson<EventsPage>('/api/events', p),
  sessions: (p: Params) => getJson<SessionsPage>('/api/sessions', p),
  session: (id: string, events: number) => getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`, { events }),
  cost: (p: CostQuery) => getJson<CostStats>('/api/stats/cost', p),
  blocks: (p: Params) => getJson<BlocksResponse>('/api/stats/blocks', p),
  health: () => getJson<Health>('/api/health'),
  toolUsage: (p: Params) => getJson<ToolUsageResponse>('/api/stats/tools', p),
  /** A whole table from GET /api/export/:table (CSV or JSON), with the file name the server gives. */
  download: async (table: string, p: Params): Promise<{ name: string; blob: Blob }> => {
    const t = token();
    const res = await fetch(url(`/api/export/${table}`, p), { headers: t ? { authorization: `Bearer ${t}` } : {} });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      throw new HttpError(res.status, body.message ?? `${res.status} ${res.statusText}`);
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `agentstats-${table}.${p.format ?? 'csv'}`;
    return { name, blob: await res.blob() };
  },
  tools: (p: Params) => getJson<ToolsResponse>('/api/tools', p),
  toolCalls: (tool: string, p: Params) => getJson<ToolCallsResponse>(`/api/tools/${encodeURIComponent(tool)}/calls`, p),
  search: (p: Params) => getJson<SearchPage>('/api/search', p),
  errors: (p: Params) => getJson<ErrorsResponse>('/api/errors', p),
};

export interface StreamHandlers {
  hello(h: Hello): void;
  events(events: StoredEvent[]): void;
  session(s: SessionRow): void;
  stats(s: Stats): void;
  /** The server could not resume from our cursor: reload state. */
  reset(seq: number): void;
  /** A budget alert was raised (web/src/budgets.ts). */
  alert?(a: Alert): void;
  state(s: 'connecting' | 'live' | 'offline' | 'unauthorized'): void;
}

/**
 * The SSE stream with automatic reconnect. The browser retries a dropped connection by itself and
 * sends Last-Event-ID; when it gives up (server answered 503/401, or a stale connection) we open a
 * new one with ?last_event_id= so no event is missed. Events are handed over in small batches per
 * task, not one callback per message.
 */
export class StreamClient {
  private es: EventSource | null = null;
  private lastSeq: number | null = null;
  private backoffMs = 500;
  private retryTimer = 0;
  private watchdog = 0;
  private lastMessageAt = 0;
  private staleAfterMs = 30_000;
  private batch: StoredEvent[] = [];
  private batchQueued = false;
  private offline = false;
  /** The server refuses our token: retries keep the token prompt up instead of saying "connecting". */
  private refused = false;
  /** Counts the health checks of retryLater(): only the newest one's answer is used. */
  private checks = 0;

  constructor(private readonly h: StreamHandlers) {}

  /** Opens the stream; `fromSeq` is the newest event the page already has, `refused` whether the server refused our token. */
  connect(fromSeq: number | null, refused = false): void {
    this.lastSeq = fromSeq;
    this.refused = refused;
    this.open();
    this.watchdog = window.setInterval(() => this.checkStale(), 2000);
  }

  close(): void {
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    this.es?.close();
    this.es = null;
  }

  private open(): void {
    this.es?.close();
    // While offline, a retry stays "offline" until it connects: no flicker back to "connecting".
    if (!this.offline && !this.refused) this.h.state('connecting');
    const t = token();
    const es = new EventSource(url('/api/stream', { last_event_id: this.lastSeq, access_token: t }));
    this.es = es;
    this.lastMessageAt = Date.now();
    const seen = () => (this.lastMessageAt = Date.now());

    es.onopen = () => {
      seen();
      this.backoffMs = 500;
      this.offline = false;
      this.refused = false;
      this.h.state('live');
    };
    es.addEventListener('hello', (m) => {
      seen();
      const hello = JSON.parse(m.data as string) as Hello;
      this.staleAfterMs = Math.max(3 * hello.stats_interval_ms, 3 * hello.heartbeat_ms, 10_000);
      this.h.hello(hello);
    });
    es.addEventListener('event', (m) => {
      seen();
      const event = JSON.parse(m.data as string) as StoredEvent;
      this.lastSeq = event.seq;
      this.batch.push(event);
      if (!this.batchQueued) {
        this.batchQueued = true;
        setTimeout(() => this.flushEvents(), 0);
      }
    });
    es.addEventListener('session_update', (m) => {
      seen();
      this.flushEvents();
      this.h.session(JSON.parse(m.data as string) as SessionRow);
    });
    es.addEventListener('stats', (m) => {
      seen();
      this.h.stats(JSON.parse(m.data as string) as Stats);
    });
    es.addEventListener('alert', (m) => {
      seen();
      this.h.alert?.(JSON.parse(m.data as string) as Alert);
    });
    es.addEventListener('reset', (m) => {
      seen();
      const { seq } = JSON.parse(m.data as string) as Reset;
      this.batch = [];
      this.lastSeq = seq;
      this.h.reset(seq);
    });
    es.onerror = () => {
      if (es !== this.es) return;
      this.flushEvents();
      if (es.readyState === EventSource.CLOSED) this.retryLater();
      else {
        // The browser retries by itself with Last-Event-ID, silently and forever: ask the server
        // whether it is there at all, so a stopped server reads "offline" within seconds.
        if (!this.offline) this.h.state('connecting');
        void this.probe(es);
      }
    };
  }

  private flushEvents(): void {
    this.batchQueued = false;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.h.events(events);
  }

  /** One short request while the stream reconnects: no answer (or a 5xx) means the server is gone. */
  private async probe(es: EventSource): Promise<void> {
    let up: boolean;
    try {
      const res = await fetch(url('/api/health'), { headers: token() ? { authorization: `Bearer ${token()}` } : {}, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      up = res.status < 500;
    } catch {
      up = false;
    }
    if (!up && es === this.es && es.readyState !== EventSource.OPEN) this.retryLater('offline');
  }

  /** `known`: what a probe already found; otherwise one request tells a refused token from a server that is down. */
  private retryLater(known?: 'offline'): void {
    this.es?.close();
    this.es = null;
    this.offline = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open(), this.backoffMs);
    // Capped low: a server back after a restart is found within a few seconds.
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    // Only the answer changes the state: saying "offline" first would take the token prompt away (and
    // what the user was typing in it) on every retry while the server keeps answering 401.
    const check = ++this.checks;
    if (known) this.h.state(known);
    else
      void this.refusedToken().then((unauthorized) => {
        // A newer check or a reconnect has said more since.
        if (check !== this.checks || !this.offline) return;
        this.refused = unauthorized;
        this.h.state(unauthorized ? 'unauthorized' : 'offline');
      });
  }

  /** One cheap request: does the server refuse our token (401), as opposed to being full or gone? */
  private async refusedToken(): Promise<boolean> {
    try {
      const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(PROBE_TIMEOUT_MS) : undefined;
      const res = await fetch(url('/api/health'), { headers: token() ? { authorization: `Bearer ${token()}` } : {}, signal });
      return res.status === 401;
    } catch {
      return false;
    }
  }

  /** Nothing (not even stats) for too long: the connection is dead without an error. */
  private checkStale(): void {
    if (this.es && this.es.readyState === EventSource.OPEN && Date.now() - this.lastMessageAt > this.staleAfterMs) {
      this.retryLater();
    }
  }

  /** Reconnect now (the user pressed "retry"). */
  retryNow(): void {
    this.backoffMs = 500;
    clearTimeout(this.retryTimer);
    this.open();
  }
}
