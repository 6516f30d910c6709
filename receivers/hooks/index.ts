/**
 * Hooks receiver: the agents' hook events, one endpoint per agent (the bodies do not name it).
 *   POST /api/hooks/claude-code | /api/hooks/codex | /api/hooks/gemini-cli   raw hook input JSON
 *   GET  /api/hooks/stats                                                     what came in, by outcome
 *
 * Every post is answered 200 with an EMPTY body, whatever it held: a JSON body could be read by
 * the agent as a decision (block, deny, continue:false), and hooks must only observe. Unusable
 * input is counted and logged by reason (never its content) and nothing is stored for it. The
 * answer waits for the SQLite commit (milliseconds), so an answered hook is normally on disk — but
 * never longer than ackTimeoutMs: the agent waits on some hooks (PreToolUse) and must not be slowed
 * by a pipeline busy with a large OTLP burst; the commit then completes in the background. When the
 * store cannot take the event (queue full, failure) the body goes to the spool and is replayed.
 *
 * start() replays the spool before the server listens, then every replayIntervalMs while it runs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReceiverFactory } from '../../collector/component.js';
import type { CanonicalEvent } from '../../collector/event.js';
import { HookIngestor, type Prepared } from './ingest.js';
import { appendToSpool, hookTimeOf, replaySpool, type SpoolLine } from './spool.js';
import { HOOK_AGENTS, type HookAgent } from './types.js';

export interface HooksReceiverConfig {
  /** Spool replay while running (ms); 0 replays only at start-up. */
  replayIntervalMs: number;
  /** Longest an agent waits for the answer (ms) while its event is being committed. */
  ackTimeoutMs: number;
}

interface Counters {
  received: number;
  stored: number;
  duplicates: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
  spooled_by_server: number;
  /** Posts answered at ackTimeoutMs, before their commit finished. */
  answered_before_commit: number;
  /** Commits under way right now (answered or not). */
  pending_commits: number;
  replayed: { files: number; lines: number; stored: number; duplicates: number; bad_lines: number; failures: number };
}

/** A reason is logged at most once per this many ms (a broken client must not flood the log). */
const LOG_EVERY_MS = 60_000;

const factory: ReceiverFactory<HooksReceiverConfig> = {
  kind: 'receiver',
  type: 'hooks',
  defaultConfig: () => ({ replayIntervalMs: 30_000, ackTimeoutMs: 200 }),
  validate: (c) => [
    ...(Number.isFinite(c.replayIntervalMs) && c.replayIntervalMs >= 0 ? [] : ['replayIntervalMs must be >= 0']),
    ...(Number.isFinite(c.ackTimeoutMs) && c.ackTimeoutMs >= 1 ? [] : ['ackTimeoutMs must be >= 1']),
  ],
  create(config, ctx) {
    const { http, pipeline, app, logger } = ctx;
    const ingestor = new HookIngestor({ storePrompts: app.storePrompts, now: () => ctx.clock.now(), store: ctx.store });
    const counters: Counters = {
      received: 0,
      stored: 0,
      duplicates: 0,
      skipped: {},
      rejected: {},
      spooled_by_server: 0,
      answered_before_commit: 0,
      pending_commits: 0,
      replayed: { files: 0, lines: 0, stored: 0, duplicates: 0, bad_lines: 0, failures: 0 },
    };
    const lastLogged = new Map<string, number>();

    const bump = (bucket: Record<string, number>, reason: string) => (bucket[reason] = (bucket[reason] ?? 0) + 1);
    const noteRejected = (agent: HookAgent, reason: string) => {
      bump(counters.rejected, reason);
      const key = `${agent}:${reason}`;
      const now = Date.now();
      if ((lastLogged.get(key) ?? 0) + LOG_EVERY_MS > now) return;
      lastLogged.set(key, now);
      logger.warn('hook input not stored', { agent, reason, total: counters.rejected[reason] });
    };
    const tally = (prepared: Prepared, agent: HookAgent): CanonicalEvent | null => {
      if (prepared.kind === 'event') return prepared.event;
      if (prepared.kind === 'skip') bump(counters.skipped, prepared.reason);
      else noteRejected(agent, prepared.reason);
      return null;
    };

    // Any content type, any bytes: the body is parsed by the ingestor, so that bad input still gets
    // the empty 200 (fastify's own JSON parser would answer 400 with a JSON error body).
    http.removeAllContentTypeParsers();
    http.addContentTypeParser('*', { parseAs: 'string', bodyLimit: app.maxBodyKb * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    http.setErrorHandler((error: Error & { code?: string }, request, reply) => {
      const agent = agentOfUrl(request.url);
      if (agent) {
        counters.received++;
        noteRejected(agent, error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : 'unreadable_body');
      } else {
        logger.error('hooks route failed', { error: String(error) });
      }
      return reply.code(200).send();
    });

    const handle = (agent: HookAgent) => async (request: FastifyRequest, reply: FastifyReply) => {
      counters.received++;
      const raw = typeof request.body === 'string' ? request.body : '';
      const receivedAt = ctx.clock.now();
      const hookTime = hookTimeOf(request.headers['x-agentstats-hook-time'], receivedAt);
      const event = tally(ingestor.prepare(agent, raw, receivedAt, hookTime), agent);
      if (event) {
        const committed = commit(agent, raw, event, receivedAt);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), config.ackTimeoutMs)));
        if ((await Promise.race([committed, late])) === 'late') counters.answered_before_commit++;
        clearTimeout(timer);
      }
      return reply.code(200).send();
    };

    /** Submits one event; never rejects (a failed submit spools the body instead). */
    const commit = async (agent: HookAgent, raw: string, event: CanonicalEvent, receivedAt: Date): Promise<'done'> => {
      counters.pending_commits++;
      try {
        const result = await pipeline.submit({ events: [event] });
        counters.stored += result.ids.length;
        counters.duplicates += result.duplicates;
      } catch (error) {
        // Not stored now: keep the body for the next replay rather than lose it or tell the agent.
        try {
          await appendToSpool(app.spoolPath, agent, raw, receivedAt);
          counters.spooled_by_server++;
          logger.warn('hook event spooled, store unavailable', { agent, error: String(error) });
        } catch (spoolError) {
          logger.error('hook event lost: store and spool both failed', { agent, error: String(spoolError) });
        }
      } finally {
        counters.pending_commits--;
      }
      return 'done';
    };
    for (const agent of HOOK_AGENTS) http.post(`/api/hooks/${agent}`, handle(agent));

    http.get('/api/hooks/stats', async () => ({ ...counters, spool_path: app.spoolPath }));

    // ---------------------------------------------------------------- spool replay
    const submitLines = async (lines: SpoolLine[]) => {
      const events: CanonicalEvent[] = [];
      const receivedAt = ctx.clock.now();
      for (const line of lines) {
        const event = tally(ingestor.prepare(line.agent, line.raw, receivedAt, line.spooledAt), line.agent);
        if (event) events.push(event);
      }
      if (events.length === 0) return;
      const result = await pipeline.submit({ events });
      counters.replayed.stored += result.ids.length;
      counters.replayed.duplicates += result.duplicates;
    };

    let replaying: Promise<void> | null = null;
    let stopped = false;
    const replay = (): Promise<void> => {
      replaying ??= (async () => {
        try {
          const stats = await replaySpool(app.spoolPath, submitLines);
          counters.replayed.files += stats.files;
          counters.replayed.lines += stats.lines;
          counters.replayed.bad_lines += stats.badLines;
          if (stats.files > 0) logger.info('hook spool replayed', { ...stats });
        } catch (error) {
          counters.replayed.failures++;
          logger.warn('hook spool replay failed; will retry', { error: String(error) });
        } finally {
          replaying = null;
        }
      })();
      return replaying;
    };

    let timer: NodeJS.Timeout | null = null;
    return {
      async start() {
        await replay();
        if (config.replayIntervalMs > 0 && !stopped) {
          timer = setInterval(() => void replay(), config.replayIntervalMs);
          timer.unref();
        }
      },
      async shutdown() {
        stopped = true;
        if (timer) clearInterval(timer);
        if (replaying) await replaying;
      },
    };
  },
};

function agentOfUrl(url: string): HookAgent | null {
  const match = /^\/api\/hooks\/([a-z-]+)/.exec(url);
  const name = match?.[1];
  return name && (HOOK_AGENTS as readonly string[]).includes(name) ? (name as HookAgent) : null;
}

export default factory;
