/** The config module's public face: loading, validation helpers, env table, printing. */
export { loadConfig, findConfigFile, problemAt, sourceOf, type LoadOptions } from './load.js';
export { ENV_OVERRIDES, readEnv } from './env.js';
export { validateAgainst, checkSchema, type SchemaProblem } from './validate.js';
export { printConfig } from './print.js';
export { didYouMean, nearest } from './suggest.js';
export { isLoopbackHost } from './hosts.js';
export { serviceSchema } from './service-schema.js';
export * from './types.js';
