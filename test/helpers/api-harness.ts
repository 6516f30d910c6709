/**
 * The HTTP surface without a socket, for fastify.inject() tests: the real server (security rules,
 * error handler), the real read API, native and hooks receivers, cost processor routes and SSE
 * exporter, over the real SQLite store in memory and the real Pipeline. Only the worker pool is
 * replaced: the processors run in this thread (the same process() the workers would call).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { ComponentHost, Processor } from '../../collector/core/component.js';
import type { StoragePorts } from '../../collector/core/storage.js';
import { Pipeline } from '../../collector/core/pipeline.js';
import { componentTelemetry } from '../../collector/core/telemetry.js';
import { buildServer } from '../../collector/server/http.js';
import { submitFailure } from '../../collector/core/errors.js';
import { componentLogger } from '../../collector/server/logging.js';
import { registerApi } from '../../collector/api/index.js';
import { SelfTelemetry } from '../../collector/service/self-telemetry.js';
import sqliteFactory from '../../exporters/sqlite/index.js';
import sseFactory from '../../exporters/sse/index.js';
import costFactory from '../../processors/cost/index.js';
import nativeFactory from '../../receivers/native/index.js';
import hooksFactory from '../../receivers/hooks/index.js';

export interface ApiHarness {
  server: FastifyInstance;
  storage: StoragePorts;
  telemetry: SelfTelemetry;
  /** Facts components published (`pricing`). */
  infos: Map<string, unknown>;
  pipeline: Pipeline;
  close(): Promise<void>;
}

export async function startApiHarness(opts: { maxBodyBytes?: number; extraRoutes?: (server: FastifyInstance) => void } = {}): Promise<ApiHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-api-'));
  const logger = pino({ level: 'silent' });
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const { server, admission } = buildServer({
    host: '127.0.0.1',
    token: null,
    allowedHosts: [],
    maxBodyBytes,
    logger,
    admission: { smallBodyBytes: 256 * 1024, maxLargeBodies: 8, maxBytesInFlight: 64 * 1024 * 1024 },
  });
  const telemetry = new SelfTelemetry();
  const infos = new Map<string, unknown>();
  const host = (id: string, kind: string): ComponentHost => {
    telemetry.register(id, kind);
    return {
      id,
      logger: componentLogger(logger, { component: id }),
      announce: () => undefined,
      runMode: 'serve',
      clock: { now: () => new Date() },
      newId: () => uuidv7(),
      settings: { bindHost: '127.0.0.1', token: null, maxBodyBytes, storePrompts: false },
      telemetry: componentTelemetry(telemetry.meter, id, kind),
      resolvePath: (p) => path.resolve(dir, p),
      extension: () => {
        throw new Error('no extensions here');
      },
    };
  };

  const sqlite = await sqliteFactory.create(
    { ...sqliteFactory.defaultConfig(), path: ':memory:', session_timeout_minutes: 60 * 24 * 365 * 10, end_after_minutes: 0, sweep_interval_ms: 3_600_000, writer_thread: false },
    { ...host('sqlite', 'exporter'), storage: () => storage, publish: () => undefined },
  );
  const storage = sqlite.storage!;

  // The processors of the default pipeline, run in this thread.
  const processors: Processor[] = [await costFactory.create({ pricing_path: null }, { id: 'cost', resolvePath: (p) => p })];
  const pipeline = new Pipeline({
    pool: {
      run: async (events) => {
        const passed: number[] = [];
        const out = processors.reduce((batch, p) => {
          const next = p.process(batch);
          passed.push(next.length);
          return next;
        }, events);
        return { events: out, passed };
      },
      close: async () => undefined,
    },
    writer: storage.writer,
    exporters: [sqlite],
    logger: componentLogger(logger, {}),
    maxQueueEvents: 100_000,
  });

  let sse: Awaited<ReturnType<typeof sseFactory.create>> | undefined;
  await server.register(async (scope) => {
    await costFactory.setup!({ pricing_path: null }, { ...host('cost', 'processor'), http: scope, publishInfo: (n, v) => infos.set(n, v) });
  });
  await server.register(async (scope) => {
    sse = await sseFactory.create(sseFactory.defaultConfig(), { ...host('sse', 'exporter'), http: scope, storage: () => storage, publish: () => undefined });
  });
  const receiverHost = (id: string) => ({
    ...host(id, 'receiver'),
    runMode: 'serve' as const,
    next: pipeline,
    chain: null,
    validateEvents: () => {
      throw new Error('not used here');
    },
    submitFailure,
    checkpoints: () => storage.checkpoints,
    toolStarts: () => storage.toolStarts,
  });
  await server.register(async (scope) => {
    // In-process from TypeScript source: no compiled decode worker to start, so every body is decoded here.
    await nativeFactory.create({ ...nativeFactory.defaultConfig(), decode_off_thread_kb: 0 }, { ...receiverHost('native'), http: scope });
  });
  await server.register(async (scope) => {
    await hooksFactory.create(
      { ...hooksFactory.defaultConfig(), spool_path: path.join(dir, 'hook-spool.jsonl'), replay_interval_ms: 0 },
      { ...receiverHost('hooks'), http: scope },
    );
  });
  registerApi(server, storage, {
    startedAt: new Date(),
    version: 'test',
    info: (name) => infos.get(name) ?? null,
    admission,
    telemetry: () => telemetry.snapshot(),
  });
  opts.extraRoutes?.(server);
  await server.ready();

  return {
    server,
    storage,
    telemetry,
    infos,
    pipeline,
    async close() {
      await server.close();
      await pipeline.idle();
      await sse?.shutdown?.();
      await sqlite.shutdown?.();
      await telemetry.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
