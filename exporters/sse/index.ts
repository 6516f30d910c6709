/**
 * The SSE exporter: GET /api/stream fans committed events out to dashboards.
 *
 * Messages: `hello` (on connect), `event` (each stored event; SSE id = its seq), `session_update`
 * (the session row after a change), `stats` (every stats_interval_ms), `alert` (a budget alert the
 * alerts exporter published), `reset` (the
 * resume cursor could not be honoured: reload), and `: heartbeat` comments. Query: session_id,
 * agent_type (filters), last_event_id (resume cursor for a first connect; the Last-Event-ID header
 * wins when both are sent).
 */
import { requireHttp, type ExporterFactory } from '../../collector/core/component.js';
import { replyError } from '../../collector/server/errors.js';
import { statsView } from '../../collector/api/read-models/stats.js';
import { SseHub } from './hub.js';
import type { StreamFilter } from './frames.js';
import { ERROR_RESPONSES, StreamQuery, type Hello } from '../../collector/api/schemas/index.js';

export interface SseExporterConfig {
  /** Events the dashboard keeps in its live feed (sent in `hello`). */
  max_feed: number;
  stats_interval_ms: number;
  max_clients: number;
  heartbeat_ms: number;
  /** A client whose unsent bytes pass this stops getting live writes until it drains. */
  max_buffer_bytes: number;
  /** A lagging client whose socket does not drain for this long is disconnected. */
  slow_client_timeout_ms: number;
  /** A resume further behind than this many events gets `reset` instead of a replay. */
  max_replay_events: number;
  /** Events read from the store per replay step. */
  replay_page_size: number;
}

const factory: ExporterFactory<SseExporterConfig> = {
  kind: 'exporter',
  type: 'sse',
  description: 'GET /api/stream: committed events, session changes and stats to dashboards, live (SSE).',
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_feed: { type: 'integer', minimum: 10, maximum: 100000, description: "Events kept in the dashboard's live feed." },
      stats_interval_ms: { type: 'integer', minimum: 100, maximum: 3600000, description: 'ms between `stats` messages.' },
      max_clients: { type: 'integer', minimum: 1, maximum: 10000, description: 'Concurrent stream clients; more get 503.' },
      heartbeat_ms: { type: 'integer', minimum: 50, maximum: 3600000, description: 'ms between heartbeat comments.' },
      max_buffer_bytes: { type: 'integer', minimum: 16384, description: "A client's unsent bytes above this pause its live writes." },
      slow_client_timeout_ms: { type: 'integer', minimum: 100, description: 'A lagging client that does not drain for this long is cut.' },
      max_replay_events: { type: 'integer', minimum: 0, description: 'A resume further behind gets `reset` instead of a replay.' },
      replay_page_size: { type: 'integer', minimum: 1, description: 'Events read per replay step.' },
    },
  },
  defaultConfig: () => ({
    max_feed: 500,
    stats_interval_ms: 5000,
    max_clients: 50,
    heartbeat_ms: 15000,
    max_buffer_bytes: 1024 * 1024,
    slow_client_timeout_ms: 30_000,
    max_replay_events: 10_000,
    replay_page_size: 500,
  }),
  create(config, host) {
    const http = requireHttp(host);
    const hub = new SseHub({
      store: () => {
        const { events, sessions, stats } = host.storage();
        return {
          listEvents: (q) => events.listEvents(q),
          eventCount: () => events.eventCount(),
          maxSeq: () => events.maxSeq(),
          getSession: (id) => sessions.getSession(id),
          stats: () => statsView(stats),
        };
      },
      logger: host.logger,
      now: () => host.clock.now().getTime(),
      heartbeatMs: config.heartbeat_ms,
      statsIntervalMs: config.stats_interval_ms,
      maxBufferBytes: config.max_buffer_bytes,
      slowClientTimeoutMs: config.slow_client_timeout_ms,
      maxReplayEvents: config.max_replay_events,
      replayPageSize: config.replay_page_size,
      telemetry: host.telemetry,
      // The `hello` message less its seq (the hub adds it): the shape web/ reads, from the contract.
      hello: (): Omit<Hello, 'seq'> => ({
        max_feed: config.max_feed,
        store_prompts: host.settings.storePrompts,
        heartbeat_ms: config.heartbeat_ms,
        stats_interval_ms: config.stats_interval_ms,
      }),
    });

    http.get<{ Querystring: StreamQuery }>(
      '/api/stream',
      // EventSource cannot send headers: the stream also takes the token as ?access_token=.
      { schema: { querystring: StreamQuery, response: ERROR_RESPONSES }, config: { tokenInQuery: true } },
      async (request, reply) => {
        if (hub.size >= config.max_clients) {
          host.telemetry.record('refused'); // one client turned away at the cap
          reply.header('retry-after', '5');
          return replyError(reply, 'too_many_clients', `at most ${config.max_clients} stream clients (exporters.${host.id}.max_clients)`);
        }
        const header = request.headers['last-event-id'];
        const rawCursor = (Array.isArray(header) ? header[0] : header) ?? request.query.last_event_id;
        let cursor: number | null = null;
        if (rawCursor !== undefined && rawCursor !== '') {
          if (!/^[0-9]{1,15}$/.test(rawCursor)) {
            return replyError(reply, 'bad_request', 'Last-Event-ID must be an event seq (a non-negative integer)');
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
    http.addHook('preClose', async () => hub.stop());

    return {
      start: () => hub.start(),
      shutdown: () => hub.stop(),
      consume: (batch) => hub.consume(batch),
    };
  },
};

export default factory;
