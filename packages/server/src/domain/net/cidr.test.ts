import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  parseIpv4,
  parseIpv4Cidr,
  privateRangeOf,
} from './cidr.js';

const cidr = (text: string) => {
  const parsed = parseIpv4Cidr(text);
  if (!parsed) throw new Error(`bad test cidr ${text}`);
  return parsed;
};

describe('IPv4 CIDR', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIpv4('192.168.0.1')).toBe(0xc0a80001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', '']) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
  });

  it('refuses blocks with host bits set or a prefix beyond 32', () => {
    expect(parseIpv4Cidr('192.168.1.0/16')).toBeUndefined();
    expect(parseIpv4Cidr('10.0.0.0/33')).toBeUndefined();
    expect(parseIpv4Cidr('10.0.0.0')).toBeUndefined();
    expect(formatCidr(cidr('10.1.0.0/16'))).toBe('10.1.0.0/16');
    expect(cidrSize(cidr('10.1.0.0/24'))).toBe(256);
  });

  it('knows containment and overlap', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.20.0.0/16'))).toBe(true);
    expect(cidrContains(cidr('10.20.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.21.0.0/16'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('8.8.8.0/24'))).toBe(true);
  });

  it('recognises the RFC 1918 ranges only', () => {
    expect(privateRangeOf(cidr('172.31.0.0/16'))).toEqual(cidr('172.16.0.0/12'));
    expect(privateRangeOf(cidr('172.32.0.0/16'))).toBeUndefined();
    expect(privateRangeOf(cidr('8.8.0.0/16'))).toBeUndefined();
  });
});
