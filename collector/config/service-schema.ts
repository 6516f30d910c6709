/** JSON Schema of the `service` section and of the file's top level. */
import type { JsonSchema } from '../core/component.js';

const idList: JsonSchema = {
  type: 'array',
  items: { type: 'string', pattern: '^[a-z][a-z0-9_-]*(/[A-Za-z0-9_.-]+)?$' },
  uniqueItems: true,
};

export const serviceSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    http: {
      type: 'object',
      additionalProperties: false,
      description: 'The HTTP server every receiver, the API and the dashboard share.',
      properties: {
        host: { type: 'string', minLength: 1, description: 'Bind address; a non-loopback address requires `token`.' },
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'HTTP port (`0` = any free port).' },
        token: {
          type: ['string', 'null'],
          minLength: 16,
          description: 'When set (≥ 16 chars), every non-public route needs `Authorization: Bearer <token>`.',
        },
        allowed_hosts: {
          type: 'array',
          items: { type: 'string', pattern: '^[a-z0-9.-]+$|^[0-9a-f:]+$' },
          description: 'Host names accepted in the Host header besides loopback ones.',
        },
        max_body_kb: { type: 'integer', minimum: 16, maximum: 1048576, description: 'Largest request body, in KiB.' },
        web_dir: { type: ['string', 'null'], description: 'The built dashboard to serve (default `dist/web`).' },
        admission: {
          type: 'object',
          additionalProperties: false,
          description: 'Admission control, decided before a body is read.',
          properties: {
            small_body_kb: { type: 'integer', minimum: 1, description: 'Bodies up to this size (hook posts, single events) are always admitted.' },
            max_large_bodies: { type: 'integer', minimum: 1, description: 'Larger bodies received or processed at once; more get 503 + Retry-After.' },
            max_inflight_mb: { type: 'integer', minimum: 1, description: 'Megabytes of larger bodies in flight at once; more get 503 + Retry-After.' },
          },
        },
      },
    },
    store_prompts: {
      type: 'boolean',
      description: 'Store prompt text, tool input/output, commands and error text; otherwise only their size (docs/event-contract.md).',
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { enum: ['silent', 'error', 'warn', 'info', 'debug'], description: 'Log level (bodies are never logged).' },
        format: {
          enum: ['auto', 'pretty', 'json'],
          description: '`auto`: readable lines on a terminal, JSON lines otherwise.',
        },
      },
    },
    workers: { type: 'integer', minimum: 1, maximum: 64, description: 'Processor worker threads per pipeline.' },
    max_queue_events: {
      type: 'integer',
      minimum: 100,
      maximum: 10000000,
      description: 'Items waiting in a pipeline before ingest answers 503 + Retry-After.',
    },
    extensions: { ...idList, description: 'Extension ids to start, in order.' },
    pipelines: {
      type: 'object',
      minProperties: 1,
      description: 'Pipelines by name: which receivers feed which processors (in order) and exporters.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['receivers', 'exporters'],
        properties: {
          receivers: { ...idList, minItems: 1 },
          processors: idList,
          exporters: { ...idList, minItems: 1 },
        },
      },
    },
  },
};

const componentMap: JsonSchema = {
  type: 'object',
  propertyNames: { pattern: '^[a-z][a-z0-9_-]*(/[A-Za-z0-9_.-]+)?$' },
  additionalProperties: { type: 'object' },
};

export const topLevelSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    service: { type: 'object' },
    receivers: componentMap,
    processors: componentMap,
    exporters: componentMap,
    extensions: componentMap,
  },
};
