import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from './backoff.js';
import { Forwarder, type ForwardSource } from './forwarder.js';
import type { SendOutcome, Sender } from './send.js';
import type { Outcome } from '../../collector/core/telemetry.js';

describe('back-off', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it('doubles up to the cap with jitter, and never goes below Retry-After', () => {
    const o = { initialMs: 100, maxMs: 1000 };
    expect(retryDelay(1, o, null, () => 0)).toBe(50);
    expect(retryDelay(1, o, null, () => 1)).toBe(100);
    expect(retryDelay(3, o, null, () => 1)).toBe(400);
    expect(retryDelay(20, o, null, () => 1)).toBe(1000);
    expect(retryDelay(1, o, 2000, () => 1)).toBe(2000);
  });
});

function harness(script: SendOutcome[], opts: { maxQueue?: number; stored?: number } = {}) {
  let stored = opts.stored ?? 0;
  const sent: number[][] = [];
  const saved = new Map<string, number>();
  const outcomes: Record<string, number> = {};
  const source: ForwardSource<number> = {
    name: 'events',
    signal: 'logs',
    newest: () => stored,
    read: (after, limit) => Array.from({ length: Math.max(0, Math.min(limit, stored - after)) }, (_, i) => ({ position: after + i + 1, item: after + i + 1 })),
    serialize: (items) => Uint8Array.from(items),
  };
  const sender: Sender = {
    async send(_signal, body) {
      sent.push([...body]);
      return script.shift() ?? { kind: 'ok', rejected: 0 };
    },
    close() {},
  };
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const f = new Forwarder(source, {
    id: 'otlp',
    cursors: { get: (id, s) => saved.get(`${id}/${s}`) ?? null, save: (id, s, p) => void saved.set(`${id}/${s}`, p) },
    sender,
    logger: silent,
    telemetry: { record: (o: Outcome, n = 1) => void (outcomes[o] = (outcomes[o] ?? 0) + n) },
    batchSize: 3,
    batchDelayMs: 0,
    maxQueue: opts.maxQueue ?? 100,
    retry: { initialMs: 10, maxMs: 20 },
    backfill: 'all',
    saveEveryMs: 0,
  });
  return { f, sent, saved, outcomes, add: (n: number) => ((stored += n), f.notify()) };
}

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('Forwarder', () => {
  it('sends pages in order, retries a failed one, and saves the cursor', async () => {
    const h = harness([{ kind: 'retry', reason: 'HTTP 503', retryAfterMs: null }]);
    h.f.start();
    h.add(7);
    await settle();
    await h.f.stop();
    expect(h.sent).toEqual([[1, 2, 3], [1, 2, 3], [4, 5, 6], [7]]);
    expect(h.saved.get('otlp/events')).toBe(7);
    expect(h.f.stats()).toMatchObject({ forwarded: 7, retries: 1, backlog: 0, failing: 0 });
    expect(h.outcomes.accepted).toBe(7);
  });

  it('skips the oldest beyond max_queue and counts them as dropped', async () => {
    const h = harness([], { maxQueue: 4, stored: 10 });
    h.f.start();
    await settle();
    await h.f.stop();
    expect(h.sent.flat()).toEqual([7, 8, 9, 10]);
    expect(h.f.stats().dropped).toBe(6);
    expect(h.outcomes.failed).toBe(6);
  });

  it('halves a batch the server finds too large, and skips what it refuses', async () => {
    const h = harness([{ kind: 'too_large', reason: 'HTTP 413' }, { kind: 'refused', reason: 'HTTP 400' }], { stored: 3 });
    h.f.start();
    await settle();
    await h.f.stop();
    // After a 413 the page grows back (doubling) only as deliveries succeed.
    expect(h.sent).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(h.f.stats()).toMatchObject({ refused: 1, forwarded: 2 });
  });
});
