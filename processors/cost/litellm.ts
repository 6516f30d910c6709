/**
 * Converts LiteLLM's model_prices_and_context_window.json (USD per token, hundreds of fields per
 * model) into the compact price table (USD per million tokens, only what the cost processor uses).
 * Used by scripts/refresh-pricing.ts and by the table loader when an override file is a raw
 * LiteLLM file.
 */
import { bareModelName } from './normalize.js';
import { PRICE_UNIT, type ModelPrice, type PriceTable, type PriceTier } from './types.js';

const PROVIDERS = new Set(['anthropic', 'openai', 'gemini', 'vertex_ai-language-models', 'vertex_ai']);
const MODES = new Set(['chat', 'responses', 'completion']);

type Raw = Record<string, unknown>;

function perMillion(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  // 12 significant digits: 6.25e-06 * 1e6 reads 6.25, not 6.249999999999999.
  return Number((value * 1e6).toPrecision(12));
}

/** True when a parsed JSON file looks like LiteLLM's price list rather than our compact table. */
export function isLiteLlmFile(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const obj = data as Raw;
  if ('models' in obj) return false;
  if ('sample_spec' in obj) return true;
  return Object.values(obj).some(
    (v) => v !== null && typeof v === 'object' && 'input_cost_per_token' in (v as Raw),
  );
}

function tiersOf(entry: Raw): PriceTier[] {
  const byThreshold = new Map<number, PriceTier>();
  const fields: Array<[RegExp, keyof Omit<PriceTier, 'above'>]> = [
    [/^input_cost_per_token_above_(\d+)k_tokens$/, 'input'],
    [/^output_cost_per_token_above_(\d+)k_tokens$/, 'output'],
    [/^cache_read_input_token_cost_above_(\d+)k_tokens$/, 'cache_read'],
    [/^cache_creation_input_token_cost_above_(\d+)k_tokens$/, 'cache_write_5m'],
    [/^cache_creation_input_token_cost_above_1hr_above_(\d+)k_tokens$/, 'cache_write_1h'],
  ];
  for (const [key, value] of Object.entries(entry)) {
    for (const [re, field] of fields) {
      const m = re.exec(key);
      if (!m) continue;
      const price = perMillion(value);
      if (price === undefined) continue;
      const above = Number(m[1]) * 1000;
      let tier = byThreshold.get(above);
      if (!tier) byThreshold.set(above, (tier = { above }));
      tier[field] = price;
    }
  }
  return [...byThreshold.values()].sort((a, b) => a.above - b.above);
}

function convertEntry(entry: Raw): ModelPrice | null {
  const input = perMillion(entry.input_cost_per_token);
  const output = perMillion(entry.output_cost_per_token);
  if (input === undefined || output === undefined) return null;
  const price: ModelPrice = { input, output };
  if (typeof entry.litellm_provider === 'string') price.provider = entry.litellm_provider;
  const cacheRead = perMillion(entry.cache_read_input_token_cost);
  if (cacheRead !== undefined) price.cache_read = cacheRead;
  const write5m = perMillion(entry.cache_creation_input_token_cost);
  if (write5m !== undefined) price.cache_write_5m = write5m;
  const write1h = perMillion(entry.cache_creation_input_token_cost_above_1hr);
  if (write1h !== undefined) price.cache_write_1h = write1h;
  const reasoning = perMillion(entry.output_cost_per_reasoning_token);
  if (reasoning !== undefined && reasoning !== output) price.reasoning = reasoning;
  const specific = entry.provider_specific_entry as Raw | undefined;
  if (specific && typeof specific.fast === 'number' && specific.fast > 0) price.fast = specific.fast;
  const tiers = tiersOf(entry);
  if (tiers.length > 0) price.tiers = tiers;
  return price;
}

/**
 * Keeps chat/responses/completion models of Anthropic, OpenAI and Google. Keys are stored under the
 * bare name the normaliser produces; a first-party bare key wins over a provider-prefixed duplicate.
 */
export function fromLiteLlm(
  data: Record<string, unknown>,
  meta: { source: string; date: string },
  opts: { allProviders?: boolean } = {},
): PriceTable {
  const models: Record<string, ModelPrice> = {};
  const keys = Object.keys(data).filter((k) => k !== 'sample_spec' && !k.startsWith('ft:'));
  // Bare keys first, so `gemini-2.5-pro` beats `gemini/gemini-2.5-pro` when both exist.
  keys.sort((a, b) => Number(a.includes('/')) - Number(b.includes('/')) || a.localeCompare(b));
  for (const key of keys) {
    const entry = data[key];
    if (!entry || typeof entry !== 'object') continue;
    const raw = entry as Raw;
    if (!opts.allProviders && !PROVIDERS.has(String(raw.litellm_provider))) continue;
    if (raw.mode !== undefined && (typeof raw.mode !== 'string' || !MODES.has(raw.mode))) continue;
    const name = bareModelName(key);
    if (!name || name in models) continue;
    const price = convertEntry(raw);
    if (price) models[name] = price;
  }
  return { source: meta.source, date: meta.date, unit: PRICE_UNIT, models };
}
