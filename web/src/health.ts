/**
 * GET /api/health as the health strip reads it: each pipeline's queue depth and each component's
 * counts since start. The types come from the server's response schema (type-only import).
 */
import type { ComponentHealth } from './types.js';

export type { ComponentHealth, Health } from './types.js';

/** The strip's groups, in pipeline order; an unknown kind (a future one) goes last under its name. */
export const KIND_LABELS: Record<string, string> = { receiver: 'receivers', processor: 'processors', exporter: 'exporters', extension: 'extensions' };

export function byKind(components: ComponentHealth[]): Array<[kind: string, list: ComponentHealth[]]> {
  const groups = new Map<string, ComponentHealth[]>();
  for (const c of components) groups.set(c.kind, [...(groups.get(c.kind) ?? []), c]);
  const rank = (k: string) => (k in KIND_LABELS ? Object.keys(KIND_LABELS).indexOf(k) : 99);
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** One line for a tooltip: every count in words. */
export function describe(c: ComponentHealth): string {
  const base = `${c.kind} ${c.id}: ${c.accepted} accepted, ${c.duplicate} duplicate, ${c.refused} refused, ${c.failed} failed`;
  const s = c.state;
  if (!s) return base;
  // A forwarder: accepted = delivered, failed = dropped (queue over max_queue), refused = refused by the target.
  return `${base}; ${s.backlog ?? 0} waiting to be forwarded, ${s.retries ?? 0} retries${s.failing ? `, retrying in ${Math.ceil((s.retry_in_ms ?? 0) / 1000)} s` : ''}`;
}
