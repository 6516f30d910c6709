/**
 * Benchmark access to the store itself: fast preloading of history and the raw-store reference
 * rate. Both go through the SQLite storage's BatchWriter, the server's own writer; no SQL lives here.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CanonicalEvent } from '../../collector/core/event.js';
import type { WriteBatch, WriteResult } from '../../collector/core/storage.js';
import { openSqliteStorage } from '../../exporters/sqlite/open.js';
import { openBareInsert } from '../../exporters/sqlite/bare-insert.js';
import { historyChunks, type IdKind } from './workload.js';
import { Samples, round } from './stats.js';

/** The storage's batch writer on `dbPath`, and close. */
export function openStore(dbPath: string): { writeBatch(batch: WriteBatch): WriteResult; close(): void } {
  const storage = openSqliteStorage(dbPath, { now: () => new Date(), idleAfterMs: 30 * 60_000 });
  const writer = storage.ports.writer;
  // The connection's own writer commits synchronously (the server's threaded one is async).
  return { writeBatch: (batch) => writer.writeBatch(batch) as WriteResult, close: () => storage.close() };
}

export interface PreloadOptions {
  events: number;
  days: number;
  sessionsPerDay: number;
  ids: IdKind;
  seed: number;
  /** Keep a copy of the filled database here and reuse it next time (same parameters). */
  cacheDir: string | null;
  log(line: string): void;
}

export interface PreloadResult {
  events: number;
  seconds: number;
  fromCache: boolean;
  bytes: number;
}

/** Fills `dbPath` with `events` history events (or copies a cached file made with the same options). */
export function preload(dbPath: string, o: PreloadOptions): PreloadResult {
  const started = performance.now();
  const cached = o.cacheDir
    ? path.join(o.cacheDir, `preload-${o.events}-${o.days}d-${o.sessionsPerDay}spd-${o.ids}-s${o.seed}.db`)
    : null;
  if (cached && existsSync(cached)) {
    o.log(`preload: copying cached ${cached}`);
    copyFileSync(cached, dbPath);
    return { events: o.events, seconds: (performance.now() - started) / 1000, fromCache: true, bytes: statSync(dbPath).size };
  }
  const store = openStore(dbPath);
  let written = 0;
  let nextReport = 500_000;
  for (const chunk of historyChunks({ ...o, chunk: 5000 })) {
    store.writeBatch({ events: chunk });
    written += chunk.length;
    if (written >= nextReport) {
      const s = (performance.now() - started) / 1000;
      o.log(`preload: ${written.toLocaleString('en-US')} events, ${Math.round(written / s).toLocaleString('en-US')}/s`);
      nextReport += 500_000;
    }
  }
  store.close();
  const seconds = (performance.now() - started) / 1000;
  if (cached) {
    mkdirSync(o.cacheDir!, { recursive: true });
    copyFileSync(dbPath, cached + '.tmp');
    renameSync(cached + '.tmp', cached);
  }
  return { events: written, seconds, fromCache: false, bytes: statSync(dbPath).size };
}

export interface ReferenceResult {
  events: number;
  seconds: number;
  /** CPU time this process spent meanwhile: on a busy machine, rate per CPU-second is steadier. */
  cpu_s: number;
  events_per_s: number;
  batch_ms: { p50: number; p95: number; p99: number; max: number; mean: number };
  stored: number;
  duplicates: number;
}

/**
 * The raw store rate: the same events written straight through BatchWriter.writeBatch in batches of
 * `batchSize`, one transaction each, in this process. Warm-up events go first and are not timed.
 */
export function referenceRun(
  dbPath: string,
  warmup: CanonicalEvent[],
  events: CanonicalEvent[],
  batchSize: number,
  bare = false,
): ReferenceResult {
  // `bare`: the same rows into the events table only (exporters/sqlite/bare-insert.ts), the floor.
  const store = bare ? bareStore(dbPath) : openStore(dbPath);
  try {
    for (let i = 0; i < warmup.length; i += batchSize) store.writeBatch({ events: warmup.slice(i, i + batchSize) });
    const batches: CanonicalEvent[][] = [];
    for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
    const samples = new Samples();
    let stored = 0;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      const t0 = performance.now();
      stored += store.writeBatch({ events: batch }).inserted.length;
      samples.add(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      events: events.length,
      seconds: round(seconds, 3),
      cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
      events_per_s: Math.round(events.length / seconds),
      batch_ms: samples.summary(),
      stored,
      duplicates: events.length - stored,
    };
  } finally {
    store.close();
  }
}

function bareStore(dbPath: string): { writeBatch(batch: WriteBatch): { inserted: { length: number } }; close(): void } {
  const bare = openBareInsert(dbPath);
  return { writeBatch: (batch) => ({ inserted: { length: bare.writeBatch(batch.events) } }), close: () => bare.close() };
}
