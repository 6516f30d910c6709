/**
 * SSE wire format. Each message is serialised once and shared by every client that gets it.
 * JSON.stringify never emits a raw newline, so one `data:` line always holds the whole payload.
 */
import type { AlertRecord, SessionRow, StoredEvent } from '../../collector/core/storage.js';

export type MessageType = 'hello' | 'event' | 'session_update' | 'stats' | 'reset' | 'alert';

/** An `event` message carries the event's seq as its SSE id: the cursor for Last-Event-ID resume. */
export function eventFrame(event: StoredEvent): string {
  return `id: ${event.seq}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Messages other than events carry no id, so the browser's Last-Event-ID stays an event seq. */
export function messageFrame(type: Exclude<MessageType, 'event'>, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sessionFrame(session: SessionRow): string {
  return messageFrame('session_update', session);
}

/** A budget alert just raised: sent to every client, whatever its filter (a banner in every dashboard). */
export function alertFrame(alert: AlertRecord): string {
  return messageFrame('alert', alert);
}

/** A comment line: keeps proxies and the browser from timing the connection out. */
export const HEARTBEAT = ': heartbeat\n\n';

/** How long the browser waits before it reconnects on its own. */
export const RETRY_FRAME = 'retry: 2000\n\n';

export interface StreamFilter {
  session_id?: string;
  agent_type?: string;
}

export function matchesEvent(filter: StreamFilter | null, event: StoredEvent): boolean {
  if (!filter) return true;
  if (filter.session_id !== undefined && event.session_id !== filter.session_id) return false;
  if (filter.agent_type !== undefined && event.agent_type !== filter.agent_type) return false;
  return true;
}

export function matchesSession(filter: StreamFilter | null, session: SessionRow): boolean {
  if (!filter) return true;
  if (filter.session_id !== undefined && session.session_id !== filter.session_id) return false;
  if (filter.agent_type !== undefined && session.agent_type !== filter.agent_type) return false;
  return true;
}
