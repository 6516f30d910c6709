/**
 * The component interface, modelled on the OpenTelemetry Collector's factories. Built-in receivers,
 * processors, exporters and extensions register exactly like plugins named in a config file: a
 * factory with a kind, a type, a JSON Schema for its own config, defaults and create().
 *
 * A component sees its own config and a small host (logger, clock, ids, its telemetry, the
 * service-wide settings it may need, extensions) — never the whole service config.
 */
import type { ChainRef } from './chain.js';
import type { FastifyInstance } from 'fastify';
import type { CanonicalEvent } from './event.js';
import type { Consumer } from './consumer.js';
import type { CommittedBatch, StoragePorts, CheckpointStore, ToolStartLookup } from './storage.js';
import type { ComponentTelemetry } from './telemetry.js';
import type { Rejected } from './validate-batch.js';
import type { SubmitFailure } from './errors.js';

export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension';

/** A JSON Schema (draft-07) object. Kept loose: ajv checks it when the host validates configs. */
export type JsonSchema = Record<string, unknown>;

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Service-wide settings a component may read; everything else it needs is in its own config. */
export interface ServiceSettings {
  /** The HTTP bind address; a component that opens its own socket (OTLP/gRPC) binds the same. */
  bindHost: string;
  /** The bearer token every non-public route needs, or null. */
  token: string | null;
  /** Largest request body the service accepts, in bytes. */
  maxBodyBytes: number;
  /** Whether prompt text and tool content may be stored (otherwise only their length). */
  storePrompts: boolean;
}

export interface Lifecycle {
  start?(): Promise<void> | void;
  shutdown?(): Promise<void> | void;
}

/** What every component gets besides its config. */
export interface ComponentHost {
  /** The component id from config: `type` or `type/name`. */
  id: string;
  logger: Logger;
  /** A line the user reads at any log level but silent (what is listening where). */
  announce(msg: string): void;
  clock: Clock;
  newId(): string;
  settings: ServiceSettings;
  telemetry: ComponentTelemetry;
  /** A path from config, resolved against the config file's folder (or the working directory). */
  resolvePath(p: string): string;
  /** A started extension's service by id; throws naming the id when it is not configured. */
  extension<T = unknown>(id: string): T;
  /** `serve`: a running server; `once`: a run-once job (npm run import) that calls runOnce(). */
  runMode: 'serve' | 'once';
}

/** The HTTP scope of a component whose factory says needsHttp (the builder always gives it one). */
export function requireHttp(host: { id: string; http?: FastifyInstance }): FastifyInstance {
  if (!host.http) throw new Error(`${host.id} needs the HTTP server, which this run does not have`);
  return host.http;
}

interface FactoryBase<K extends ComponentKind, C> {
  kind: K;
  type: string;
  /** One line for --help and docs/config.md. */
  description: string;
  /** The JSON Schema of this component's config; unknown keys are errors. */
  configSchema: JsonSchema;
  defaultConfig(): C;
  /** Checks the schema cannot express; each problem is `key: message` (key relative to the component). */
  validate?(config: C): string[];
}

// ---------------------------------------------------------------- receivers

export interface ReceiverHost extends ComponentHost {
  /**
   * An encapsulated fastify scope: parsers, limits and hooks set here stay in this receiver.
   * Undefined when the service runs without HTTP (a run-once import).
   */
  http?: FastifyInstance;
  /** The pipeline this receiver feeds. Answer a client only after next.submit() resolves. */
  next: Consumer;
  /**
   * The processor chain of that pipeline, for a receiver that makes events in a worker thread of
   * its own: it may run the chain there (chain.ts) and submit the batch as `processed`, saving two
   * copies of every event between threads. Null when the receiver feeds several pipelines.
   */
  chain: ChainRef | null;
  /** Per-source read positions that survive restarts (history files). */
  checkpoints(): CheckpointStore;
  /** The narrow lookup the hooks receiver needs to pair a tool's end with its start. */
  toolStarts(): ToolStartLookup;
  /**
   * Checks raw events against the event contract (docs/event-contract.md) with this host's clock
   * and ids, each with `defaults` under it; the rejected ones carry their index and field errors.
   * Offered here so that a plugin receiver needs no import from AgentStats.
   */
  validateEvents(inputs: unknown[], defaults?: Partial<CanonicalEvent>): { valid: CanonicalEvent[]; rejected: Rejected[] };
  /** What a failed next.submit() means for the client: HTTP status, gRPC code, error code, Retry-After. */
  submitFailure(error: unknown): SubmitFailure;
}

export interface Receiver extends Lifecycle {
  /** Run-once mode (a history import): does its whole job, then resolves with a summary. */
  runOnce?(): Promise<Record<string, unknown>>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<'receiver', C> {
  /** Whether create() needs host.http (such a receiver is left out of a run without HTTP). */
  needsHttp: boolean;
  create(config: C, host: ReceiverHost): Receiver | Promise<Receiver>;
}

// ---------------------------------------------------------------- processors

/**
 * Processors are pure functions over a batch, run inside a piscina worker: no database, no sockets.
 * They may drop events (dedupe) or change them (truncate, cost), but never change an event_id.
 * Their factory module is imported once in the main thread (schema, validation, setup) and once
 * in each worker (create).
 */
export interface Processor {
  process(events: CanonicalEvent[]): CanonicalEvent[];
}

export interface ProcessorWorkerHost {
  id: string;
  resolvePath(p: string): string;
}

/** What a processor may do on the main thread: check its files, offer read routes and facts. */
export interface ProcessorSetupHost extends ComponentHost {
  http?: FastifyInstance;
  /** Publishes a fact the read API shows (e.g. `pricing`: which table cost is computed with). */
  publishInfo(name: string, value: unknown): void;
}

export interface ProcessorFactory<C = unknown> extends FactoryBase<'processor', C> {
  /**
   * What an event this processor drops counts as in its self-telemetry: `duplicate` for a
   * processor that drops repeats, `refused` (the default) for one that filters.
   */
  droppedAs?: 'duplicate' | 'refused';
  setup?(config: C, host: ProcessorSetupHost): void | Promise<void>;
  create(config: C, host: ProcessorWorkerHost): Processor | Promise<Processor>;
}

// ---------------------------------------------------------------- exporters

export interface Exporter extends Lifecycle {
  /** An exporter that stores durably provides the storage ports; exactly one per pipeline does. */
  storage?: StoragePorts;
  /** Every committed batch, in commit order, after the storage exporter made it durable. */
  consume?(batch: CommittedBatch): void;
}

export interface ExporterHost extends ComponentHost {
  /** Mount point for exporters that serve clients (the SSE stream); undefined without HTTP. */
  http?: FastifyInstance;
  /** The storage ports of the pipeline's storage exporter (available once it has been created). */
  storage(): StoragePorts;
  /** Fans a batch out to the other exporters (session changes found by a background sweep); `eventsStored` is counted for it. */
  publish(batch: Omit<CommittedBatch, 'eventsStored'>): void;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<'exporter', C> {
  needsHttp: boolean;
  create(config: C, host: ExporterHost): Exporter | Promise<Exporter>;
}

// ---------------------------------------------------------------- extensions

export interface Extension extends Lifecycle {
  /** What other components get from host.extension(id). */
  service?: unknown;
}

export interface ExtensionHost extends ComponentHost {
  http?: FastifyInstance;
}

export interface ExtensionFactory<C = unknown> extends FactoryBase<'extension', C> {
  needsHttp: boolean;
  create(config: C, host: ExtensionHost): Extension | Promise<Extension>;
}

export type ComponentFactory = ReceiverFactory | ProcessorFactory | ExporterFactory | ExtensionFactory;
