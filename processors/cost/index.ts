/**
 * Cost processor: prices events that carry tokens but no cost. For now a pass-through slot: the
 * pricing table arrives with the cost issue, and until then an unpriced event keeps cost_usd = null
 * (shown as unpriced, never as $0).
 */
import type { ProcessorFactory } from '../../collector/component.js';
import type { CanonicalEvent } from '../../collector/event.js';

const factory: ProcessorFactory<Record<string, never>> = {
  kind: 'processor',
  type: 'cost',
  defaultConfig: () => ({}),
  create() {
    return {
      process(events: CanonicalEvent[]) {
        return events;
      },
    };
  },
};

export default factory;
