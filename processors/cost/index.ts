/**
 * Cost processor (runs inside the piscina workers). Each worker loads the bundled price table and
 * the `pricing_path` override once, then per event:
 *  - a cost the source reported (Claude Code's api_request cost_usd) is kept: cost_source 'reported';
 *  - tokens without a cost are priced from the table: cost_source 'computed',
 *    metadata.priced_as = the table key used;
 *  - tokens of a model the table does not know stay cost_usd = null with metadata.unpriced = true,
 *    so totals show them as unpriced tokens, never as $0.
 * Events without any token count pass through untouched.
 */
import type { ProcessorFactory } from '../../collector/core/component.js';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { computeCost } from './price.js';
import { loadPriceTable, PriceLookup } from './table.js';
import { loadPricingInfo } from './info.js';

export interface CostProcessorConfig {
  /** A price file merged over the bundled table (our shape or a raw LiteLLM file). */
  pricing_path: string | null;
}

function hasTokens(e: CanonicalEvent): boolean {
  return (
    e.tokens_in !== null ||
    e.tokens_out !== null ||
    e.cache_read_tokens !== null ||
    e.cache_write_tokens !== null
  );
}

export function priceEvents(events: CanonicalEvent[], lookup: PriceLookup): CanonicalEvent[] {
  for (const event of events) {
    // Forwarded by another AgentStats (central mode): its cost, or its being unpriced, stands as sent.
    if (event.metadata.forwarded !== undefined) continue;
    if (event.cost_usd !== null) {
      event.cost_source ??= 'reported';
      continue;
    }
    if (!hasTokens(event)) continue;
    const match = event.model ? lookup.find(event.model) : null;
    if (!match) {
      event.cost_source = null;
      event.metadata = { ...event.metadata, unpriced: true };
      continue;
    }
    event.cost_usd = computeCost(event, match.price, match.key);
    event.cost_source = 'computed';
    const { unpriced: _drop, ...rest } = event.metadata;
    event.metadata = match.key === event.model ? rest : { ...rest, priced_as: match.key };
  }
  return events;
}

const factory: ProcessorFactory<CostProcessorConfig> = {
  kind: 'processor',
  type: 'cost',
  description: 'Prices token usage from the bundled LiteLLM table (and an override file); keeps reported costs.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pricing_path: {
        type: ['string', 'null'],
        description: 'A price file merged over the bundled table (relative to the config file). See docs/cost-and-import.md.',
      },
    },
  },
  defaultConfig: () => ({ pricing_path: null }),
  async setup(config, host) {
    // Loads the table as the workers will, so a broken override stops start-up here with its path.
    const info = loadPricingInfo(config.pricing_path === null ? null : host.resolvePath(config.pricing_path));
    host.publishInfo('pricing', info);
    if (!host.http) return;
    // The API's schemas are loaded here, on the main thread, not in every worker that imports this
    // module to run the chain (they cost a worker ~0.2 s to load).
    const { ERROR_RESPONSES, NoQuery, PricingInfo } = await import('../../collector/api/schemas/index.js');
    host.http.get('/api/pricing', { schema: { querystring: NoQuery, response: { 200: PricingInfo, ...ERROR_RESPONSES } } }, async () => info);
  },
  create(config, host) {
    const table = loadPriceTable(config.pricing_path === null ? null : host.resolvePath(config.pricing_path));
    const lookup = new PriceLookup(table);
    return {
      process: (events: CanonicalEvent[]) => priceEvents(events, lookup),
    };
  },
};

export default factory;
