/**
 * Central mode for spans and metric points: a span or point forwarded by another AgentStats
 * (exporters/otlp) carries `agentstats.machine` and the facts the sender derived — the session,
 * the agent, a span's duration and extra (span events, links, origin), a point's series key and
 * original kind. They are restored here so the point lands in the sender's series (the store keeps
 * one row per series and time window: a re-sent point is stored once; a span is keyed by its
 * trace and span id) and both sides read the same; the `agentstats.*` keys are then removed.
 */
import type { MetricPointRecord, SpanRecord } from '../../collector/core/storage.js';
import { num, str, type Attrs } from './values.js';

const PREFIX = 'agentstats.';
const KINDS = new Set<MetricPointRecord['kind']>(['sum', 'gauge', 'histogram', 'exp_histogram', 'summary']);

/** Whether a span's or point's attributes come from another AgentStats. */
function isForwarded(attrs: Attrs): boolean {
  return typeof attrs[`${PREFIX}machine`] === 'string';
}

function withoutOurs(attrs: Attrs): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(attrs)) if (!key.startsWith(PREFIX)) out[key] = value;
  return out;
}

export function restoreForwardedSpan(span: SpanRecord): SpanRecord {
  const attrs = span.attributes as Attrs;
  if (!isForwarded(attrs)) return span;
  let extra = span.extra;
  const text = attrs[`${PREFIX}extra`];
  if (typeof text === 'string') {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) extra = parsed as Record<string, unknown>;
    } catch {
      // Not ours after all: the span's own extra stays.
    }
  }
  return {
    ...span,
    session_id: str(attrs[`${PREFIX}session_id`]) ?? span.session_id,
    agent_type: str(attrs[`${PREFIX}agent_type`]),
    duration_ms: num(attrs[`${PREFIX}duration_ms`]) ?? span.duration_ms,
    attributes: withoutOurs(attrs),
    extra,
  };
}

export function restoreForwardedPoint(point: MetricPointRecord): MetricPointRecord {
  const attrs = point.attributes as Attrs;
  if (!isForwarded(attrs)) return point;
  const kind = str(attrs[`${PREFIX}kind`]) as MetricPointRecord['kind'] | null;
  return {
    ...point,
    series_key: str(attrs[`${PREFIX}series_key`]) ?? point.series_key,
    agent_type: str(attrs[`${PREFIX}agent_type`]),
    session_id: str(attrs[`${PREFIX}session_id`]),
    kind: kind && KINDS.has(kind) ? kind : point.kind,
    attributes: withoutOurs(attrs),
  };
}
