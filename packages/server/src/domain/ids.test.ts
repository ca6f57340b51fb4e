import { describe, expect, it } from 'vitest';
import { ENTROPY_SPACE, formatId, ID_BODY_LENGTH, idPattern } from './ids.js';

/** 2025-01-01T00:00:00Z */
const NOW = Date.UTC(2025, 0, 1);

describe('resource ids', () => {
  it('are the prefix, a dash and 12 lowercase base-36 characters', () => {
    expect(ID_BODY_LENGTH).toBe(12);
    const id = formatId('vpc', NOW, 12345);
    expect(id).toMatch(/^vpc-[0-9a-z]{12}$/);
    expect(id.startsWith('vpc-')).toBe(true);
    expect(id.slice('vpc-'.length)).toHaveLength(12);
  });

  it('encode the time in the first 8 characters and the entropy in the last 4', () => {
    expect(ENTROPY_SPACE).toBe(36 ** 4);
    const body = formatId('rr', NOW, 35).slice('rr-'.length);
    expect(Number.parseInt(body.slice(0, 8), 36)).toBe(NOW);
    expect(body.slice(8)).toBe('000z');
  });

  it('are deterministic for the same inputs', () => {
    expect(formatId('sbn', NOW, 42)).toBe(formatId('sbn', NOW, 42));
    expect(formatId('sbn', NOW, 42)).not.toBe(formatId('sbn', NOW, 43));
  });

  it('pad small times and entropies with zeros to keep a fixed width', () => {
    expect(formatId('vpc', 0, 0)).toBe('vpc-000000000000');
    expect(formatId('vpc', 1, 1)).toBe('vpc-000000010001');
  });

  it('clamp a negative time to zero and drop fractions of a millisecond', () => {
    expect(formatId('vpc', -5, 0)).toBe('vpc-000000000000');
    expect(formatId('vpc', 1.9, 0)).toBe(formatId('vpc', 1, 0));
  });

  it('wrap entropy into its 4 characters', () => {
    expect(formatId('vpc', NOW, ENTROPY_SPACE)).toBe(formatId('vpc', NOW, 0));
    expect(formatId('vpc', NOW, ENTROPY_SPACE - 1).endsWith('zzzz')).toBe(true);
  });

  it('sort in creation-time order whatever the entropy', () => {
    const times = [0, 1, 35, 36, 1_000, 1_000_000_000, NOW - 1, NOW, NOW + 1, Date.UTC(2059, 0, 1)];
    const ids = times.map((t, i) => formatId('vpc', t, (times.length - i) * 99_991));
    expect([...ids].sort()).toEqual(ids);
    // A later millisecond with the least entropy still sorts after an earlier one with the most.
    expect(formatId('vpc', NOW, ENTROPY_SPACE - 1) < formatId('vpc', NOW + 1, 0)).toBe(true);
  });

  it('sort by entropy within the same millisecond', () => {
    expect(formatId('vpc', NOW, 1) < formatId('vpc', NOW, 2)).toBe(true);
  });

  it('match the id pattern of their own prefix only', () => {
    const pattern = idPattern('vpc');
    for (const t of [0, NOW, Date.UTC(2059, 0, 1)]) {
      expect(formatId('vpc', t, 777), String(t)).toMatch(pattern);
    }
    expect(pattern.test(formatId('rt', NOW, 1))).toBe(false);
    expect(pattern.test(formatId('vpcx', NOW, 1))).toBe(false);
  });

  it('have a pattern that is anchored and exact about length and alphabet', () => {
    const pattern = idPattern('rt');
    expect(pattern.test('rt-0123456789ab')).toBe(true);
    expect(pattern.test('rt-0123456789a')).toBe(false);
    expect(pattern.test('rt-0123456789abc')).toBe(false);
    expect(pattern.test('rt-0123456789AB')).toBe(false);
    expect(pattern.test('rt-0123456789a_')).toBe(false);
    expect(pattern.test('xrt-0123456789ab')).toBe(false);
    expect(pattern.test('rt-0123456789ab ')).toBe(false);
    expect(pattern.test('rt0123456789ab')).toBe(false);
  });
});
