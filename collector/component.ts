/**
 * The plugin interface, modelled on the OpenTelemetry Collector's component factories. Built-in
 * receivers, processors and exporters register exactly like plugins named in a config file will:
 * a factory with a type name, a default config and create().
 */
import type { FastifyInstance } from 'fastify';
import type { CanonicalEvent } from './event.js';
import type { AppConfig } from './config.js';
import type { Store, StoredEvent, SessionRow } from './store.js';
import type { SubmitBatch, SubmitResult } from './pipeline.js';

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Time, ids and logging come in through here so tests can control them. */
export interface RuntimeContext {
  app: AppConfig;
  clock: Clock;
  newId(): string;
  logger: Logger;
}

export interface Lifecycle {
  start?(): Promise<void> | void;
  shutdown?(): Promise<void> | void;
}

// ---------------------------------------------------------------- receivers

/** What a receiver gets: somewhere to mount its routes and the pipeline to submit batches to. */
export interface ReceiverContext extends RuntimeContext {
  /** An encapsulated fastify scope: parsers and limits set here stay in this receiver. */
  http: FastifyInstance;
  pipeline: { submit(batch: SubmitBatch): Promise<SubmitResult> };
  /** Read access for receivers that need to look things up (e.g. session state). */
  store: Store;
}

export interface ReceiverFactory<C = Record<string, unknown>> {
  kind: 'receiver';
  type: string;
  defaultConfig(): C;
  validate?(config: C): string[];
  create(config: C, ctx: ReceiverContext): Lifecycle | Promise<Lifecycle>;
}

// ---------------------------------------------------------------- processors

/**
 * Processors are pure functions over a batch, run inside a piscina worker: no database, no sockets.
 * They may drop events (dedupe) or change them (truncate, cost), but never change an event_id.
 */
export interface ProcessorContext {
  app: AppConfig;
}

export interface Processor {
  process(events: CanonicalEvent[]): CanonicalEvent[];
}

export interface ProcessorFactory<C = Record<string, unknown>> {
  kind: 'processor';
  type: string;
  defaultConfig(): C;
  validate?(config: C): string[];
  create(config: C, ctx: ProcessorContext): Processor | Promise<Processor>;
}

// ---------------------------------------------------------------- exporters

/** Receives every committed batch, in commit order, after the store has made it durable. */
export interface CommittedBatch {
  events: StoredEvent[];
  sessions: SessionRow[];
}

export interface Exporter extends Lifecycle {
  /** The exporter that owns durable storage provides the Store; exactly one must. */
  store?: Store;
  consume?(batch: CommittedBatch): void;
}

export interface ExporterContext extends RuntimeContext {
  /** Mount point for exporters that serve clients (the SSE stream). */
  http: FastifyInstance;
  /** The durable store, for exporters other than the one that provides it. */
  store(): Store;
}

export interface ExporterFactory<C = Record<string, unknown>> {
  kind: 'exporter';
  type: string;
  defaultConfig(): C;
  validate?(config: C): string[];
  create(config: C, ctx: ExporterContext): Exporter | Promise<Exporter>;
}

export type ComponentFactory = ReceiverFactory<any> | ProcessorFactory<any> | ExporterFactory<any>;
