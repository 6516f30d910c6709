/**
 * Dedupe processor: drops events whose event_id repeats within the batch (the first one wins).
 * Duplicates of events already stored are caught by the store's unique event_id key, the final
 * authority; a worker-side cache of recent ids is deliberately absent, since it could call an event
 * a duplicate whose first transaction failed and was never stored.
 */
import type { ProcessorFactory } from '../../collector/core/component.js';
import type { CanonicalEvent } from '../../collector/core/event.js';

const factory: ProcessorFactory<Record<string, never>> = {
  kind: 'processor',
  type: 'dedupe',
  description: 'Drops events whose event_id repeats within a batch (the store drops repeats of stored ones).',
  droppedAs: 'duplicate',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  defaultConfig: () => ({}),
  create() {
    return {
      process(events: CanonicalEvent[]) {
        const seen = new Set<string>();
        return events.filter((event) => {
          if (seen.has(event.event_id)) return false;
          seen.add(event.event_id);
          return true;
        });
      },
    };
  },
};

export default factory;
