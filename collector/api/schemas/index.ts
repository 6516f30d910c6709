/**
 * The HTTP contract in one place: request and response schemas of every JSON route, one file per
 * area. Routes hand these to fastify (ajv validates requests, fast-json-stringify serializes
 * answers); the types are `Static<typeof Schema>`, and web/ imports them type-only.
 */
export * from './common.js';
export * from './errors.js';
export * from './events.js';
export * from './sessions.js';
export * from './stats.js';
export * from './blocks.js';
export * from './pricing.js';
export * from './health.js';
export * from './hooks.js';
export * from './ingest.js';
export * from './stream.js';
export * from './budgets.js';
export * from './export.js';
export * from './tools.js';
export * from './search.js';
