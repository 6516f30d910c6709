/**
 * The HTTP server: fastify with the security rules every route shares. Receivers, the API and the
 * dashboard mount themselves into it; nothing here knows about any of them.
 *
 * Deny by default: when a token is configured every route needs it, unless the route itself says
 * `config: { public: true }` (the dashboard's static files). A route that can only be reached by
 * EventSource (which cannot send headers) says `config: { tokenInQuery: true }` to also accept
 * `?access_token=`.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchema } from 'fastify';
import type { Logger as Pino } from 'pino';
import { isLoopbackHost } from '../config/hosts.js';
import { tokenMatches } from '../core/auth.js';
import { catalogAnswer, replyError, type ThrownError } from './errors.js';
import { registerAdmission, type AdmissionSettings, type AdmissionStats } from './admission.js';

export interface HttpSettings {
  host: string;
  token: string | null;
  allowedHosts: string[];
  maxBodyBytes: number;
  logger: Pino;
  admission: Omit<AdmissionSettings, 'maxBodyBytes'>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the token (carries no data). */
    public?: boolean;
    /** Also accepts the token as ?access_token= (EventSource cannot send headers). */
    tokenInQuery?: boolean;
  }
}

/** The host part of a Host header or an Origin URL: "[::1]:3141" → "::1", "localhost:80" → "localhost". */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export function buildServer(settings: HttpSettings): { server: FastifyInstance; admission: () => AdmissionStats } {
  const allowed = new Set([settings.host.toLowerCase(), ...settings.allowedHosts]);
  const isAllowedHost = (name: string) => isLoopbackHost(name) || allowed.has(name);

  // Typed as the default instance: components are written against FastifyInstance, not pino's type.
  const server = Fastify({
    loggerInstance: settings.logger,
    // Request lines are not logged: hook and OTLP posts arrive many times a second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.maxBodyBytes,
    // Idle keep-alive sockets close at shutdown; requests in flight finish (their batches commit).
    forceCloseConnections: 'idle',
    // An unknown query parameter is an error, not silently dropped (a typo must not unfilter).
    ajv: { customOptions: { removeAdditional: false } },
  }) as unknown as FastifyInstance;

  server.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    const host = request.headers.host;
    if (!host || !isAllowedHost(hostnameOf(host))) return replyError(reply, 'forbidden_host');
    // Cross-site writes from browsers: agents send no Origin; a browser on another site does.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      const foreignOrigin = origin !== undefined && (origin === 'null' || !isAllowedHost(originHost(origin)));
      if (site === 'cross-site' || site === 'same-site' || foreignOrigin) return replyError(reply, 'cross_site_request');
    }
    // Decided on the route the router matched, not the raw URL, so an encoded path (/%61pi/stats)
    // cannot slip past; an unmatched URL is not public.
    const route = request.routeOptions;
    if (settings.token && !(route.url !== undefined && route.config?.public === true)) {
      const auth = request.headers.authorization ?? '';
      const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : route.config?.tokenInQuery ? queryToken(request) : null;
      if (!bearer || !tokenMatches(settings.token, bearer)) {
        return replyError(reply, 'unauthorized', 'send Authorization: Bearer <token> (service.http.token)');
      }
    }
  });

  // After the security checks (a refused request never takes a place), before any body is read.
  const admission = registerAdmission(server, { ...settings.admission, maxBodyBytes: settings.maxBodyBytes });

  // Every error fastify or a handler throws answers in the catalog's shape, with a catalog code.
  server.setErrorHandler((error: ThrownError, request, reply) => {
    const answer = catalogAnswer(error, (part) => schemaNames(request.routeOptions.schema, part));
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(answer.status).send({ error: answer.code, message: answer.message });
  });

  server.setNotFoundHandler((request, reply) =>
    replyError(reply, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  return { server, admission };
}

function originHost(origin: string): string {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/** The property names a route's schema declares for one request part (querystring, body …). */
function schemaNames(schema: FastifySchema | undefined, part: string): string[] {
  const partSchema = (schema as Record<string, unknown> | undefined)?.[part] as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(partSchema?.properties ?? {});
}

function queryToken(request: FastifyRequest): string | null {
  const url = request.url;
  const q = url.indexOf('?');
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get('access_token');
}
