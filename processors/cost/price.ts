/**
 * The cost of one event from its canonical token counts. Token semantics are the canonical ones
 * (collector/core/event.ts): tokens_in excludes cached input, cache reads and writes are separate, and
 * tokens_out already includes reasoning — so nothing is counted twice whatever the agent.
 *
 *   cost = tokens_in × input + cache_read × cache_read_price
 *        + cache_write_5m × write_5m + cache_write_1h × write_1h
 *        + tokens_out × output            (reasoning at its own price only when the table has one)
 *   × the fast-mode multiplier when metadata.speed = "fast".
 *
 * Long-context tiers: when the prompt (input + cache read + cache write) exceeds a tier's threshold
 * the whole request is priced at that tier, which is how Anthropic and Google bill it.
 */
import type { CanonicalEvent } from '../../collector/core/event.js';
import type { ModelPrice, PriceTier } from './types.js';

interface Rates {
  input: number;
  output: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
  reasoning: number | undefined;
}

function isAnthropic(price: ModelPrice, key: string): boolean {
  return price.provider === 'anthropic' || key.startsWith('claude');
}

/** Rates for a prompt size, with defaults for prices the table leaves out. */
export function ratesFor(price: ModelPrice, key: string, promptTokens: number): Rates {
  let tier: PriceTier | undefined;
  for (const t of price.tiers ?? []) if (promptTokens > t.above) tier = t;
  const input = tier?.input ?? price.input;
  const anthropic = isAnthropic(price, key);
  // Anthropic's documented multipliers; other providers bill cached input at the input price
  // when the table has no cache price (what OpenAI did before cached-input discounts).
  const cacheRead = tier?.cache_read ?? price.cache_read ?? (anthropic ? input * 0.1 : input);
  const write5m = tier?.cache_write_5m ?? price.cache_write_5m ?? (anthropic ? input * 1.25 : input);
  const write1h = tier?.cache_write_1h ?? price.cache_write_1h ?? (anthropic ? input * 2 : write5m);
  return {
    input,
    output: tier?.output ?? price.output,
    cache_read: cacheRead,
    cache_write_5m: write5m,
    cache_write_1h: write1h,
    reasoning: price.reasoning,
  };
}

/** A token count from metadata: a number, or a numeric string (older OTel exports send strings). */
function count(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Splits cache writes by TTL. Claude Code's OTel api_request and the importer put the split in
 * metadata (cache_creation_5m_tokens / cache_creation_1h_tokens); without it all writes are 5m.
 */
export function cacheWriteSplit(event: CanonicalEvent): { m5: number; h1: number } {
  const total = event.cache_write_tokens ?? 0;
  const m5 = count(event.metadata.cache_creation_5m_tokens);
  const h1 = count(event.metadata.cache_creation_1h_tokens);
  if (h1 !== null) {
    const oneHour = Math.min(h1, total);
    return { m5: total - oneHour, h1: oneHour };
  }
  if (m5 !== null) {
    const fiveMin = Math.min(m5, total);
    return { m5: fiveMin, h1: total - fiveMin };
  }
  return { m5: total, h1: 0 };
}

/** USD cost of the event's tokens at this model's prices. */
export function computeCost(event: CanonicalEvent, price: ModelPrice, key: string): number {
  const input = event.tokens_in ?? 0;
  const output = event.tokens_out ?? 0;
  const cacheRead = event.cache_read_tokens ?? 0;
  const { m5, h1 } = cacheWriteSplit(event);
  const rates = ratesFor(price, key, input + cacheRead + m5 + h1);

  let outputCost = output * rates.output;
  const reasoning = Math.min(event.reasoning_tokens ?? 0, output);
  if (rates.reasoning !== undefined && reasoning > 0) {
    outputCost = (output - reasoning) * rates.output + reasoning * rates.reasoning;
  }
  let cost =
    input * rates.input +
    cacheRead * rates.cache_read +
    m5 * rates.cache_write_5m +
    h1 * rates.cache_write_1h +
    outputCost;
  if (event.metadata.speed === 'fast' && price.fast) cost *= price.fast;
  return cost / 1e6;
}
