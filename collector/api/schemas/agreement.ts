/**
 * Compile-time guard: the storage rows the readers return (collector/core/storage.ts) and the
 * response schemas must name the same fields with the same types. fast-json-stringify would
 * silently drop a field the storage added and the schema lacks; here that fails the build.
 * Not imported by web/ (it pulls in the core's types).
 */
import type { SessionRow as CoreSession, SpanRecord as CoreSpan, StoredEvent as CoreEvent } from '../../core/storage.js';
import type { SessionRow, SpanRecord } from './sessions.js';
import type { StoredEvent } from './events.js';

/** True when A and B have the same keys and each is assignable to the other. */
type Same<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false
  : false;

function agree<T extends true>(): T | undefined {
  return undefined;
}

agree<Same<CoreEvent, StoredEvent>>();
agree<Same<CoreSession, SessionRow>>();
agree<Same<CoreSpan, SpanRecord>>();
