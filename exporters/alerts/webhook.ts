/**
 * The optional webhook: each alert raised is POSTed as JSON to the configured URL, one at a time in
 * the order raised. A network error, a timeout, a 5xx or a 429 is retried after a back-off that
 * doubles (a Retry-After the receiver sends is honoured, up to a minute), at most `max_attempts`
 * times; any other answer ends the delivery. Failures are logged with the URL's origin and path
 * only — never its query or the configured headers, which may hold secrets.
 */
import type { Logger } from '../../collector/core/component.js';
import type { AlertRecord } from '../../collector/core/storage.js';

export interface WebhookConfig {
  url: string | null;
  headers: Record<string, string>;
  max_attempts: number;
  backoff_ms: number;
  timeout_ms: number;
}

/** Alerts waiting beyond this are dropped (oldest first), with a warning: memory stays bounded. */
const MAX_QUEUE = 100;
const MAX_RETRY_AFTER_MS = 60_000;

export function webhookPayload(alert: AlertRecord) {
  return {
    type: 'budget_alert',
    alert_id: alert.id,
    budget: { id: alert.budget_id, name: alert.budget_name, period: alert.period, unit: alert.unit, project: alert.project, agent: alert.agent },
    threshold: alert.threshold,
    spent: alert.spent,
    limit: alert.limit,
    percent: Math.round((alert.spent / alert.limit) * 10_000) / 100,
    unit: alert.unit,
    period: { kind: alert.period, start: alert.period_start, end: alert.period_end },
    raised_at: alert.raised_at,
  };
}

/** Where a delivery went, safe to log: origin and path, no query, no credentials. */
export function safeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export class WebhookSender {
  private queue: AlertRecord[] = [];
  private busy = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private abort: AbortController | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
    /** An alert that could not be delivered (given up, refused, or dropped from a full queue). */
    private readonly onFailure: () => void = () => {},
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.url);
  }

  send(alert: AlertRecord): void {
    if (!this.enabled || this.stopped) return;
    this.queue.push(alert);
    if (this.queue.length > MAX_QUEUE) {
      const dropped = this.queue.shift()!;
      this.logger.warn('webhook queue full: an alert was not delivered', { alert_id: dropped.id, target: safeTarget(this.config.url!) });
      this.onFailure();
    }
    if (!this.busy) void this.drain();
  }

  /** Resolves once nothing is queued or being delivered (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    this.abort?.abort();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (!this.stopped && this.queue.length > 0) await this.deliver(this.queue.shift()!);
    this.busy = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async deliver(alert: AlertRecord): Promise<void> {
    const url = this.config.url!;
    const body = JSON.stringify(webhookPayload(alert));
    let wait = this.config.backoff_ms;
    for (let attempt = 1; attempt <= this.config.max_attempts && !this.stopped; attempt++) {
      let retryAfterMs: number | null = null;
      let outcome: string;
      try {
        this.abort = new AbortController();
        const timer = setTimeout(() => this.abort?.abort(), this.config.timeout_ms);
        const res = await fetch(url, {
          method: 'POST',
          headers: { ...this.config.headers, 'content-type': 'application/json' },
          body,
          signal: this.abort.signal,
          redirect: 'manual',
        }).finally(() => clearTimeout(timer));
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.logger.info('budget alert delivered to the webhook', { alert_id: alert.id, attempt });
          return;
        }
        outcome = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) {
          this.logger.warn('webhook refused the alert; not retried', { alert_id: alert.id, status: res.status, target: safeTarget(url) });
          this.onFailure();
          return;
        }
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra >= 0) retryAfterMs = Math.min(ra * 1000, MAX_RETRY_AFTER_MS);
      } catch (error) {
        if (this.stopped) return;
        outcome = error instanceof Error && error.name === 'AbortError' ? 'timed out' : 'network error';
      }
      if (attempt === this.config.max_attempts) {
        this.logger.warn('webhook delivery failed; giving up', { alert_id: alert.id, attempts: attempt, last: outcome, target: safeTarget(url) });
        this.onFailure();
        return;
      }
      this.logger.debug('webhook delivery failed; retrying', { alert_id: alert.id, attempt, last: outcome });
      await this.sleep(retryAfterMs ?? wait);
      wait *= 2;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    });
  }
}
