/**
 * Native receiver: AgentStats' own JSON event format.
 *   POST <path>        one event                 (path: /api/events by default)
 *   POST <path>/batch  {"events": [...]}
 */
import { requireHttp, type ReceiverFactory } from '../../collector/core/component.js';
import { validateAll } from '../../collector/core/validate-batch.js';
import { eventCount, packedBatch } from '../../collector/core/consumer.js';
import { BatchDecoder } from './batch-decoder.js';
import { replyError, replySubmitError } from '../../collector/server/errors.js';
import { BatchResult, ERROR_RESPONSES, EventAccepted } from '../../collector/api/schemas/index.js';

export interface NativeReceiverConfig {
  /** Where single events are posted; batches go to `<path>/batch`. */
  path: string;
  /** Most events accepted in one batch request. */
  max_batch_events: number;
  /** The `source` given to events that do not name one. */
  source: string;
  /** Batch bodies from this size (KB) up are parsed, validated and processed on a worker thread (0: never). */
  decode_off_thread_kb: number;
}

const factory: ReceiverFactory<NativeReceiverConfig> = {
  kind: 'receiver',
  type: 'native',
  description: "AgentStats' own JSON events: one at `<path>`, many at `<path>/batch`.",
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$', description: 'Route for one event; batches at `<path>/batch`.' },
      max_batch_events: { type: 'integer', minimum: 1, maximum: 100000, description: 'Most events in one batch request.' },
      source: { enum: ['native', 'otlp', 'hook', 'import'], description: 'The `source` of events that do not name one.' },
      decode_off_thread_kb: {
        type: 'integer',
        minimum: 0,
        description: 'Batch bodies from this size (KB) up are parsed, validated and run through the processors on a worker thread; 0: always on the main thread.',
      },
    },
  },
  defaultConfig: () => ({ path: '/api/events', max_batch_events: 5000, source: 'native', decode_off_thread_kb: 4 }),
  create(config, host) {
    const http = requireHttp(host);
    const { next, telemetry } = host;
    const validation = { now: () => host.clock.now(), newId: () => host.newId() };
    const defaults = { source: config.source } as const;
    // Metadata is free-form here: user content in it keeps only its size unless prompts may be stored.
    const validate = (inputs: unknown[]) => validateAll(inputs, validation, defaults, { storePrompts: host.settings.storePrompts });
    // JSON only: a text/plain body (what an HTML form or a no-preflight fetch sends) is a 415.
    http.removeContentTypeParser('text/plain');

    // The bodies are checked by validateEvent (no coercion, every field error at once), not by a
    // body schema; the answers are serialized with the contract's response schemas.
    const single = { schema: { response: { 200: EventAccepted, 201: EventAccepted, ...ERROR_RESPONSES } } };
    const batch = { schema: { response: { 200: BatchResult, ...ERROR_RESPONSES } } };

    http.post(config.path, single, async (request, reply) => {
      const { valid, rejected } = validate([request.body]);
      if (rejected.length > 0) {
        telemetry.record('refused');
        return replyError(reply, 'invalid_event', undefined, { errors: rejected[0].errors });
      }
      try {
        // The host counts what next.submit() stores, repeats or refuses; invalid input is ours to count.
        const result = await next.submit({ events: valid });
        const duplicate = result.ids.length === 0;
        return reply.code(duplicate ? 200 : 201).send({ id: valid[0].event_id, duplicate });
      } catch (error) {
        return replySubmitError(reply, error);
      }
    });

    const decoder = new BatchDecoder(
      { maxBatchEvents: config.max_batch_events, source: config.source, storePrompts: host.settings.storePrompts },
      host.chain,
      Math.round(config.decode_off_thread_kb * 1024),
    );
    // The batch route keeps its body as text (its own scope's parser): the decoder parses it, on
    // a worker thread when it is large enough to pay for the trip (batch-decoder.ts).
    http.register(async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      scope.post<{ Body: string }>(`${config.path}/batch`, batch, async (request, reply) => {
        const decoded = await decoder.decode(request.body);
        if ('refused' in decoded) {
          if (decoded.refused.events > 0) telemetry.record('refused', decoded.refused.events);
          return replyError(reply, decoded.refused.code, decoded.refused.message);
        }
        const { received, rejected, processed } = decoded;
        telemetry.record('refused', rejected.length);
        const batch = 'packed' in decoded ? packedBatch(decoded.packed, processed ?? undefined) : { events: decoded.valid, ...(processed ? { processed } : {}) };
        if (eventCount(batch) === 0) return { received, ids: [], duplicates: 0, rejected };
        try {
          const result = await next.submit(batch);
          return { received, ids: result.ids, duplicates: result.duplicates, rejected };
        } catch (error) {
          return replySubmitError(reply, error);
        }
      });
    });
    return { shutdown: () => decoder.close() };
  },
};

export default factory;
