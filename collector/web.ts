/** Serves the built dashboard (Vite's output) at /, with index.html for client-side routes. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppConfig } from './config.js';
import { projectRoot } from './paths.js';

export async function registerWebUi(server: FastifyInstance, app: AppConfig): Promise<void> {
  const dir = path.resolve(app.webDir ?? path.join(projectRoot, 'dist', 'web'));
  if (!existsSync(path.join(dir, 'index.html'))) {
    server.get('/', async (_request, reply) =>
      reply
        .type('text/html')
        .send('<!doctype html><title>AgentStats</title><p>The dashboard is not built yet: run <code>npm run build</code>. The API is at <a href="/api/health">/api/health</a>.</p>'),
    );
    return;
  }
  await server.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
  // Deep links (/sessions/abc) load the app, which reads its view from the URL. A catch-all GET
  // route, not a not-found handler: server.ts already owns the root not-found handler.
  server.get('/*', (request, reply) => {
    const url = request.url.split('?')[0];
    if (request.method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/v1/') && !path.extname(url)) {
      return reply.sendFile('index.html');
    }
    return reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${url}` });
  });
}
