/**
 * Serves the built dashboard (Vite's output) at /, with index.html for client-side routes. Its
 * routes are public (static files carry no data; the app asks for the token itself).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { projectRoot } from '../core/paths.js';
import { replyError } from './errors.js';

/** A file under the dashboard's folder (never outside it), relative to it; null when there is none. */
function builtFile(dir: string, url: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(url).replace(/^\/+/, '');
  } catch {
    return null;
  }
  const abs = path.resolve(dir, rel);
  if (!abs.startsWith(dir + path.sep) || !existsSync(abs) || !statSync(abs).isFile()) return null;
  return path.relative(dir, abs);
}

export async function registerWebUi(server: FastifyInstance, webDir: string | null): Promise<void> {
  const dir = path.resolve(webDir ?? path.join(projectRoot, 'dist', 'web'));
  await server.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    if (!existsSync(path.join(dir, 'index.html'))) {
      scope.get('/', async (_request, reply) =>
        reply
          .type('text/html')
          .send('<!doctype html><title>AgentStats</title><p>The dashboard is not built yet: run <code>npm run build</code>. The API is at <a href="/api/health">/api/health</a>.</p>'),
      );
      return;
    }
    await scope.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
    // Deep links (/sessions/abc) load the app, which reads its view from the URL. A catch-all GET
    // route, not a not-found handler: the server owns the root not-found handler.
    scope.get('/*', (request, reply) => {
      const url = request.url.split('?')[0];
      if (!url.startsWith('/api/') && !url.startsWith('/v1/') && !path.extname(url)) return reply.sendFile('index.html');
      // The static plugin lists the files it serves at start; a rebuild while the server runs
      // (`npm run build` after a pull) writes new hashed assets that the fresh index.html names.
      const file = builtFile(dir, url);
      if (file) return reply.sendFile(file);
      return replyError(reply, 'not_found', `no route for ${request.method} ${url}`);
    });
  });
}
