/**
 * Native receiver: AgentStats' own JSON event format.
 *   POST <path>        one event                 (path: /api/events by default)
 *   POST <path>/batch  {"events": [...]}
 */
import { requireHttp, type ReceiverFactory } from '../../collector/core/component.js';
import { validateAll } from '../../collector/core/validate-batch.js';
import { replyError, replySubmitError } from '../../collector/server/errors.js';
import { BatchResult, ERROR_RESPONSES, EventAccepted } from '../../collector/api/schemas/index.js';

export interface NativeReceiverConfig {
  /** Where single events are posted; batches go to `<path>/batch`. */
  path: string;
  /** Most events accepted in one batch request. */
  max_batch_events: number;
  /** The `source` given to events that do not name one. */
  source: string;
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
    },
  },
  defaultConfig: () => ({ path: '/api/events', max_batch_events: 5000, source: 'native' }),
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

    http.post<{ Body: { events?: unknown } }>(`${config.path}/batch`, batch, async (request, reply) => {
      // Checked by hand: the schema validator would coerce a non-array into a one-element array.
      const inputs = request.body?.events;
      if (!Array.isArray(inputs)) return replyError(reply, 'bad_request', 'body must be {"events": [...]}');
      if (inputs.length > config.max_batch_events) {
        telemetry.record('refused', inputs.length);
        return replyError(reply, 'batch_too_large', `at most ${config.max_batch_events} events per batch, got ${inputs.length}`);
      }
      const { valid, rejected } = validate(inputs);
      telemetry.record('refused', rejected.length);
      if (valid.length === 0) return { received: inputs.length, ids: [], duplicates: 0, rejected };
      try {
        const result = await next.submit({ events: valid });
        return { received: inputs.length, ids: result.ids, duplicates: result.duplicates, rejected };
      } catch (error) {
        return replySubmitError(reply, error);
      }
    });
    return {};
  },
};

export default factory;
