/**
 * When to try again, as the OTLP specification says: retry on 429, 502, 503, 504 and network
 * failures, with exponential back-off and jitter, and never sooner than a `Retry-After` asks.
 */

/** HTTP statuses the OTLP spec calls retryable. */
export const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** `Retry-After` as ms from `nowMs`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * The delay before attempt `attempt + 1` (attempt counts failures so far, from 1): initial·2^(n−1)
 * capped at max, with "equal jitter" (half fixed, half random) so that many senders restarted
 * together spread out; at least what the server asked for.
 */
export function retryDelay(attempt: number, opts: { initialMs: number; maxMs: number }, retryAfterMs: number | null, random = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.ceil(Math.max(jittered, retryAfterMs ?? 0));
}
