/** Time is injected: the domain receives `now`, the server reads it from one Clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The `--test-clock` clock: real time plus an offset that users move through
 * `/api/v1/_test/clock`, so that time keeps flowing (asynchronous steps finish by themselves) and a
 * 7-day timeout can still be reached in one call.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(ms: number): void {
    this.offsetMs = ms - this.base.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
