/** IPv4 addresses and CIDR blocks as unsigned 32-bit integers. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
}

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => IPV4_OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; host bits must be zero (a block is named by its network address). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const address = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  if ((address & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { network: address, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.network & maskOf(outer.prefix)) >>> 0 === outer.network;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

export const ANY_IPV4: Ipv4Cidr = { network: 0, prefix: 0 };

export function isAnyIpv4(cidr: Ipv4Cidr): boolean {
  return cidr.prefix === 0;
}

/** RFC 1918 private ranges: the only blocks a VPC may use. */
export const PRIVATE_RANGES: readonly Ipv4Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (text) => parseIpv4Cidr(text)!,
);

export function privateRangeOf(cidr: Ipv4Cidr): Ipv4Cidr | undefined {
  return PRIVATE_RANGES.find((range) => cidrContains(range, cidr));
}
