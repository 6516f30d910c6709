/**
 * One logger for the whole service: readable lines on a terminal, JSON lines when asked (or when
 * stdout is not a terminal and the format is `auto`). Components get children named by their id.
 */
import { createRequire } from 'node:module';
import { pino, type Logger as Pino } from 'pino';
import type { Logger } from '../core/component.js';

export type LogFormat = 'auto' | 'pretty' | 'json';
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export function createRootLogger(level: LogLevel, format: LogFormat, stream: NodeJS.WritableStream = process.stdout): Pino {
  const pretty = format === 'pretty' || (format === 'auto' && (stream as NodeJS.WriteStream).isTTY === true);
  if (!pretty) return pino({ level }, stream);
  // Loaded only for a terminal: ~30 ms of start-up that a run writing JSON (an import from cron,
  // a server under a supervisor) does not need.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pino(
    { level },
    pinoPretty({
      destination: stream,
      sync: true,
      colorize: (stream as NodeJS.WriteStream).isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      singleLine: true,
    }),
  );
}

/** The Logger interface components speak (message first), on a pino child. */
export function componentLogger(root: Pino, bindings: Record<string, unknown>): Logger {
  const child = root.child(bindings);
  return {
    debug: (msg, fields) => child.debug(fields ?? {}, msg),
    info: (msg, fields) => child.info(fields ?? {}, msg),
    warn: (msg, fields) => child.warn(fields ?? {}, msg),
    error: (msg, fields) => child.error(fields ?? {}, msg),
  };
}

/**
 * Start-up and shutdown lines ("listening on …") are shown at any level but silent: they are what
 * a user (and a supervising script) reads to know the server is up.
 */
export function bannerLogger(root: Pino): (msg: string) => void {
  if (root.level === 'silent') return () => undefined;
  const banner = root.child({}, { level: 'info' });
  return (msg) => banner.info(msg);
}
