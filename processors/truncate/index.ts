/**
 * Truncation processor: metadata larger than AGENTSTATS_MAX_PAYLOAD_KB is cut to fit. The result
 * is still a JSON object; the event is flagged with payload_truncated = 1.
 */
import type { ProcessorFactory } from '../../collector/component.js';
import type { CanonicalEvent } from '../../collector/event.js';
import { truncateJson } from './truncate-json.js';

export interface TruncateConfig {
  /** Overrides AGENTSTATS_MAX_PAYLOAD_KB when set. */
  maxKb?: number;
}

const factory: ProcessorFactory<TruncateConfig> = {
  kind: 'processor',
  type: 'truncate',
  defaultConfig: () => ({}),
  create(config, ctx) {
    const maxBytes = Math.floor((config.maxKb ?? ctx.app.maxPayloadKb) * 1024);
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
