/**
 * The HTTP server: fastify with the security rules every route shares. Receivers and the API mount
 * themselves into it; nothing here knows about any component.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isLoopbackHost, type AppConfig } from './config.js';

export interface ServerOptions {
  app: AppConfig;
}

/** The host part of a Host header or an Origin URL: "[::1]:3141" → "::1", "localhost:80" → "localhost". */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send({ error, message });
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const { app } = opts;
  const allowed = new Set([app.host.toLowerCase(), ...app.allowedHosts]);
  const isAllowedHost = (name: string) => isLoopbackHost(name) || allowed.has(name);

  const server = Fastify({
    logger: app.logLevel === 'silent' ? false : { level: app.logLevel },
    // Request lines are not logged: hook and OTLP posts arrive many times a second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: app.maxBodyKb * 1024,
    // Idle keep-alive sockets close at shutdown; requests in flight finish (their batches commit).
    forceCloseConnections: 'idle',
    // An unknown query parameter is an error, not silently dropped (a typo must not unfilter).
    ajv: { customOptions: { removeAdditional: false } },
  });

  server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    const host = request.headers.host;
    if (!host || !isAllowedHost(hostnameOf(host))) {
      return refuse(reply, 403, 'forbidden_host', 'Host header must name this machine (localhost or 127.0.0.1)');
    }
    // Cross-site writes from browsers: agents send no Origin; a browser on another site does.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      const foreignOrigin = origin !== undefined && (origin === 'null' || !isAllowedHost(originHost(origin)));
      if (site === 'cross-site' || site === 'same-site' || foreignOrigin) {
        return refuse(reply, 403, 'cross_site_request', 'cross-site writes are not allowed');
      }
    }
    if (app.token && !isPublicAsset(request.routeOptions.url)) {
      const auth = request.headers.authorization ?? '';
      const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : streamToken(request);
      if (!bearer || !tokenMatches(app.token, bearer)) {
        return refuse(reply, 401, 'unauthorized', 'send Authorization: Bearer <AGENTSTATS_TOKEN>');
      }
    }
  });

  server.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(status).send({
      // Schema failures get the same code as every other bad request.
      error: error.validation ? 'bad_request' : (error.code ?? (status >= 500 ? 'internal_error' : 'bad_request')),
      message: status >= 500 ? 'internal error' : error.message,
    });
  });

  server.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });

  return server;
}

function originHost(origin: string): string {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/**
 * The UI's files carry no data; everything else does. Decided on the route the router matched, not
 * the raw URL, so an encoded path (/%61pi/stats) cannot slip past; an unmatched URL is not public.
 */
function isPublicAsset(routeUrl: string | undefined): boolean {
  if (routeUrl === undefined) return false;
  return !routeUrl.startsWith('/api/') && !routeUrl.startsWith('/v1/');
}

/** EventSource cannot send headers, so the stream alone also accepts ?access_token=. */
function streamToken(request: FastifyRequest): string | null {
  if (request.routeOptions.url !== '/api/stream') return null;
  const url = request.url;
  const q = url.indexOf('?');
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get('access_token');
}
