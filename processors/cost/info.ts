/**
 * What the cost numbers are priced with: the bundled table's date and source, and the override file
 * if one is set. The cost processor's setup() serves it at GET /api/pricing and publishes it as the
 * `pricing` fact that /api/stats/cost carries. Reading it loads the table exactly as the workers
 * will (table.ts holds the one set of checks), so a broken override stops start-up with its path.
 */
// The shape is the API's: GET /api/pricing serializes it with this schema.
import type { PricingInfo } from '../../collector/api/schemas/pricing.js';
import { readTableFile, loadPriceTable } from './table.js';

export function loadPricingInfo(overridePath: string | null): PricingInfo {
  const table = loadPriceTable(overridePath);
  const bundledModels = Object.keys(loadPriceTable(null).models).length;
  return {
    date: table.date || null,
    source: table.source || null,
    models: bundledModels,
    unit: table.unit || null,
    override: overridePath ? { path: overridePath, models: Object.keys(readTableFile(overridePath).models).length } : null,
  };
}
