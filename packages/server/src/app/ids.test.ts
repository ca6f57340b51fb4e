import { describe, expect, it } from 'vitest';
import { idPattern } from '../domain/ids.js';
import { IdGenerator, randomIpv6Cidr } from './ids.js';

describe('IdGenerator', () => {
  it('never repeats an id and keeps creation order within one millisecond', () => {
    const ids = new IdGenerator(() => 1_700_000_000_000);
    const issued = Array.from({ length: 5000 }, () => ids.next('vpc'));
    expect(new Set(issued).size).toBe(issued.length);
    expect([...issued].sort()).toEqual(issued);
    expect(issued.every((id) => idPattern('vpc').test(id))).toBe(true);
  });

  it('keeps order when the wall clock steps back', () => {
    let now = 2_000_000;
    const ids = new IdGenerator(() => now);
    const first = ids.next('rt');
    now -= 1000;
    expect(ids.next('rt') > first).toBe(true);
  });
});

describe('randomIpv6Cidr', () => {
  it('is a unique-local /56', () => {
    expect(randomIpv6Cidr()).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{4}:[0-9a-f]{4}:[0-9a-f]{2}00::\/56$/);
  });
});
