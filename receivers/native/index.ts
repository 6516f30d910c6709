/**
 * Native receiver: AgentStats' own JSON event format.
 *   POST /api/events        one event
 *   POST /api/events/batch  {"events": [...]}
 */
import type { ReceiverFactory } from '../../collector/component.js';
import { replySubmitError, validateAll } from '../../collector/ingest.js';

export interface NativeReceiverConfig {
  /** Most events accepted in one batch request. */
  maxBatchEvents: number;
}

const factory: ReceiverFactory<NativeReceiverConfig> = {
  kind: 'receiver',
  type: 'native',
  defaultConfig: () => ({ maxBatchEvents: 5000 }),
  validate: (c) => (c.maxBatchEvents >= 1 ? [] : ['maxBatchEvents must be >= 1']),
  create(config, ctx) {
    const { http, pipeline } = ctx;
    const validation = { now: () => ctx.clock.now(), newId: ctx.newId };
    // JSON only: a text/plain body (what an HTML form or a no-preflight fetch sends) is a 415.
    http.removeContentTypeParser('text/plain');

    http.post('/api/events', async (request, reply) => {
      const { valid, rejected } = validateAll([request.body], validation, { source: 'native' });
      if (rejected.length > 0) {
        return reply.code(400).send({ error: 'invalid_event', errors: rejected[0].errors });
      }
      try {
        const result = await pipeline.submit({ events: valid });
        const duplicate = result.ids.length === 0;
        return reply.code(duplicate ? 200 : 201).send({ id: valid[0].event_id, duplicate });
      } catch (error) {
        return replySubmitError(reply, error);
      }
    });

    http.post<{ Body: { events?: unknown } }>(
      '/api/events/batch',
      async (request, reply) => {
        // Checked by hand: the schema validator would coerce a non-array into a one-element array.
        const inputs = request.body?.events;
        if (!Array.isArray(inputs)) {
          return reply.code(400).send({ error: 'bad_request', message: 'body must be {"events": [...]}' });
        }
        if (inputs.length > config.maxBatchEvents) {
          return reply.code(413).send({
            error: 'batch_too_large',
            message: `at most ${config.maxBatchEvents} events per batch, got ${inputs.length}`,
          });
        }
        const { valid, rejected } = validateAll(inputs, validation, { source: 'native' });
        try {
          const result = valid.length > 0 ? await pipeline.submit({ events: valid }) : { ids: [], duplicates: 0 };
          return { received: inputs.length, ids: result.ids, duplicates: result.duplicates, rejected };
        } catch (error) {
          return replySubmitError(reply, error);
        }
      },
    );
    return {};
  },
};

export default factory;
