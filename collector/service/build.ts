/**
 * The one service builder, used by `npm start` and by `npm run import`: from a loaded config to
 * running components. It creates components downstream-first (extensions, exporters, processors,
 * receivers), starts them in that order, and shuts them down in reverse. A component that fails to
 * be created or started stops start-up with its id in the message, after the ones already started
 * have been shut down.
 */
import { v7 as uuidv7 } from 'uuid';
import type { FastifyInstance } from 'fastify';
import type { Logger as Pino } from 'pino';
import type {
  ComponentHost, Exporter, ExporterFactory, Extension, ExtensionFactory, Lifecycle, ProcessorFactory,
  Receiver, ReceiverFactory, ServiceSettings,
} from '../core/component.js';
import type { Consumer, SubmitBatch } from '../core/consumer.js';
import type { CommittedBatch, StoragePorts } from '../core/storage.js';
import { Pipeline } from '../core/pipeline.js';
import { resolveConfigPath } from '../core/paths.js';
import { createProcessorPool, type ProcessorPool } from '../core/pool.js';
import type { ChainRef } from '../core/chain.js';
import { submitFailure } from '../core/errors.js';
import { validateAll } from '../core/validate-batch.js';
import { countedConsumer, type ComponentTelemetry } from '../core/telemetry.js';
import { ConfigError, type LoadedConfig } from '../config/types.js';
import { problemAt } from '../config/load.js';
import { bannerLogger, componentLogger } from '../server/logging.js';
import { resolveComponents, type ResolvedComponent } from './resolve.js';
import { quietTelemetry, type ServiceTelemetry } from './quiet-telemetry.js';

export type ServiceMode = 'serve' | 'once';

export interface ServiceOptions {
  mode: ServiceMode;
  logger: Pino;
  version: string;
}

interface Running {
  kind: string;
  id: string;
  lifecycle: Lifecycle;
  started: boolean;
}

export class ComponentError extends Error {}

export interface Service {
  /** Starts every component (downstream first), then listens (serve mode). */
  start(): Promise<{ url: string | null; port: number | null }>;
  /** Run-once receivers' summaries, by id (once mode). */
  runOnce(): Promise<Record<string, Record<string, unknown>>>;
  shutdown(): Promise<void>;
}

export async function buildService(loaded: LoadedConfig, opts: ServiceOptions): Promise<Service> {
  const { config } = loaded;
  const serve = opts.mode === 'serve';
  // A run-once job builds only what its pipeline uses, and never loads the HTTP server and API.
  const resolved = await resolveComponents(loaded, { withoutHttp: !serve });
  const byId = (section: string, id: string) => resolved.find((c) => c.section === section && c.id === id)!;
  /** Receivers and exporters a run without HTTP left unresolved are skipped (resolve.ts). */
  const builtHere = (section: string, id: string) => resolved.find((c) => c.section === section && c.id === id);
  const web = serve ? await loadWebModules() : null;
  const http = config.service.http;
  const settings: ServiceSettings = {
    bindHost: http.host,
    token: http.token,
    maxBodyBytes: http.max_body_kb * 1024,
    storePrompts: config.service.store_prompts,
  };
  const telemetry: ServiceTelemetry = serve ? new (await import('./self-telemetry.js')).SelfTelemetry() : quietTelemetry();
  const built = web
    ? web.buildServer({
        host: http.host,
        token: http.token,
        allowedHosts: http.allowed_hosts,
        maxBodyBytes: settings.maxBodyBytes,
        logger: opts.logger,
        admission: {
          smallBodyBytes: http.admission.small_body_kb * 1024,
          maxLargeBodies: http.admission.max_large_bodies,
          maxBytesInFlight: http.admission.max_inflight_mb * 1024 * 1024,
        },
      })
    : undefined;
  const server: FastifyInstance | undefined = built?.server;
  const running: Running[] = [];
  const extensions = new Map<string, unknown>();
  const infos = new Map<string, unknown>();

  const telemetries = new Map<string, ComponentTelemetry>();
  /** One telemetry per component, registered so that it shows (with zeros) before it records. */
  const telemetryOf = (kind: string, id: string): ComponentTelemetry => {
    const key = `${kind}\u0000${id}`;
    let t = telemetries.get(key);
    if (!t) {
      telemetry.register(id, kind);
      t = telemetry.component(id, kind);
      telemetries.set(key, t);
    }
    return t;
  };
  const hostFor = (c: ResolvedComponent): ComponentHost => {
    return {
      id: c.id,
      logger: componentLogger(opts.logger, { component: c.id, kind: c.kind }),
      announce: bannerLogger(opts.logger),
      clock: { now: () => new Date() },
      newId: () => uuidv7(),
      settings,
      telemetry: telemetryOf(c.kind, c.id),
      runMode: opts.mode,
      resolvePath: (p) => resolveConfigPath(loaded.baseDir, p),
      extension: <T>(id: string) => {
        if (!extensions.has(id)) throw new ComponentError(`extension ${id} is not configured (service.extensions)`);
        return extensions.get(id) as T;
      },
    };
  };
  /** Runs create() in the component's own fastify scope when it needs one. */
  const inScope = async <T>(needsHttp: boolean, create: (scope?: FastifyInstance) => Promise<T>): Promise<T> => {
    if (!server || !needsHttp) return create(undefined);
    let made!: T;
    await server.register(async (scope) => {
      made = await create(scope);
    });
    return made;
  };
  const failure = (c: ResolvedComponent, what: string, error: unknown) =>
    new ComponentError(`${c.kind} ${c.id}: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  const created = (c: ResolvedComponent, lifecycle: Lifecycle) => {
    // A plugin's create() that returns nothing would otherwise fail later, in start(), less clearly.
    if (!lifecycle || typeof lifecycle !== 'object') {
      throw failure(c, 'could not be created', `create() returned ${lifecycle === null ? 'null' : typeof lifecycle}, expected an object`);
    }
    running.push({ kind: c.kind, id: c.id, lifecycle, started: false });
  };

  const pipelines = Object.entries(config.service.pipelines).map(([name, p]) => ({
    name,
    receivers: p.receivers,
    processors: p.processors ?? [],
    exporters: p.exporters,
  }));
  const pools: ProcessorPool[] = [];
  const consumers = new Map<string, Pipeline>();
  const chains = new Map<string, ChainRef>();

  try {
    // 1. Extensions, in the listed order.
    for (const id of config.service.extensions) {
      const c = byId('extensions', id);
      const f = c.factory as ExtensionFactory;
      const ext: Extension = await inScope(f.needsHttp, async (scope) => f.create(c.config, { ...hostFor(c), http: scope })).catch((e) => {
        throw failure(c, 'could not be created', e);
      });
      created(c, ext);
      extensions.set(id, ext.service);
    }

    // 2. Exporters (each once, however many pipelines list it); storage is resolved per pipeline.
    const exporters = new Map<string, Exporter>();
    const storageOf = new Map<string, StoragePorts>();
    const neighbours = new Map<string, Set<string>>();
    for (const p of pipelines) {
      for (const id of p.exporters) {
        const set = neighbours.get(id) ?? new Set<string>();
        p.exporters.filter((other) => other !== id).forEach((other) => set.add(other));
        neighbours.set(id, set);
      }
    }
    const exporterIds = [...new Set(pipelines.flatMap((p) => p.exporters))];
    for (const id of exporterIds) {
      const c = builtHere('exporters', id);
      if (!c) continue;
      const f = c.factory as ExporterFactory;
      if (!serve && f.needsHttp) continue;
      const exporter = await inScope(f.needsHttp, async (scope) =>
        f.create(c.config, {
          ...hostFor(c),
          http: scope,
          storage: () => {
            const ports = storageOf.get(id);
            if (!ports) throw new ComponentError(`exporter ${id}: no storage exporter shares its pipeline`);
            return ports;
          },
          publish: (published) => {
            const batch: CommittedBatch = { ...published, eventsStored: published.events.length };
            for (const other of neighbours.get(id) ?? []) exporters.get(other)?.consume?.(batch);
          },
        }),
      ).catch((e) => {
        throw failure(c, 'could not be created', e);
      });
      created(c, exporter);
      exporters.set(id, exporter);
    }
    for (const p of pipelines) {
      const storing = p.exporters.filter((id) => exporters.get(id)?.storage);
      if (storing.length !== 1) {
        throw new ConfigError(
          problemAt(loaded.sources, `service.pipelines.${p.name}.exporters`, storing.length === 0
            ? 'no exporter in this pipeline stores events (add sqlite)'
            : `only one exporter may store events, found ${storing.join(', ')}`),
        );
      }
      for (const id of p.exporters) if (!storageOf.has(id)) storageOf.set(id, exporters.get(storing[0])!.storage!);
    }

    // 3. Processors: set up once on the main thread, then one worker pool per pipeline.
    const setUp = new Set<string>();
    const poolsReady: Array<Promise<ComponentError | null>> = [];
    for (const p of pipelines) {
      for (const id of p.processors) {
        if (setUp.has(id)) continue;
        setUp.add(id);
        const c = byId('processors', id);
        const f = c.factory as ProcessorFactory;
        telemetryOf(c.kind, c.id);
        await inScope(true, async (scope) =>
          f.setup?.(c.config, { ...hostFor(c), http: scope, publishInfo: (name, value) => infos.set(name, value) }),
        ).catch((e) => {
          throw failure(c, 'could not be set up', e);
        });
      }
      const storage = storageOf.get(p.exporters[0])!;
      const storageId = p.exporters.find((id) => exporters.get(id)?.storage)!;
      const specs = p.processors.map((id) => {
        const c = byId('processors', id);
        return { id, module: c.module, config: c.config, baseDir: loaded.baseDir };
      });
      // A run-once import's receiver runs the chain in its own workers and checks it (host.chain).
      const pool = createProcessorPool(specs, config.service.workers, componentLogger(opts.logger, { pipeline: p.name }), { onDemand: !serve });
      pools.push(pool);
      // create() runs in the workers: awaited once the receivers are built too (below), so that the
      // workers start meanwhile and a processor that cannot be created still stops start-up.
      poolsReady.push(pool.ready().then(() => null, (e: unknown) => new ComponentError(e instanceof Error ? e.message : String(e))));
      consumers.set(p.name, new Pipeline({
        pool,
        writer: storage.writer,
        exporters: p.exporters.map((id) => exporters.get(id)).filter((e): e is Exporter => e !== undefined),
        storageTelemetry: telemetryOf('exporter', storageId),
        processorTelemetry: p.processors.map((id) => ({
          id,
          telemetry: telemetryOf('processor', id),
          droppedAs: (byId('processors', id).factory as ProcessorFactory).droppedAs ?? 'refused',
        })),
        logger: componentLogger(opts.logger, { pipeline: p.name }),
        maxQueueEvents: config.service.max_queue_events,
        // A run-once import answers no HTTP: larger groups mean fewer, larger transactions.
        maxGroupEvents: serve ? undefined : 4000,
        chainKey: p.name,
      }));
      chains.set(p.name, { key: p.name, specs });
    }

    telemetry.observePipelines(() => [...consumers].map(([name, p]) => ({ name, queue_depth: p.queueDepth })));
    const primary = storageOf.get(pipelines[0].exporters[0])!;
    if (server) {
      web!.registerApi(server, primary, {
        startedAt: new Date(),
        version: opts.version,
        info: (name) => infos.get(name) ?? null,
        admission: () => built!.admission(),
        telemetry: () => telemetry.snapshot(),
      });
    }

    // 4. Receivers: each feeds the pipelines that list it.
    const receiverIds = [...new Set(pipelines.flatMap((p) => p.receivers))];
    for (const id of receiverIds) {
      const c = builtHere('receivers', id);
      if (!c) continue;
      const f = c.factory as ReceiverFactory;
      if (!serve && f.needsHttp) continue;
      const feeds = pipelines.filter((p) => p.receivers.includes(id));
      const targets = feeds.map((p) => consumers.get(p.name)!);
      // Every submit is counted under the receiver's id, plugins included, without their help.
      const next = countedConsumer(fanOut(targets), telemetryOf(c.kind, c.id));
      const host = hostFor(c);
      const receiver: Receiver = await inScope(f.needsHttp, async (scope) =>
        f.create(c.config, {
          ...host,
          http: scope,
          next,
          chain: feeds.length === 1 ? chains.get(feeds[0].name)! : null,
          checkpoints: () => primary.checkpoints,
          toolStarts: () => primary.toolStarts,
          // A plugin's senders choose the metadata: the privacy rule applies as for native events.
          validateEvents: (inputs, defaults) =>
            validateAll(inputs, { now: () => host.clock.now(), newId: () => host.newId() }, defaults, settings),
          submitFailure,
        }),
      ).catch((e) => {
        throw failure(c, 'could not be created', e);
      });
      created(c, receiver);
    }
    for (const failed of await Promise.all(poolsReady)) if (failed) throw failed;
    if (server) await web!.registerWebUi(server, http.web_dir);
  } catch (error) {
    await teardown(running, server, consumers, pools, telemetry, opts.logger);
    throw error;
  }

  let stopping: Promise<void> | null = null;
  const shutdown = () => (stopping ??= teardown(running, server, consumers, pools, telemetry, opts.logger));

  return {
    async start() {
      for (const r of running) {
        try {
          await r.lifecycle.start?.();
          r.started = true;
        } catch (error) {
          await shutdown();
          throw new ComponentError(`${r.kind} ${r.id}: failed to start: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (!server) return { url: null, port: null };
      try {
        await server.listen({ port: http.port, host: http.host });
      } catch (error) {
        await shutdown();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new ConfigError(problemAt(loaded.sources, 'service.http.port',
            `port ${http.port} on ${http.host} is already in use: stop the other process or choose another port (--port, AGENTSTATS_PORT or service.http.port)`));
        }
        throw error;
      }
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : http.port;
      const shownHost = http.host.includes(':') ? `[${http.host}]` : http.host;
      return { url: `http://${shownHost}:${port}`, port };
    },
    async runOnce() {
      const summaries: Record<string, Record<string, unknown>> = {};
      for (const r of running) {
        const receiver = r.lifecycle as Receiver;
        if (r.kind === 'receiver' && receiver.runOnce) summaries[r.id] = await receiver.runOnce();
      }
      for (const p of consumers.values()) await p.idle();
      return summaries;
    },
    shutdown,
  };
}

/** One receiver listed in several pipelines submits to each; it is answered once all committed. */
function fanOut(targets: Pipeline[]): Consumer {
  if (targets.length === 1) return targets[0];
  return {
    async submit(batch: SubmitBatch) {
      const results = await Promise.all(targets.map((t) => t.submit(batch)));
      return results[0];
    },
    get queueDepth() {
      return Math.max(...targets.map((t) => t.queueDepth));
    },
    get maxQueueEvents() {
      return Math.min(...targets.map((t) => t.maxQueueEvents));
    },
  };
}

/**
 * Receivers first, then the HTTP server, the pipelines' queues, pools, exporters, extensions.
 * Every step is best effort: one that fails is logged and the rest still close (the database too).
 */
async function teardown(
  running: Running[],
  server: FastifyInstance | undefined,
  consumers: Map<string, Pipeline>,
  pools: ProcessorPool[],
  telemetry: ServiceTelemetry,
  logger: Pino,
): Promise<void> {
  const attempt = async (what: string, step: () => unknown) => {
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error }, `shutdown: ${what} failed`);
    }
  };
  const reversed = [...running].reverse();
  const stop = (r: Running) => attempt(`${r.kind} ${r.id}`, () => r.lifecycle.shutdown?.());
  for (const r of reversed.filter((x) => x.kind === 'receiver')) await stop(r);
  if (server) await attempt('the HTTP server', () => server.close());
  for (const [name, p] of consumers) await attempt(`pipeline ${name}`, () => p.idle());
  for (const pool of pools) await attempt('a processor pool', () => pool.close());
  for (const r of reversed.filter((x) => x.kind !== 'receiver')) await stop(r);
  await attempt('self-telemetry', () => telemetry.shutdown());
}

/** The HTTP server, API routes and web UI: loaded in serve mode only. */
async function loadWebModules() {
  const [server, ui, api] = await Promise.all([import('../server/http.js'), import('../server/web-ui.js'), import('../api/index.js')]);
  return { buildServer: server.buildServer, registerWebUi: ui.registerWebUi, registerApi: api.registerApi };
}
