import type { FastifyBaseLogger } from 'fastify';

/** One kind of due work: handles what is due now and answers how many items it handled. */
export interface ReconcileTask {
  name: string;
  run(): Promise<number>;
}

/**
 * A level-triggered loop: every tick it asks each task for the work that is due (rows with a due
 * time, found through an index) and does it. Nothing is remembered in memory, so after a restart
 * the first tick picks up whatever fell due meanwhile. `poke` runs a tick now instead of waiting.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly tasks: ReconcileTask[],
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
  }

  /** No tick starts after this; answers once the one under way, if any, has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  /**
   * Runs a tick now; a poke during a tick, or a tick that handled something (more may be waiting:
   * tasks take bounded batches), schedules one more right after it.
   */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick()
      .then((handled) => {
        if (handled > 0) this.again = true;
        return handled;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          // The next turn, so that timers and requests waiting on the event loop get their turn.
          setImmediate(() => this.poke());
        }
      });
  }

  /** Runs ticks until nothing is due; answers how many items were handled. */
  async drain(): Promise<number> {
    await this.running;
    let total = 0;
    for (let handled = await this.tick(); handled > 0; handled = await this.tick()) total += handled;
    return total;
  }

  private async tick(): Promise<number> {
    let handled = 0;
    for (const task of this.tasks) {
      try {
        handled += await task.run();
      } catch (error) {
        // A failing task must not stop the loop: the row stays due and is tried again next tick.
        this.log.error({ err: error, task: task.name }, 'reconcile task failed');
      }
    }
    return handled;
  }
}
