/**
 * Truncation processor: metadata larger than `max_kb` is cut to fit. The result
 * is still a JSON object; the event is flagged with payload_truncated = 1.
 */
import type { ProcessorFactory } from '../../collector/core/component.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { truncateJson } from './truncate-json.js';

export interface TruncateConfig {
  /** Largest metadata kept whole, in KiB. */
  max_kb: number;
}

const factory: ProcessorFactory<TruncateConfig> = {
  kind: 'processor',
  type: 'truncate',
  description: "Cuts an event's metadata to fit max_kb (still valid JSON, flagged payload_truncated).",
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_kb: { type: 'number', minimum: 1, maximum: 10240, description: "An event's metadata above this many KiB is truncated." },
    },
  },
  defaultConfig: () => ({ max_kb: 10 }),
  create(config) {
    const maxBytes = Math.floor(config.max_kb * 1024);
    return {
      process(events: CanonicalEvent[]) {
        for (const event of events) {
          const cut = truncateJson(event.metadata, maxBytes);
          if (cut !== null) {
            event.metadata = cut;
            event.payload_truncated = 1;
          }
        }
        return events;
      },
    };
  },
};

export default factory;
