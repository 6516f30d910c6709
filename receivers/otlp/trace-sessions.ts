/**
 * Remembers which session a trace belongs to, learnt from log records and spans that carry both a
 * trace id and a session id, so spans without a session attribute (Codex) are still linked.
 * Bounded: the oldest entries go first.
 */
export class TraceSessions {
  private readonly map = new Map<string, string>();

  constructor(private readonly capacity = 20000) {}

  remember(traceId: string | null, sessionId: string | null): void {
    if (!traceId || !sessionId) return;
    if (this.map.has(traceId)) this.map.delete(traceId);
    this.map.set(traceId, sessionId);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get(traceId: string): string | null {
    return this.map.get(traceId) ?? null;
  }
}
