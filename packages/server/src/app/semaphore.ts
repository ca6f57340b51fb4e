/** Too much work is waiting already: the caller should come back later. */
export class SemaphoreFull extends Error {
  override name = 'SemaphoreFull';
  constructor(readonly retryAfterSeconds: number) {
    super('the server is busy checking other passwords; retry in a moment');
  }
}

/**
 * At most `limit` tasks run at once; up to `queueLimit` more wait in order; past that `run`
 * refuses at once (SemaphoreFull) rather than letting waiting work and its memory grow unbounded.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most tasks ever seen running at once (observability and tests). */
  peak = 0;
  /** Tasks started so far. */
  started = 0;

  constructor(
    readonly limit: number,
    readonly queueLimit: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.queueLimit) throw new SemaphoreFull(1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    this.peak = Math.max(this.peak, this.active);
    this.started++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never dips below the load.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
