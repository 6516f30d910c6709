import { describe, expect, it } from 'vitest';
import { emptyUsageCounters } from './usage.js';

describe('emptyUsageCounters', () => {
  it('starts every counter at +0 (the fractions that shape its fields do not stay) and gives a new object each call', () => {
    const a = emptyUsageCounters();
    for (const [field, value] of Object.entries(a)) expect(Object.is(value, 0), field).toBe(true);
    expect(Object.keys(a)).toEqual([
      'events',
      'errors',
      'tokens_in',
      'tokens_out',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'cost_usd',
      'unpriced_tokens',
      'api_requests',
    ]);
    a.cost_usd += 0.25;
    a.cache_read_tokens += 3_000_000_000;
    expect(emptyUsageCounters()).toEqual({ ...a, cost_usd: 0, cache_read_tokens: 0 });
  });
});
