/**
 * AgentStats plugin: a generic webhook receiver. Any tool that can POST JSON (a CI job, a proxy's
 * callback, a script around an agent AgentStats does not know) becomes events, through a field
 * mapping given in config. Plain ESM JavaScript: runs without a build, imports nothing from
 * AgentStats (everything arrives through the host). See README.md and docs/PLUGINS.md.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Canonical event fields a mapping may fill, by kind (docs/event-contract.md). */
const STRING_FIELDS = [
  'event_id', 'session_id', 'agent_type', 'event_type', 'tool_name', 'status', 'model', 'project', 'branch', 'cwd',
  'parent_session_id', 'request_id', 'prompt_id', 'tool_use_id',
];
const NUMBER_FIELDS = ['tokens_in', 'tokens_out', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'duration_ms'];
const FIELDS = [...STRING_FIELDS, ...NUMBER_FIELDS, 'timestamp'];
const REQUIRED = ['session_id', 'agent_type', 'event_type'];

const SOURCE_PATTERN = '^(header:[A-Za-z0-9!#$%&\'*+.^_`|~-]+|(body:)?(/.*|[^/].*)?)$';
const fieldMap = (valueSchema) => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(FIELDS.map((f) => [f, valueSchema(f)])),
});
const constantSchema = (f) =>
  NUMBER_FIELDS.includes(f) ? { type: 'number', minimum: 0 } : f === 'timestamp' ? { type: ['string', 'number'] } : { type: 'string', minLength: 1 };

/**
 * A source: `/json/pointer` or `dotted.path` into each event, `body:` + either into the whole
 * request body (for values shared by every event in it), or `header:name`.
 */
function parseSource(text) {
  if (text.startsWith('header:')) return { from: 'header', name: text.slice(7).toLowerCase(), text };
  const whole = text.startsWith('body:');
  const path = whole ? text.slice(5) : text;
  const keys =
    path === '' ? [] : path.startsWith('/') ? path.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')) : path.split('.');
  return { from: whole ? 'body' : 'event', keys, text };
}

/** The value at keys (own properties only: a mapping must not reach __proto__), or undefined. */
function dig(value, keys) {
  let node = value;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Webhooks often send numbers as strings and times as epoch seconds; the contract wants neither. */
function coerce(field, value) {
  if (NUMBER_FIELDS.includes(field) && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (field === 'timestamp') {
    const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    // Below 1e11 a number cannot be epoch milliseconds after 2000 (the contract's floor): seconds.
    return typeof n === 'number' && n < 1e11 ? Math.round(n * 1000) : n;
  }
  if (STRING_FIELDS.includes(field) && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return value;
}

function secretMatches(expected, given) {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** @type {import('../../collector/core/component.js').ReceiverFactory} */
const factory = {
  kind: 'receiver',
  type: 'webhook',
  description: 'Any JSON webhook as events, through a field mapping from config.',
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', pattern: '^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$', description: 'Route the webhook POSTs JSON to.' },
      secret: { type: ['string', 'null'], minLength: 8, description: 'Shared secret the sender puts in `secret_header`.' },
      secret_env: { type: ['string', 'null'], pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable holding the secret.' },
      secret_header: { type: 'string', pattern: '^[A-Za-z0-9-]+$', description: 'Header that carries the secret.' },
      events: { type: 'string', description: 'Where the events are: `""` = the body (object = one, array = many), or a pointer/path to a list.' },
      fields: { ...fieldMap(() => ({ type: 'string', pattern: SOURCE_PATTERN })), description: 'Event field → where its value is.' },
      values: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(STRING_FIELDS.map((f) => [f, { type: 'object', additionalProperties: { type: 'string' } }])),
        description: 'Per field, incoming value → value stored (e.g. event_type "llm.call" → "api_request").',
      },
      defaults: { ...fieldMap(constantSchema), description: 'Constants for fields the body does not have.' },
      metadata: {
        type: 'object',
        additionalProperties: { type: 'string', pattern: SOURCE_PATTERN },
        description: 'Extra values kept in the event metadata: name → where its value is.',
      },
      max_batch_events: { type: 'integer', minimum: 1, maximum: 100000, description: 'Most events in one request.' },
    },
  },
  defaultConfig: () => ({
    path: '/webhook',
    secret: null,
    secret_env: null,
    secret_header: 'x-webhook-secret',
    events: '',
    fields: {},
    values: {},
    defaults: {},
    metadata: {},
    max_batch_events: 1000,
  }),
  validate(config) {
    const problems = [];
    for (const field of REQUIRED) {
      if (config.fields[field] === undefined && config.defaults[field] === undefined) {
        problems.push(`fields.${field}: every event needs a ${field}: map it here or set defaults.${field}`);
      }
    }
    if (config.secret !== null && config.secret_env !== null) problems.push('secret: give secret or secret_env, not both');
    if (/^(header|body):/.test(config.events)) problems.push('events: a pointer or path into the body, without a header: or body: prefix');
    return problems;
  },
  create(config, host) {
    const http = host.http;
    if (!http) throw new Error('needs the HTTP server');
    let secret = config.secret;
    if (config.secret_env !== null) {
      secret = process.env[config.secret_env] ?? '';
      if (secret === '') throw new Error(`secret_env: the environment variable ${config.secret_env} is not set`);
    }
    const mapped = Object.entries(config.fields).map(([field, text]) => [field, parseSource(text)]);
    const extras = Object.entries(config.metadata).map(([name, text]) => [name, parseSource(text)]);
    const eventsAt = parseSource(config.events);
    const sharedId = config.fields.event_id !== undefined && parseSource(config.fields.event_id).from !== 'event';
    const { telemetry } = host;

    const read = (source, item, request) =>
      source.from === 'header' ? request.headers[source.name] : dig(source.from === 'body' ? request.body : item, source.keys);

    /** One incoming item → a raw canonical event (host.validateEvents checks it). */
    const toEvent = (item, index, count, request) => {
      const event = { source: 'native' };
      for (const [field, value] of Object.entries(config.defaults)) event[field] = value;
      for (const [field, source] of mapped) {
        let value = read(source, item, request);
        if (value === undefined || value === null) continue;
        const table = config.values[field];
        if (table && Object.prototype.hasOwnProperty.call(table, String(value))) value = table[String(value)];
        event[field] = coerce(field, value);
      }
      // An id shared by every event of a request (a delivery header) is made unique per event.
      if (sharedId && count > 1 && typeof event.event_id === 'string') event.event_id += `#${index}`;
      const metadata = {};
      for (const [name, source] of extras) {
        const value = read(source, item, request);
        if (value !== undefined) metadata[name] = value;
      }
      event.metadata = metadata;
      return event;
    };

    // JSON only: a text/plain body (what an HTML form or a no-preflight fetch sends) is a 415.
    http.removeContentTypeParser('text/plain');

    http.post(config.path, async (request, reply) => {
      const fail = (status, error, message, extra = {}) => reply.code(status).send({ error, message, ...extra });
      if (secret !== null && !secretMatches(secret, request.headers[config.secret_header.toLowerCase()])) {
        return fail(401, 'unauthorized', `send the shared secret in the ${config.secret_header} header`);
      }
      const body = request.body;
      if (body === null || typeof body !== 'object') return fail(400, 'bad_request', 'the body must be a JSON object or array');
      const found = dig(body, eventsAt.keys);
      const items = Array.isArray(found) ? found : found !== null && typeof found === 'object' ? [found] : null;
      if (!items) return fail(400, 'bad_request', `no event or list of events at "${config.events}"`);
      // Nothing to store is not an error (a sender's empty flush must not show as a failed delivery).
      if (items.length === 0) return reply.code(200).send({ received: 0, ids: [], duplicates: 0, rejected: [] });
      if (items.length > config.max_batch_events) {
        telemetry.record('refused', items.length);
        return fail(413, 'batch_too_large', `at most ${config.max_batch_events} events per request, got ${items.length}`);
      }
      const raw = items.map((item, i) => toEvent(item, i, items.length, request));
      const { valid, rejected: invalid } = host.validateEvents(raw);
      // Say which source a bad value came from: the mapping is what the user will fix.
      const rejected = invalid.map((r) => ({
        index: r.index,
        errors: r.errors.map((e) => (config.fields[e.field] !== undefined ? { ...e, from: config.fields[e.field] } : e)),
      }));
      telemetry.record('refused', rejected.length);
      if (valid.length === 0) {
        return fail(400, 'invalid_event', 'no event in the body is valid', { rejected });
      }
      let result;
      try {
        result = await host.next.submit({ events: valid });
      } catch (error) {
        // host.next counts what it stores, refuses and fails under this receiver's id by itself.
        const failure = host.submitFailure(error);
        // The error, never the body: a webhook may carry prompts.
        if (failure.retryAfterSeconds === undefined) host.logger.error('webhook batch could not be stored', { error: String(error) });
        else reply.header('retry-after', String(failure.retryAfterSeconds));
        return fail(failure.status, failure.code, failure.message);
      }
      // Answered only now: the batch is committed.
      return reply.code(200).send({ received: items.length, ids: result.ids, duplicates: result.duplicates, rejected });
    });
    return {
      start() {
        host.announce(`AgentStats webhook receiver ${host.id} on POST ${config.path}`);
      },
    };
  },
};

export default factory;
