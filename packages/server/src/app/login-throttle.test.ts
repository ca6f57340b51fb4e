import { describe, expect, it } from 'vitest';
import { type Admission, LoginThrottle, THROTTLE_RULES } from './login-throttle.js';

class Clock {
  ms = 1_000_000;
  now(): number {
    return this.ms;
  }
}

const isAdmission = (answer: Admission | { waitMs: number }): answer is Admission => 'keys' in answer;

describe('login throttle', () => {
  it('keeps a throttled key through a flood of fresh keys that fills the table', () => {
    const clock = new Clock();
    const throttle = new LoginThrottle(clock, THROTTLE_RULES, 100);
    for (let i = 0; i <= THROTTLE_RULES.user.freeFailures; i++) throttle.admit({ user: 'admin' });
    expect(isAdmission(throttle.admit({ user: 'admin' }))).toBe(false);
    // Far more fresh keys than the table holds, none of them waiting.
    for (let i = 0; i < 1000; i++)
      throttle.admit({ user: `junk-${i}`, address: `10.0.${i >> 8}.${i & 255}` });
    expect(throttle.size).toBeLessThanOrEqual(100);
    expect(isAdmission(throttle.admit({ user: 'admin' }))).toBe(false);
  });

  it('counts nothing for an attempt that was never checked', () => {
    const throttle = new LoginThrottle(new Clock());
    for (let i = 0; i < 50; i++) {
      const admitted = throttle.admit({ user: 'admin', address: '127.0.0.9', pair: '127.0.0.9 admin' });
      if (!isAdmission(admitted)) throw new Error(`attempt ${i} was throttled`);
      throttle.abandoned(admitted);
    }
    expect(throttle.size).toBe(0);
  });
});
