/**
 * Loads the bundled price table and the user's override file (processors.cost.pricing_path), merges the
 * override over it (field by field, so an override may change one price of a known model or add a
 * new model), and answers "what does this model cost" with a per-worker cache.
 */
import { readFileSync } from 'node:fs';
import { fromLiteLlm, isLiteLlmFile } from './litellm.js';
import { modelCandidates } from './normalize.js';
import type { ModelPrice, PriceTable } from './types.js';

// Type-only reference: makes tsc copy prices.json into dist/ next to this module.
type BundledFile = typeof import('./prices.json');

export const BUNDLED_TABLE_URL = new URL('./prices.json', import.meta.url);

export class PricingFileError extends Error {}

const PRICE_FIELDS = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'reasoning', 'fast'] as const;

function checkEntry(path: string, name: string, entry: unknown): Partial<ModelPrice> {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new PricingFileError(`${path}: models["${name}"] must be an object`);
  }
  const e = entry as Record<string, unknown>;
  for (const field of PRICE_FIELDS) {
    const v = e[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new PricingFileError(`${path}: models["${name}"].${field} must be a non-negative number`);
    }
  }
  if (e.tiers !== undefined && !Array.isArray(e.tiers)) {
    throw new PricingFileError(`${path}: models["${name}"].tiers must be an array`);
  }
  return e;
}

/** Reads a table file: our compact shape, or a raw LiteLLM file (converted, every provider kept). */
export function readTableFile(path: string): { source: string; date: string; models: Record<string, Partial<ModelPrice>> } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'cannot be read';
    throw new PricingFileError(`pricing file ${path} ${reason}`);
  }
  if (isLiteLlmFile(data)) {
    return fromLiteLlm(data as Record<string, unknown>, { source: path, date: '' }, { allProviders: true });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new PricingFileError(`pricing file ${path} must be a JSON object with a "models" object`);
  }
  const obj = data as Record<string, unknown>;
  if (!obj.models || typeof obj.models !== 'object' || Array.isArray(obj.models)) {
    throw new PricingFileError(`pricing file ${path} must have a "models" object`);
  }
  const models: Record<string, Partial<ModelPrice>> = {};
  for (const [name, entry] of Object.entries(obj.models as Record<string, unknown>)) {
    models[name.toLowerCase()] = checkEntry(path, name, entry);
  }
  return {
    source: typeof obj.source === 'string' ? obj.source : path,
    date: typeof obj.date === 'string' ? obj.date : '',
    models,
  };
}

/** Bundled table with the override merged over it. A new model in the override needs input and output. */
export function loadPriceTable(overridePath: string | null, bundledPath: string | URL = BUNDLED_TABLE_URL): PriceTable {
  const bundled = JSON.parse(readFileSync(bundledPath, 'utf8')) as BundledFile & PriceTable;
  const models: Record<string, ModelPrice> = { ...bundled.models };
  if (overridePath) {
    const override = readTableFile(overridePath);
    for (const [name, entry] of Object.entries(override.models)) {
      const merged = { ...models[name], ...entry };
      if (typeof merged.input !== 'number' || typeof merged.output !== 'number') {
        throw new PricingFileError(`${overridePath}: new model "${name}" needs both "input" and "output" prices`);
      }
      models[name] = merged;
    }
  }
  return { source: bundled.source, date: bundled.date, unit: bundled.unit, models };
}

export interface PriceMatch {
  /** The table key the model was priced as. */
  key: string;
  price: ModelPrice;
}

/** Model → price lookups, remembered per name (a worker sees the same few models again and again). */
export class PriceLookup {
  private readonly cache = new Map<string, PriceMatch | null>();

  constructor(private readonly table: PriceTable) {}

  find(model: string): PriceMatch | null {
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit;
    let match: PriceMatch | null = null;
    for (const candidate of modelCandidates(model)) {
      const price = this.table.models[candidate];
      if (price) {
        match = { key: candidate, price };
        break;
      }
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(model, match);
    return match;
  }
}
