/**
 * The price table's shape: the bundled file (prices.json), a user override file
 * (processors.cost.pricing_path) and the refresh script all use it. Prices are USD per million tokens,
 * so the file reads like a pricing page (LiteLLM's per-token floats are converted once).
 */

/** Prices that switch on when the prompt (input + cache read + cache write) exceeds `above`. */
export interface PriceTier {
  above: number;
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
}

export interface ModelPrice {
  /** anthropic | openai | gemini | vertex_ai…: decides the defaults for missing cache prices. */
  provider?: string;
  input: number;
  output: number;
  cache_read?: number;
  /** Cache write with the default 5-minute TTL (Anthropic: 1.25 × input). */
  cache_write_5m?: number;
  /** Cache write with the 1-hour TTL (Anthropic: 2 × input). */
  cache_write_1h?: number;
  /** Price of reasoning tokens when they are billed apart from output (some Gemini models). */
  reasoning?: number;
  /** Multiplier applied when the request ran in fast mode (usage.speed = "fast"). */
  fast?: number;
  tiers?: PriceTier[];
}

export interface PriceTable {
  /** Where the numbers come from (a URL or a description). */
  source: string;
  /** The day the numbers were taken from the source (YYYY-MM-DD). */
  date: string;
  unit?: string;
  models: Record<string, ModelPrice>;
}

export const PRICE_UNIT = 'USD per 1M tokens';
