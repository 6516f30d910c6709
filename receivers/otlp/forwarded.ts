/**
 * Central mode: a log record forwarded by another AgentStats (exporters/otlp) carries the whole
 * canonical event as `agentstats.*` attributes. It is rebuilt exactly — same event id (so a
 * sender's retry or a restart mid-batch stores it once), same correlation key (so one request
 * seen on two machines counts once), same tokens and the sender's cost (never re-priced: the
 * cost processor keeps the cost of a forwarded event, priced or not), same times — and marked with
 * the machine it came from (`agentstats.machine` on the resource).
 */
import { eventFieldsOf, validateEvent, type CanonicalEvent, type ValidationContext } from '../../collector/core/event.js';
import { redactContent } from '../../collector/core/privacy.js';
import { num, str, type Attrs } from './values.js';

const PREFIX = 'agentstats.';

// What the forwarder sends (exporters/otlp/log-records.ts), read back by kind. created_at and
// payload_truncated are set after validation below (validation takes neither from its input).
const STRING_FIELDS = eventFieldsOf('string');
const NUMBER_FIELDS = eventFieldsOf('number');

/** Whether a record is one another AgentStats forwarded (it names its canonical event id). */
export function isForwarded(attrs: Attrs): boolean {
  return typeof attrs[`${PREFIX}event_id`] === 'string';
}

/** The machine that sent a forwarded record: the resource's `agentstats.machine`, else its host. */
export function machineOf(resource: Attrs): string | null {
  return str(resource[`${PREFIX}machine`]) ?? str(resource['host.name']);
}

export function forwardedEvent(
  attrs: Attrs,
  resource: Attrs,
  ctx: { validation: ValidationContext; storePrompts: boolean },
): { event: CanonicalEvent } | { reject: string } {
  const raw: Record<string, unknown> = {};
  for (const f of STRING_FIELDS) raw[f] = str(attrs[PREFIX + f]);
  for (const f of NUMBER_FIELDS) raw[f] = num(attrs[PREFIX + f]);
  let metadata: Record<string, unknown> = {};
  const text = attrs[`${PREFIX}metadata`];
  if (typeof text === 'string') {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
      else return { reject: 'agentstats.metadata is not a JSON object' };
    } catch {
      return { reject: 'agentstats.metadata is not JSON' };
    }
  }
  // The machine the event happened on (a relay keeps the origin), else the sender's.
  raw.machine = str(attrs[`${PREFIX}machine`]) ?? machineOf(resource);
  // This instance's privacy rule applies too: content the sender let go is kept only if stored here.
  // `forwarded` tells the cost processor to keep the sender's cost as it is.
  raw.metadata = { ...redactContent(metadata, ctx.storePrompts), forwarded: true };
  const validated = validateEvent(raw, ctx.validation);
  if (!validated.ok) return { reject: validated.errors.map((e) => `${e.field} ${e.message}`).join('; ') };
  const event = validated.event;
  // The sender's receipt time, so the event reads the same on both sides.
  const createdAt = str(attrs[`${PREFIX}created_at`]);
  if (createdAt && !Number.isNaN(Date.parse(createdAt))) event.created_at = new Date(createdAt).toISOString();
  event.payload_truncated = num(attrs[`${PREFIX}payload_truncated`]) === 1 ? 1 : 0;
  return { event };
}
