import { describe, expect, it } from 'vitest';
import { canonicalDst, cidrsOverlap, ifname, parseAddress, parseCidr } from './names.js';

describe('dataplane names and CIDRs', () => {
  it('makes interface names of at most 15 characters, stable per id', () => {
    expect(ifname('p', 'peer-123')).toMatch(/^p-[0-9a-f]{8}$/);
    expect(ifname('b', 'x')).toBe(ifname('b', 'x'));
    expect(ifname('e', 'x'.repeat(100)).length).toBeLessThanOrEqual(15);
  });

  it('parses CIDRs, clearing host bits, and refuses what is not one', () => {
    expect(parseCidr('10.1.2.3/16')?.text).toBe('10.1.0.0/16');
    expect(parseCidr('default')?.text).toBe('0.0.0.0/0');
    expect(parseCidr('10.1.0.5')?.text).toBe('10.1.0.5/32');
    for (const bad of ['10.1.0.0/33', '10.1.0/24', '10.1.0.0/24 dev x', '10.1.0.0/1a', '']) {
      expect(parseCidr(bad)).toBeNull();
    }
    expect(parseAddress('10.1.0.5/24')).toEqual({ ip: '10.1.0.5', len: 24 });
    expect(parseAddress('10.1.0.5')).toBeNull();
    expect(canonicalDst('10.2.0.5')).toBe('10.2.0.5/32');
  });

  it('tells overlapping CIDRs', () => {
    expect(cidrsOverlap('10.1.0.0/16', '10.1.1.0/24')).toBe(true);
    expect(cidrsOverlap('10.1.1.0/24', '10.1.0.0/16')).toBe(true);
    expect(cidrsOverlap('10.1.0.0/24', '10.1.1.0/24')).toBe(false);
    expect(cidrsOverlap('0.0.0.0/0', '192.168.0.0/16')).toBe(true);
  });
});
