/**
 * One JSON GET to the AgentStats server over node:http (loaded in ~2 ms; the global fetch costs
 * ~50 ms to load, a status line's whole budget). A server that is not there is told apart from one
 * that answered with an error: the first makes the CLI read the database file instead.
 */
import http from 'node:http';

/** Nothing answered at the address (refused, unreachable, timed out): read the database instead. */
export class ServerDownError extends Error {}

/** The server answered, but not with the data (token missing, bad request, not AgentStats). */
export class ServerError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'EAI_AGAIN']);

export function getJson<T>(base: string, pathname: string, token: string | null, timeoutMs: number): Promise<T> {
  const url = new URL(pathname, base);
  return new Promise<T>((resolve, reject) => {
    const req = http.get(
      url,
      { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new ServerDownError(`${url.origin}: ${e.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            return reject(new ServerError(`${url.origin} answered ${res.statusCode} without JSON: is it AgentStats?`, res.statusCode ?? 0));
          }
          if (res.statusCode === 200) return resolve(body as T);
          const message = (body as { message?: unknown })?.message;
          if (res.statusCode === 401) {
            return reject(new ServerError(`${url.origin} wants a token: set AGENTSTATS_TOKEN (the server's service.http.token)`, 401));
          }
          reject(new ServerError(`${url.origin}${url.pathname} answered ${res.statusCode}: ${typeof message === 'string' ? message : text.slice(0, 200)}`, res.statusCode ?? 0));
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code && DOWN_CODES.has(e.code)) reject(new ServerDownError(`${url.origin}: ${e.message}`));
      else reject(new ServerError(`${url.origin}: ${e.message}`, 0));
    });
  });
}
