/**
 * The SSE exporter: GET /api/stream fans committed events out to dashboards.
 *
 * Messages: `hello` (on connect), `event` (each stored event; SSE id = its seq), `session_update`
 * (the session row after a change), `stats` (every AGENTSTATS_STATS_INTERVAL ms), `reset` (the
 * resume cursor could not be honoured: reload), and `: heartbeat` comments. Query: session_id,
 * agent_type (filters), last_event_id (resume cursor for a first connect; the Last-Event-ID header
 * wins when both are sent).
 */
import type { ExporterFactory } from '../../collector/component.js';
import { SseHub } from './hub.js';
import type { StreamFilter } from './frames.js';

export interface SseExporterConfig {
  /** A client whose unsent bytes pass this stops getting live writes until it drains. */
  maxBufferBytes: number;
  /** A lagging client whose socket does not drain for this long is disconnected. */
  slowClientTimeoutMs: number;
  /** A resume further behind than this many events gets `reset` instead of a replay. */
  maxReplayEvents: number;
  /** Events read from the store per replay step. */
  replayPageSize: number;
}

const querySchema = {
  type: 'object',
  properties: {
    session_id: { type: 'string', minLength: 1, maxLength: 256 },
    agent_type: { type: 'string', minLength: 1, maxLength: 256 },
    last_event_id: { type: 'string', pattern: '^[0-9]{1,15}$' },
    access_token: { type: 'string' },
  },
} as const;

interface StreamQuery {
  session_id?: string;
  agent_type?: string;
  last_event_id?: string;
}

const factory: ExporterFactory<SseExporterConfig> = {
  kind: 'exporter',
  type: 'sse',
  defaultConfig: () => ({
    maxBufferBytes: 1024 * 1024,
    slowClientTimeoutMs: 30_000,
    maxReplayEvents: 10_000,
    replayPageSize: 500,
  }),
  validate: (c) => {
    const problems: string[] = [];
    if (!(c.maxBufferBytes >= 16 * 1024)) problems.push('maxBufferBytes must be at least 16384');
    if (!(c.slowClientTimeoutMs >= 100)) problems.push('slowClientTimeoutMs must be at least 100');
    if (!(c.replayPageSize >= 1)) problems.push('replayPageSize must be at least 1');
    if (!(c.maxReplayEvents >= 0)) problems.push('maxReplayEvents must not be negative');
    return problems;
  },
  create(config, ctx) {
    const problems = factory.validate!(config);
    if (problems.length > 0) throw new Error(`exporter sse: ${problems.join('; ')}`);
    const { app } = ctx;
    const hub = new SseHub({
      store: ctx.store,
      logger: ctx.logger,
      now: () => ctx.clock.now().getTime(),
      heartbeatMs: app.sseHeartbeatMs,
      statsIntervalMs: app.statsIntervalMs,
      maxBufferBytes: config.maxBufferBytes,
      slowClientTimeoutMs: config.slowClientTimeoutMs,
      maxReplayEvents: config.maxReplayEvents,
      replayPageSize: config.replayPageSize,
      hello: () => ({
        max_feed: app.maxFeed,
        store_prompts: app.storePrompts,
        heartbeat_ms: app.sseHeartbeatMs,
        stats_interval_ms: app.statsIntervalMs,
      }),
    });

    ctx.http.get<{ Querystring: StreamQuery }>(
      '/api/stream',
      { schema: { querystring: querySchema } },
      async (request, reply) => {
        if (hub.size >= app.maxSseClients) {
          return reply
            .code(503)
            .header('retry-after', '5')
            .send({ error: 'too_many_clients', message: `at most ${app.maxSseClients} stream clients (AGENTSTATS_MAX_SSE_CLIENTS)` });
        }
        const header = request.headers['last-event-id'];
        const rawCursor = (Array.isArray(header) ? header[0] : header) ?? request.query.last_event_id;
        let cursor: number | null = null;
        if (rawCursor !== undefined && rawCursor !== '') {
          if (!/^[0-9]{1,15}$/.test(rawCursor)) {
            return reply
              .code(400)
              .send({ error: 'bad_request', message: 'Last-Event-ID must be an event seq (a non-negative integer)' });
          }
          cursor = Number(rawCursor);
        }
        const q = request.query;
        const filter: StreamFilter | null =
          q.session_id || q.agent_type ? { session_id: q.session_id, agent_type: q.agent_type } : null;
        if (filter?.session_id === undefined) delete filter?.session_id;
        if (filter?.agent_type === undefined) delete filter?.agent_type;

        reply.hijack();
        const socket = request.raw.socket;
        socket.setNoDelay(true);
        socket.setTimeout(0);
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        try {
          hub.accept(reply.raw, filter, cursor);
        } catch (error) {
          // After hijack fastify no longer owns the socket: close it ourselves.
          request.log.error({ err: error }, 'stream setup failed');
          reply.raw.destroy();
        }
        return reply;
      },
    );
    // End the streams before fastify waits for connections to close.
    ctx.http.addHook('preClose', async () => hub.stop());

    return {
      start: () => hub.start(),
      shutdown: () => hub.stop(),
      consume: (batch) => hub.consume(batch),
    };
  },
};

export default factory;
