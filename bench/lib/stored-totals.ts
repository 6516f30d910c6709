/**
 * The all-time totals an import stored, as one line: a faster import must leave every figure as it
 * was (bench:import and bench:replay print it).
 */
import { openReadOnlyStore } from '../../exporters/sqlite/read-only.js';

export function storedTotals(dbPath: string): string {
  const store = openReadOnlyStore(dbPath);
  try {
    const all = store.stats.usage({ dims: ['all'] })[0];
    if (!all) return 'none';
    const n = (v: number) => v.toLocaleString('en-US');
    return (
      `${n(all.events)} events, tokens_in ${n(all.tokens_in)}, tokens_out ${n(all.tokens_out)}, ` +
      `cache_read ${n(all.cache_read_tokens)}, cache_write ${n(all.cache_write_tokens)}, ` +
      `reasoning ${n(all.reasoning_tokens)}, cost $${all.cost_usd.toFixed(6)}`
    );
  } finally {
    store.close();
  }
}
