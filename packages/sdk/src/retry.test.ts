import { describe, expect, it } from 'vitest';
import { backoffMs, RETRYABLE_CODES, RETRYABLE_STATUSES, resolveRetry } from './retry.js';

const options = (change: Partial<ReturnType<typeof resolveRetry>> = {}) => ({
  ...resolveRetry({}),
  ...change,
});

describe('resolveRetry', () => {
  it("defaults to the Baidu SDKs' policy", () => {
    expect(resolveRetry(undefined)).toEqual({
      maxRetries: 3,
      baseDelayMs: 300,
      maxDelayMs: 20_000,
      totalTimeoutMs: 60_000,
    });
  });

  it('keeps what is given, 0 included', () => {
    expect(resolveRetry({ maxRetries: 0, baseDelayMs: 0, maxDelayMs: 5, totalTimeoutMs: 1 })).toEqual({
      maxRetries: 0,
      baseDelayMs: 0,
      maxDelayMs: 5,
      totalTimeoutMs: 1,
    });
    expect(resolveRetry({ maxRetries: 7 })).toMatchObject({ maxRetries: 7, baseDelayMs: 300 });
  });

  it('retries 500, 502, 503 and RequestExpired only', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([500, 502, 503]);
    expect([...RETRYABLE_CODES]).toEqual(['RequestExpired']);
  });
});

describe('backoffMs', () => {
  it('lies between half the exponential bound and the bound', () => {
    const policy = options({ baseDelayMs: 100, maxDelayMs: 1_000_000 });
    for (let retry = 1; retry <= 10; retry++) {
      const bound = 100 * 2 ** (retry - 1);
      expect(backoffMs(retry, policy, () => 0)).toBe(bound / 2);
      expect(backoffMs(retry, policy, () => 0.5)).toBe(Math.round(bound * 0.75));
      expect(backoffMs(retry, policy, () => 0.999999)).toBe(bound);
    }
  });

  it('doubles the bound with each retry: 300, 600, 1200 ms by default', () => {
    const policy = resolveRetry(undefined);
    expect([1, 2, 3].map((retry) => backoffMs(retry, policy, () => 0))).toEqual([150, 300, 600]);
    expect([1, 2, 3].map((retry) => backoffMs(retry, policy, () => 0.999999))).toEqual([300, 600, 1200]);
  });

  it('is capped by maxDelayMs', () => {
    const policy = options({ baseDelayMs: 300, maxDelayMs: 1_000 });
    for (const retry of [3, 4, 10, 50]) {
      expect(backoffMs(retry, policy, () => 0)).toBe(500);
      expect(backoffMs(retry, policy, () => 0.999999)).toBe(1_000);
    }
    // Below the cap the exponential bound still rules.
    expect(backoffMs(2, policy, () => 0.999999)).toBe(600);
    // Even a huge retry number stays finite and capped with the defaults.
    expect(backoffMs(1_000, resolveRetry(undefined), () => 0.999999)).toBe(20_000);
  });

  it('answers whole milliseconds within the bounds for any random value', () => {
    const policy = options({ baseDelayMs: 3, maxDelayMs: 50 });
    for (let retry = 1; retry <= 8; retry++) {
      const bound = Math.min(50, 3 * 2 ** (retry - 1));
      for (const random of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999]) {
        const wait = backoffMs(retry, policy, () => random);
        expect(Number.isInteger(wait)).toBe(true);
        expect(wait).toBeGreaterThanOrEqual(Math.floor(bound / 2));
        expect(wait).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('uses Math.random by default, within the bounds', () => {
    const policy = options({ baseDelayMs: 200, maxDelayMs: 20_000 });
    const waits = Array.from({ length: 200 }, () => backoffMs(3, policy));
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(400);
      expect(wait).toBeLessThanOrEqual(800);
    }
    // Jittered: not all the same.
    expect(new Set(waits).size).toBeGreaterThan(1);
  });

  it('is 0 with a base delay of 0', () => {
    expect(backoffMs(5, options({ baseDelayMs: 0 }), () => 0.5)).toBe(0);
  });
});
