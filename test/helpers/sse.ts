/**
 * A minimal SSE client for tests: raw HTTP (so headers like Last-Event-ID can be set), a parser
 * that keeps comments too (heartbeats), and waiting helpers.
 */
import http from 'node:http';

export interface SseMessage {
  /** 'comment' for `: ...` lines. */
  event: string;
  id: string | null;
  data: string;
}

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** For non-200 answers: the body. */
  body: string;
  messages: SseMessage[];
  /** Resolves with the first message (from `from` on) that matches. */
  waitFor(pred: (m: SseMessage) => boolean, timeoutMs?: number, from?: number): Promise<SseMessage>;
  /** Messages of one event type, data parsed. */
  json<T = any>(event: string): T[];
  closed: Promise<void>;
  close(): void;
}

export function parseSse(buffer: string, emit: (m: SseMessage) => void): string {
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end !== -1; end = rest.indexOf('\n\n')) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    let comment: string | null = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comment = line.slice(1).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (comment !== null && data.length === 0) emit({ event: 'comment', id: null, data: comment });
    else if (data.length > 0) emit({ event, id, data: data.join('\n') });
  }
  return rest;
}

export function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let body = '';
      let closedResolve!: () => void;
      const closed = new Promise<void>((r) => (closedResolve = r));
      res.on('data', (chunk: string) => {
        if (res.statusCode !== 200) {
          body += chunk;
          return;
        }
        buffer = parseSse(buffer + chunk, (m) => messages.push(m));
        for (const w of waiters) w();
      });
      res.on('close', () => {
        closedResolve();
        for (const w of waiters) w();
      });
      res.on('error', () => {});
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get body() {
          return body;
        },
        messages,
        closed,
        json: (event) => messages.filter((m) => m.event === event).map((m) => JSON.parse(m.data)),
        waitFor(pred, timeoutMs = 5000, from = 0) {
          return new Promise((ok, fail) => {
            const check = () => {
              const hit = messages.slice(from).find(pred);
              if (hit) {
                waiters.delete(check);
                clearTimeout(timer);
                ok(hit);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching SSE message within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(',')}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      };
      if (res.statusCode !== 200) res.on('end', () => resolve(stream));
      else resolve(stream);
    });
    req.on('error', reject);
  });
}
