/** The one token comparison every transport uses (HTTP routes, OTLP/gRPC metadata). */
import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented token with the configured one. */
export function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
