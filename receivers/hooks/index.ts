/**
 * Hooks receiver: the agents' hook events, one endpoint per agent (the bodies do not name it).
 *   POST /api/hooks/claude-code | /api/hooks/codex | /api/hooks/gemini-cli   raw hook input JSON
 *   GET  /api/hooks/stats                                                     what came in, by outcome
 *
 * Every post an agent can send is answered 200 with an EMPTY body: a JSON body on a 2xx could be
 * read by the agent as a decision (block, deny, continue:false), and hooks must only observe. That
 * includes bodies too large to keep or shaped in a way the mappers cannot use (counted, logged by
 * reason, never by content, nothing stored). What no hook sender produces gets a 4xx with a JSON
 * error — agents never read a non-2xx answer as a decision: a body that is not a JSON object
 * (400) and a Content-Type or Content-Encoding that says the body is something else (415,
 * content-type.ts). See docs/hooks.md ("What is accepted"). The
 * answer waits for the SQLite commit (milliseconds), so an answered hook is normally on disk — but
 * never longer than ack_timeout_ms: the agent waits on some hooks (PreToolUse) and must not be slowed
 * by a pipeline busy with a large OTLP burst; the commit then completes in the background. When the
 * store cannot take the event (queue full, failure) the body goes to the spool and is replayed.
 *
 * start() replays the spool before the server listens, then every replay_interval_ms while it runs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { homedir } from 'node:os';
import path from 'node:path';
import { requireHttp, type ReceiverFactory } from '../../collector/core/component.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { ERROR_RESPONSES, HookStats, NoQuery } from '../../collector/api/schemas/index.js';
import { classifyHookPost, type AcceptedKind } from './content-type.js';
import { HookIngestor, type Prepared } from './ingest.js';
import { appendToSpool, hookTimeOf, replaySpool, type SpoolLine } from './spool.js';
import { HOOK_AGENTS, type HookAgent } from './types.js';

export interface HooksReceiverConfig {
  /** Routes are `<prefix>/<agent>` and `<prefix>/stats`. */
  prefix: string;
  /** Where the hook command (and this receiver, when the store fails) keeps events to replay. */
  spool_path: string;
  /** Spool replay while running (ms); 0 replays only at start-up. */
  replay_interval_ms: number;
  /** Longest an agent waits for the answer (ms) while its event is being committed. */
  ack_timeout_ms: number;
}

/** The hook command's own default, so both sides meet at the same file. */
function defaultSpoolPath(): string {
  return path.join(process.env.HOME ?? homedir(), '.agentstats', 'hook-spool.jsonl');
}

/** What GET <prefix>/stats answers, less the spool path. */
type Counters = Omit<HookStats, 'spool_path' | 'content_types'> & {
  /** Posts read, by how their Content-Type was read (content-type.ts). */
  content_types: Partial<Record<AcceptedKind, number>>;
};

/** A reason is logged at most once per this many ms (a broken client must not flood the log). */
const LOG_EVERY_MS = 60_000;

const factory: ReceiverFactory<HooksReceiverConfig> = {
  kind: 'receiver',
  type: 'hooks',
  description: "The agents' hook posts (Claude Code, Codex, Gemini CLI), and replay of the hook command's spool.",
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      prefix: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$', description: 'Routes are `<prefix>/<agent>` and `<prefix>/stats`.' },
      spool_path: { type: 'string', minLength: 1, description: 'The hook command\'s spool, replayed at start and every `replay_interval_ms`.' },
      replay_interval_ms: { type: 'integer', minimum: 0, description: 'Spool replay while running; 0 = only at start-up.' },
      ack_timeout_ms: { type: 'integer', minimum: 1, maximum: 60000, description: 'Longest a hook post waits for its commit before the answer.' },
    },
  },
  defaultConfig: () => ({ prefix: '/api/hooks', spool_path: defaultSpoolPath(), replay_interval_ms: 30_000, ack_timeout_ms: 200 }),
  create(config, ctx) {
    const http = requireHttp(ctx);
    const { next: pipeline, logger } = ctx;
    const spoolPath = ctx.resolvePath(config.spool_path);
    const ingestor = new HookIngestor({ storePrompts: ctx.settings.storePrompts, now: () => ctx.clock.now(), toolStarts: ctx.toolStarts() });
    const counters: Counters = {
      received: 0,
      answered: {},
      content_types: {},
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
      // Self-telemetry: input turned away is refused; the host counts what each submit stores.
      ctx.telemetry.record('refused');
      const key = `${agent}:${reason}`;
      const now = Date.now();
      if ((lastLogged.get(key) ?? 0) + LOG_EVERY_MS > now) return;
      lastLogged.set(key, now);
      logger.warn('hook input not stored', { agent, reason, total: counters.rejected[reason] });
    };
    const answer = (reply: FastifyReply, status: number, error?: { error: string; message: string }) => {
      bump(counters.answered, String(status));
      return error ? reply.code(status).send(error) : reply.code(status).send();
    };
    /** ingestor.prepare that never throws: a mapper bug is logged (never the body) and counted. */
    const prepare = async (agent: HookAgent, raw: string, receivedAt: Date, spooledAt?: string | null): Promise<Prepared> => {
      try {
        return await ingestor.prepare(agent, raw, receivedAt, spooledAt ?? null);
      } catch (error) {
        logger.error('hook mapping failed', { agent, error: String(error) });
        return { kind: 'reject', reason: 'mapping_failed' };
      }
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
    http.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ctx.settings.maxBodyBytes }, (_req, body, done) =>
      done(null, body),
    );
    http.setErrorHandler((error: Error & { code?: string }, request, reply) => {
      const agent = agentOfUrl(config.prefix, request.url);
      if (agent) {
        counters.received++;
        noteRejected(agent, error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : 'unreadable_body');
      } else {
        logger.error('hooks route failed', { error: String(error) });
      }
      return answer(reply, 200);
    });

    /** Before the body is read: refuse labels no hook sender uses, make the rest parseable. */
    const checkHeaders = async (request: FastifyRequest, reply: FastifyReply) => {
      const agent = agentOfUrl(config.prefix, request.url);
      const verdict = classifyHookPost(request.headers['content-type'], request.headers['content-encoding']);
      if (!verdict.ok) {
        counters.received++;
        if (agent) noteRejected(agent, verdict.reason);
        return answer(reply, 415, { error: verdict.reason, message: verdict.message });
      }
      bump(counters.content_types, verdict.kind);
      // fastify refuses an empty or list Content-Type (415) before any parser runs; the body is
      // parsed as JSON whatever the label, so give it the one label it is read as.
      if (verdict.kind !== 'missing') request.raw.headers['content-type'] = 'application/json';
    };

    const handle = (agent: HookAgent) => async (request: FastifyRequest, reply: FastifyReply) => {
      counters.received++;
      const raw = typeof request.body === 'string' ? request.body : '';
      const receivedAt = ctx.clock.now();
      // The hook's own time when it delivered in the background (sent along, near the receipt time).
      const hookTime = hookTimeOf(request.headers['x-agentstats-hook-time'], receivedAt);
      const prepared = await prepare(agent, raw, receivedAt, hookTime);
      const event = tally(prepared, agent);
      if (prepared.kind === 'reject' && NOT_JSON_OBJECT.has(prepared.reason)) {
        return answer(reply, 400, { error: prepared.reason, message: 'a hook body is one JSON object' });
      }
      if (event) {
        const committed = commit(agent, raw, event, receivedAt);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), config.ack_timeout_ms)));
        if ((await Promise.race([committed, late])) === 'late') counters.answered_before_commit++;
        clearTimeout(timer);
      }
      return answer(reply, 200);
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
          await appendToSpool(spoolPath, agent, raw, receivedAt);
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
    for (const agent of HOOK_AGENTS) http.post(`${config.prefix}/${agent}`, { onRequest: checkHeaders }, handle(agent));

    http.get(
      `${config.prefix}/stats`,
      { schema: { querystring: NoQuery, response: { 200: HookStats, ...ERROR_RESPONSES } } },
      async () => ({ ...counters, spool_path: spoolPath }),
    );

    // ---------------------------------------------------------------- spool replay
    const submitLines = async (lines: SpoolLine[]) => {
      const events: CanonicalEvent[] = [];
      const receivedAt = ctx.clock.now();
      for (const line of lines) {
        const event = tally(await prepare(line.agent, line.raw, receivedAt, line.spooledAt), line.agent);
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
          const stats = await replaySpool(spoolPath, submitLines);
          counters.replayed.files += stats.files;
          counters.replayed.lines += stats.lines;
          counters.replayed.bad_lines += stats.badLines;
          ctx.telemetry.record('refused', stats.badLines);
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
        if (config.replay_interval_ms > 0 && !stopped) {
          timer = setInterval(() => void replay(), config.replay_interval_ms);
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

/** Rejections no agent's hook body can cause: answered 400 instead of the empty 200. */
const NOT_JSON_OBJECT = new Set(['empty_body', 'invalid_json', 'not_an_object']);

function agentOfUrl(prefix: string, url: string): HookAgent | null {
  if (!url.startsWith(`${prefix}/`)) return null;
  const name = /^[a-z-]+/.exec(url.slice(prefix.length + 1))?.[0];
  return name && (HOOK_AGENTS as readonly string[]).includes(name) ? (name as HookAgent) : null;
}

export default factory;
