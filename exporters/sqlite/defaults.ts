/**
 * Defaults other entry points must agree on without loading the exporter: the `agentstats` CLI finds
 * the database where the server keeps it when the config names no path.
 */
export const DEFAULT_DB_PATH = './data/agentstats.db';
