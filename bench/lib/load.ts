/**
 * Sends prepared request bodies over N keep-alive connections as fast as answers come back, and
 * tallies what the server said: stored ids, duplicates, rejected events, errors.
 */
import type { BenchClient } from './http.js';
import { Samples } from './stats.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  latency: Samples;
  stored: number;
  duplicates: number;
  rejected: number;
  errors: number;
  /** Non-2xx statuses and network errors, by status or message. */
  errorKinds: Record<string, number>;
}

export async function sendAll(
  client: BenchClient,
  pathname: string,
  bodies: string[],
  connections: number,
  mode: 'batch' | 'single',
): Promise<LoadResult> {
  const result: LoadResult = {
    requests: bodies.length,
    seconds: 0,
    latency: new Samples(),
    stored: 0,
    duplicates: 0,
    rejected: 0,
    errors: 0,
    errorKinds: {},
  };
  const fail = (kind: string) => {
    result.errors++;
    result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
  };
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      try {
        const res = await client.request('POST', pathname, body);
        result.latency.add(res.ms);
        if (mode === 'batch' && res.status === 200) {
          const answer = JSON.parse(res.body) as { ids: string[]; duplicates: number; rejected: unknown[] };
          result.stored += answer.ids.length;
          result.duplicates += answer.duplicates;
          result.rejected += answer.rejected.length;
        } else if (mode === 'single' && (res.status === 201 || res.status === 200)) {
          const answer = JSON.parse(res.body) as { duplicate: boolean };
          if (answer.duplicate) result.duplicates++;
          else result.stored++;
        } else if (mode === 'single' && res.status === 400) {
          result.rejected++;
        } else {
          fail(`HTTP ${res.status}`);
        }
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, connections) }, lane));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
