/**
 * Issue 13 acceptance: two real AgentStats instances on loopback, A forwarding to B (its `otlp`
 * exporter, turned on by AGENTSTATS_FORWARD_ENDPOINT) over HTTP protobuf, HTTP JSON and gRPC, B
 * requiring a token (sent by A as a header from AGENTSTATS_FORWARD_HEADERS). Mixed events from all
 * three agents go into A through the real ingest paths; B is killed with SIGKILL mid-stream and
 * started again, then A too; in the end B holds exactly A's events (same ids, none twice) and the
 * same totals, and A's health showed the retries.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, startTestServer, type TestServer } from './helpers/server.js';
import { eventIds, freePort, killHard, seedRound, startAgain, totals } from './forward-support.js';

const TOKEN = 'central-secret-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.cleanup()));
  servers = [];
});

/** SIGKILL; the dead handle leaves the cleanup list (the restarted one shares and removes its dir). */
async function kill(s: TestServer): Promise<void> {
  await killHard(s);
  servers = servers.filter((x) => x !== s);
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

async function forwarderState(a: TestServer): Promise<Record<string, number>> {
  const health = (await a.get('/api/health')).body;
  return health.components.find((c: any) => c.kind === 'exporter' && c.id === 'otlp')?.state ?? {};
}

describe.each<Protocol>(['http/protobuf', 'http/json', 'grpc'])('forwarding A → B over %s', (protocol) => {
  it('B ends with exactly A\'s events and totals, through a SIGKILL of B and a restart of A', async () => {
    const grpcPort = await freePort();
    let b = await startTestServer({ env: { AGENTSTATS_TOKEN: TOKEN, AGENTSTATS_GRPC_PORT: String(grpcPort) } });
    servers.push(b);
    const dirA = makeTempDir();
    // Short delays so the test sees batches and retries quickly (the defaults are 1 s and 1 s → 60 s).
    const configFile = path.join(dirA, 'agentstats.json');
    writeFileSync(
      configFile,
      JSON.stringify({ exporters: { otlp: { batch_size: 20, batch_delay_ms: 50, retry_initial_ms: 200, retry_max_ms: 800, timeout_ms: 3000 } } }),
    );
    const endpoint = protocol === 'grpc' ? `http://127.0.0.1:${grpcPort}` : b.url;
    let a = await startTestServer({
      dir: dirA,
      args: ['--config', configFile],
      env: {
        AGENTSTATS_FORWARD_ENDPOINT: endpoint,
        AGENTSTATS_FORWARD_PROTOCOL: protocol,
        AGENTSTATS_FORWARD_HEADERS: `authorization=Bearer ${TOKEN}`,
        AGENTSTATS_MACHINE: 'laptop-a',
      },
    });
    servers.push(a);
    expect(a.output()).not.toContain(TOKEN);

    let round = 0;
    for (; round < 3; round++) await seedRound(a, round);
    // B dies without a word, mid-stream; A goes on taking events and retries.
    await kill(b);
    for (; round < 6; round++) await seedRound(a, round);
    const failing = await until('A to report retries', () => forwarderState(a), (s) => s.retries > 0 && s.failing === 1 && s.backlog > 0);
    expect(failing.retries).toBeGreaterThan(0);

    b = await startAgain(b);
    servers.push(b);
    for (; round < 8; round++) await seedRound(a, round);
    // A stops hard too, with part of its backlog maybe sent and its cursor maybe not saved.
    await kill(a);
    a = await startAgain(a);
    servers.push(a);
    for (; round < 10; round++) await seedRound(a, round);

    const expected = await totals(a);
    expect(expected.total_events).toBeGreaterThan(100);
    await until('B to hold all of A\'s events', () => totals(b, AUTH), (t) => t.events >= expected.events, 90_000);
    expect(await totals(b, AUTH)).toEqual(expected);
    const idsA = await eventIds(a);
    const idsB = await eventIds(b, AUTH);
    expect(new Set(idsB).size).toBe(idsB.length);
    expect(idsB).toEqual(idsA);
    const state = await until('A to drain', () => forwarderState(a), (s) => s.backlog === 0);
    expect(state.dropped).toBe(0);

    // Every event B holds says which machine it came from.
    const sample = (await b.get('/api/events?limit=5', AUTH)).body.events;
    for (const e of sample) expect(e.machine).toBe('laptop-a');
    const byMachine = (await b.get('/api/stats/cost', AUTH)).body.by_machine;
    expect(byMachine).toEqual([expect.objectContaining({ machine: 'laptop-a', events: expected.total_events })]);
  }, 240_000);
});
