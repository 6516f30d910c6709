/**
 * The built-in default config: what `npm start` runs with no config file. A config file is merged
 * over it (see collector/config/load.ts), so a file names only what it changes.
 */
import type { RawConfig } from '../config/types.js';

export function defaultConfig(): RawConfig {
  return {
    service: {
      http: {
        host: '127.0.0.1',
        port: 3141,
        token: null,
        allowed_hosts: [],
        max_body_kb: 16384,
        web_dir: null,
        admission: { small_body_kb: 256, max_large_bodies: 8, max_inflight_mb: 64 },
      },
      store_prompts: false,
      log: { level: 'info', format: 'auto' },
      workers: 1,
      max_queue_events: 50000,
      extensions: [],
      pipelines: {
        events: {
          receivers: ['native', 'otlp', 'hooks'],
          // Cost before truncation: pricing reads metadata (cache-write tiers, speed) that cutting may drop.
          processors: ['dedupe', 'cost', 'truncate'],
          exporters: ['sqlite', 'sse', 'alerts'],
        },
      },
    },
    receivers: { native: {}, otlp: {}, hooks: {}, files: {} },
    processors: { dedupe: {}, cost: {}, truncate: {} },
    exporters: { sqlite: {}, sse: {}, alerts: {} },
    extensions: {},
  };
}
