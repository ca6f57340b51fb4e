import type { DnsStatus, PeerConn, PeerConnRole, PeerConnStatus } from '@peerlink/sdk';
import type { MessageKey } from '../../i18n';

/**
 * What the VPC peering screens know of the rules (docs/peer-connections.md), to explain them next
 * to the fields and to offer only the actions that can succeed. The server decides: its refusals
 * are shown with their BCE code whatever the screen thought.
 */

export const REGIONS = ['bj', 'gz', 'su', 'fsh', 'hkg', 'bd', 'hb-fsg', 'fwh', 'sin', 'bjfsg', 'cd'] as const;
export const OVERSEAS_REGIONS: readonly string[] = ['hkg', 'sin'];
export const BANDWIDTH_MIN = 1;
export const BANDWIDTH_MAX = 10_000;
/** Prepaid reservation lengths, in months. */
export const RESERVATION_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36] as const;

export const PEER_CONN_STATUSES: readonly PeerConnStatus[] = [
  'creating',
  'consulting',
  'consult_failed',
  'active',
  'down',
  'starting',
  'stopping',
  'deleting',
  'deleted',
  'expired',
  'error',
  'updating',
];

/** A step the server is running: it ends by itself within a second or so. */
export const IN_FLIGHT: readonly PeerConnStatus[] = [
  'creating',
  'starting',
  'updating',
  'stopping',
  'deleting',
];
const DNS_IN_FLIGHT: readonly DnsStatus[] = ['syncing', 'closing', 'wait'];

export function inFlight(conn: Pick<PeerConn, 'status' | 'dnsStatus'>): boolean {
  return IN_FLIGHT.includes(conn.status) || DNS_IN_FLIGHT.includes(conn.dnsStatus);
}

export function statusKey(status: string): MessageKey {
  return (PEER_CONN_STATUSES as readonly string[]).includes(status)
    ? (`page.vpc.status.${status}` as MessageKey)
    : 'page.vpc.status.unknown';
}

export function dnsKey(status: string): MessageKey {
  return ['close', 'wait', 'syncing', 'open', 'closing'].includes(status)
    ? (`page.vpc.dns.${status}` as MessageKey)
    : 'page.vpc.status.unknown';
}

export function roleKey(role: PeerConnRole): MessageKey {
  return role === 'initiator' ? 'page.vpc.role.initiator' : 'page.vpc.role.acceptor';
}

/** A tone for the status badge. */
export function statusTone(status: string): 'ok' | 'busy' | 'wait' | 'bad' | 'off' {
  if (status === 'active') return 'ok';
  if ((IN_FLIGHT as readonly string[]).includes(status)) return 'busy';
  if (status === 'consulting') return 'wait';
  if (['consult_failed', 'expired', 'error', 'down'].includes(status)) return 'bad';
  return 'off';
}

/**
 * Who may do what on the end being shown (docs/peer-connections.md, R8–R14). `account` is the
 * caller's account: a connection is cross-account when the other end belongs to someone else.
 */
export function permissions(conn: PeerConn, account: string) {
  const crossAccount = conn.peerAccountId !== account;
  const manager = !crossAccount || conn.role === 'initiator';
  const prepaid = conn.paymentTiming === 'Prepaid';
  const busy = IN_FLIGHT.includes(conn.status);
  const gone = conn.status === 'deleting' || conn.status === 'deleted';
  return {
    crossAccount,
    /** Initiator-only operations across accounts: resize, renew, delete protection, release. */
    manager,
    answer: crossAccount && conn.role === 'acceptor' && conn.status === 'consulting',
    resize: manager && conn.status === 'active',
    renew: manager && prepaid && (conn.status === 'active' || conn.status === 'expired'),
    dns: conn.status === 'active' && (conn.dnsStatus === 'close' || conn.dnsStatus === 'open'),
    protect: manager && !busy && conn.status !== 'deleted',
    release: manager && !busy && !gone && !conn.deleteProtect,
  };
}

export function isCrossBorder(a: string, b: string): boolean {
  return OVERSEAS_REGIONS.includes(a) !== OVERSEAS_REGIONS.includes(b);
}

// IPv4 CIDR blocks, to warn about overlaps before the server refuses them.

export interface Block {
  base: number;
  bits: number;
}

export function parseCidr(text: string): Block | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((sum, o) => sum * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { base: address - (address % size), bits };
}

function range(block: Block): [number, number] {
  return [block.base, block.base + 2 ** (32 - block.bits) - 1];
}

export function overlaps(a: Block, b: Block): boolean {
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

export function contains(outer: Block, inner: Block): boolean {
  const [o0, o1] = range(outer);
  const [i0, i1] = range(inner);
  return o0 <= i0 && i1 <= o1;
}

/** The first pair of overlapping blocks of two VPCs (primary and secondary), as text. */
export function firstOverlap(a: readonly string[], b: readonly string[]): [string, string] | undefined {
  for (const x of a) {
    const bx = parseCidr(x);
    if (!bx) continue;
    for (const y of b) {
      const by = parseCidr(y);
      if (by && overlaps(bx, by)) return [x, y];
    }
  }
  return undefined;
}

const PRIVATE_RANGES = [parseCidr('10.0.0.0/8')!, parseCidr('172.16.0.0/12')!, parseCidr('192.168.0.0/16')!];

/** Why a VPC CIDR would be refused (the server's rules), or undefined when it looks right. */
export function vpcCidrProblem(text: string): 'format' | 'private' | 'mask' | 'hostBits' | undefined {
  const trimmed = text.trim();
  const block = parseCidr(trimmed);
  if (!block) return 'format';
  const within = PRIVATE_RANGES.find((range) => contains(range, { base: block.base, bits: 32 }));
  if (!within) return 'private';
  if (block.bits < within.bits || block.bits > 28) return 'mask';
  const [address] = trimmed.split('/');
  const exact = address!.split('.').reduce((sum, o) => sum * 256 + Number(o), 0);
  if (exact !== block.base) return 'hostBits';
  return undefined;
}

/** The BCE VPC name rule: a letter (Chinese too) first, then letters, digits, `-_/.`; 1–65; not "default". */
export function vpcNameProblem(text: string): boolean {
  return text === 'default' || !/^[\p{L}][\p{L}\p{N}\-_/.]{0,64}$/u.test(text);
}

/** Every item of an SDK paginator (`paginateVpcs()`, `paginatePeerConns()`, …), all pages. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * How often a screen that watches re-reads when nothing is in flight: the other account may act
 * at any time (a new request, an acceptance), and that must show without a reload.
 */
export const WATCH_MS = 4000;
