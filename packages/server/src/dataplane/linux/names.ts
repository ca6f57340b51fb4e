import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';

export const PREFIX_RE = /^[a-z0-9]{2,12}$/;
/** Ids become namespace and file names and batch-command words: nothing that could split them. */
export const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Interface names are ≤ 15 characters: a kind letter and 8 hex of sha1(id). */
export function ifname(kind: 'b' | 'e' | 'p', id: string): string {
  return `${kind}-${createHash('sha1').update(id).digest('hex').slice(0, 8)}`;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  /** Network address (host bits cleared). */
  net: string;
  len: number;
  /** The canonical form, net/len. */
  text: string;
}

/** Parses a.b.c.d/len (or 'default'); null when it is not an IPv4 CIDR. Host bits are cleared. */
export function parseCidr(text: string): Cidr | null {
  if (text === 'default') return { net: '0.0.0.0', len: 0, text: '0.0.0.0/0' };
  const [ip, lenText, extra] = text.split('/');
  if (extra !== undefined || !ip || !isIPv4(ip)) return null;
  const len = lenText === undefined ? 32 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > 32 || (lenText !== undefined && !/^\d+$/.test(lenText)))
    return null;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = intToIp((ipToInt(ip) & mask) >>> 0);
  return { net, len, text: `${net}/${len}` };
}

/** Parses an address with prefix length, e.g. 10.1.0.5/24, keeping the host part. */
export function parseAddress(text: string): { ip: string; len: number } | null {
  const [ip, lenText, extra] = text.split('/');
  if (extra !== undefined || !ip || !isIPv4(ip) || !lenText || !/^\d+$/.test(lenText)) return null;
  const len = Number(lenText);
  return len >= 1 && len <= 32 ? { ip, len } : null;
}

/** A route's destination as `ip -json route` prints it, in canonical net/len form. */
export function canonicalDst(dst: string | undefined): string {
  if (!dst) return '';
  return parseCidr(dst)?.text ?? dst;
}

/** Whether two IPv4 CIDRs share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const len = Math.min(x.len, y.len);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (ipToInt(x.net) & mask) >>> 0 === (ipToInt(y.net) & mask) >>> 0;
}
