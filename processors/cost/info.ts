/**
 * What the cost numbers are priced with: the bundled table's date and source, and the override file
 * if one is set. The cost processor's setup() serves it at GET /api/pricing and publishes it as the
 * `pricing` fact that /api/stats/cost carries. Reading it loads the table exactly as the workers
 * will (table.ts holds the one set of checks), so a broken override stops start-up with its path.
 */
import { readTableFile, loadPriceTable } from './table.js';

export interface PricingInfo {
  date: string | null;
  source: string | null;
  /** Models in the bundled table. */
  models: number;
  unit: string | null;
  override: { path: string; models: number } | null;
}

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
