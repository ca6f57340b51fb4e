import { describe, expect, it } from 'vitest';
import { Semaphore, SemaphoreFull } from './semaphore.js';

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, queues a few more in order and refuses the rest at once', async () => {
    const semaphore = new Semaphore(2, 1);
    const releases: (() => void)[] = [];
    const order: number[] = [];
    const task = (n: number) => () =>
      new Promise<number>((resolve) => {
        order.push(n);
        releases.push(() => resolve(n));
      });
    const first = semaphore.run(task(1));
    const second = semaphore.run(task(2));
    const third = semaphore.run(task(3));
    await expect(semaphore.run(task(4))).rejects.toBeInstanceOf(SemaphoreFull);
    await Promise.resolve();
    expect(order).toEqual([1, 2]);
    expect([semaphore.running, semaphore.queued]).toEqual([2, 1]);
    releases[0]!();
    expect(await first).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([1, 2, 3]);
    releases[1]!();
    releases[2]!();
    expect([await second, await third]).toEqual([2, 3]);
    expect([semaphore.running, semaphore.queued, semaphore.peak]).toEqual([0, 0, 2]);
  });

  it('frees the slot of a task that fails', async () => {
    const semaphore = new Semaphore(1, 0);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(async () => 'next')).toBe('next');
  });
});
