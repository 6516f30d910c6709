/**
 * Runs retention in the background: a pass every interval, each pass step after step (one small
 * transaction each, on the writer thread when there is one) until nothing is left to prune,
 * yielding to the event loop between steps so HTTP answers and batches go on. Logs what a pass
 * pruned; warns once when the size bound cannot be met by pruning raw rows.
 */
import type { Logger } from '../../collector/core/component.js';
import type { PruneRequest, PruneStep, RawTable } from './retention.js';

export interface RetentionSettings {
  /** Days of raw rows kept (decimals allowed); 0 = forever. */
  retention_days: number;
  /** Pages in use, in MiB, above which the oldest raw rows are pruned; 0 = no bound. */
  max_db_mb: number;
  /** Most rows one prune transaction deletes. */
  prune_batch_rows: number;
}

export type PassSummary = Record<RawTable, number> & { transactions: number; usedBytes: number; overBound: boolean };

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

export function retentionEnabled(s: RetentionSettings): boolean {
  return s.retention_days > 0 || s.max_db_mb > 0;
}

export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassSummary> | null = null;
  private stopped = false;
  private warnedOverBound = false;
  /** The last failure logged, so a lasting one (disk full, read-only) is logged once, not every pass. */
  private lastFailure: string | null = null;

  constructor(
    private readonly o: {
      settings: RetentionSettings;
      step(req: PruneRequest): PruneStep | Promise<PruneStep>;
      now(): number;
      logger: Logger;
    },
  ) {}

  /** A pass every `intervalMs` (none while one is running); nothing when retention is off. */
  start(intervalMs: number): void {
    if (!retentionEnabled(this.o.settings)) return;
    this.timer = setInterval(() => void this.pass(), intervalMs);
    this.timer.unref();
  }

  /** Stops after the step in flight; the caller closes the connection after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now, or returns the one already running. */
  pass(): Promise<PassSummary> {
    this.running ??= this.runPass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private request(): PruneRequest {
    const { retention_days, max_db_mb, prune_batch_rows } = this.o.settings;
    return {
      // One cutoff for the whole pass: what arrives meanwhile waits for the next one.
      olderThanMs: retention_days > 0 ? this.o.now() - retention_days * DAY_MS : null,
      maxBytes: max_db_mb > 0 ? Math.floor(max_db_mb * MIB) : null,
      rows: prune_batch_rows,
    };
  }

  private async runPass(): Promise<PassSummary> {
    const req = this.request();
    const summary: PassSummary = { events: 0, spans: 0, metric_points: 0, transactions: 0, usedBytes: 0, overBound: false };
    try {
      while (!this.stopped) {
        const step = await this.o.step(req);
        summary.usedBytes = step.usedBytes;
        summary.overBound = step.overBound;
        if (step.table === null || step.deleted === 0) break;
        summary[step.table] += step.deleted;
        summary.transactions++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.lastFailure = null;
    } catch (error) {
      // Disk full, read-only, locked past busy_timeout: the next pass tries again.
      const message = (error as Error).message;
      if (message !== this.lastFailure) this.o.logger.warn(`retention: pruning paused until the next pass: ${message}`);
      this.lastFailure = message;
    }
    this.report(summary, req);
    return summary;
  }

  private report(s: PassSummary, req: PruneRequest): void {
    const inUse = `${(s.usedBytes / MIB).toFixed(1)} MiB in use`;
    if (s.transactions > 0) {
      const why = [
        req.olderThanMs !== null ? `older than ${new Date(req.olderThanMs).toISOString()}` : null,
        req.maxBytes !== null ? `oldest first above ${this.o.settings.max_db_mb} MiB` : null,
      ].filter(Boolean);
      this.o.logger.info(
        `retention: pruned ${s.events} events, ${s.spans} spans, ${s.metric_points} metric points ` +
          `in ${s.transactions} transactions (${why.join('; ')}); ${inUse}`,
        { ...s },
      );
    }
    if (s.overBound && !this.warnedOverBound) {
      this.o.logger.warn(
        `retention: the database is over max_db_mb (${this.o.settings.max_db_mb} MiB; ${inUse}) with no raw ` +
          'events, spans or metric points left to prune: sessions and rollups alone take more. Raise max_db_mb.',
      );
    }
    this.warnedOverBound = s.overBound;
  }
}
