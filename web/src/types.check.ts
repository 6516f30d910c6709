/**
 * Type-level checks, compiled by `npm run check:web` and never bundled: the API types web/ imports
 * from the server's schemas are real (not `any`) and still carry what the dashboard reads.
 * An unused @ts-expect-error is itself an error, so each line below must keep failing.
 */
import type { CostStats, Hello, SessionDetail, Stats, StoredEvent } from './types.js';

declare const event: StoredEvent;
declare const detail: SessionDetail;
declare const cost: CostStats;
declare const stats: Stats;
declare const hello: Hello;

// @ts-expect-error tokens_in is number | null, never a string
export const notAString: string = event.tokens_in;
// @ts-expect-error a span has no such field
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the point: the field does not exist, so its type is an error
export const noSuchField = detail.spans[0].nope;
// @ts-expect-error status is one of three strings
export const notAStatus: 'paused' = detail.session.status;

export const read: Array<number | string | boolean | null | undefined> = [
  cost.totals.cost_usd,
  cost.pricing?.date,
  cost.timeline[0].bucket,
  stats.generated_at,
  stats.metrics.by_agent.claude_code?.commits,
  hello.store_prompts,
  detail.children[0].unpriced_tokens,
];
