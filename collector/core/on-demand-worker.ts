/**
 * One worker thread started on its first task and stopped after a minute without one: for a
 * receiver's decoding of large bodies off the main thread (OTLP, native batches). Back-pressure
 * (admission control, the pipeline's queue) already bounds how many tasks wait for it.
 */
import { Piscina } from 'piscina';

export class OnDemandWorker<Task, Answer> {
  private pool: Piscina | null = null;

  /** @param module the worker module's URL; its default export answers each task. */
  constructor(
    private readonly module: URL,
    private readonly workerData?: unknown,
  ) {}

  async run(task: Task): Promise<Answer> {
    this.pool ??= new Piscina({ filename: this.module.href, minThreads: 0, maxThreads: 1, idleTimeout: 60_000, workerData: this.workerData });
    return (await this.pool.run(task)) as Answer;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}
