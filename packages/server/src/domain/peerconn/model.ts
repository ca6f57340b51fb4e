import type { Tag } from '../names.js';
import type { Region } from '../regions.js';

/** Statuses of the Baidu SDKs' PeerConnStatus enum. */
export const PEER_CONN_STATUSES = [
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
] as const;
export type PeerConnStatus = (typeof PEER_CONN_STATUSES)[number];

export const DNS_STATUSES = ['close', 'wait', 'syncing', 'open', 'closing'] as const;
export type DnsStatus = (typeof DNS_STATUSES)[number];

export const ROLES = ['initiator', 'acceptor'] as const;
export type Role = (typeof ROLES)[number];

export type PaymentTiming = 'Prepaid' | 'Postpaid';

/** One side of a connection: its own interface, VPC, region and owner. */
export interface PeerConnEnd {
  role: Role;
  accountId: string;
  region: Region;
  vpcId: string;
  /** Interface id (`qpif-…`): the next hop of routes towards the other side. */
  ifId: string;
  ifName: string;
  description: string;
  dnsStatus: DnsStatus;
  /** When a DNS `syncing` or `closing` step completes. */
  dnsDueAt: number | null;
}

export interface PeerConn {
  id: string;
  status: PeerConnStatus;
  /** The status an in-flight step (creating, starting, updating, deleting) ends in, and when. */
  nextStatus: PeerConnStatus | null;
  statusDueAt: number | null;
  bandwidthInMbps: number;
  paymentTiming: PaymentTiming;
  /** Months bought by the last purchase; prepaid only. */
  reservationMonths: number | null;
  /** Prepaid: end of the paid period, set when the connection first becomes active. */
  expiresAt: number | null;
  /** Cross-account: when an unanswered request fails (7 days after it started consulting). */
  consultDeadline: number | null;
  deleteProtect: boolean;
  tags: Tag[];
  createdAt: number;
  deletedAt: number | null;
  initiator: PeerConnEnd;
  acceptor: PeerConnEnd;
}

/** A recorded state change: who did what, when, from which status to which. */
export interface PeerConnEvent {
  at: number;
  /** Account id, or `system` for the reconciler. */
  actor: string;
  action: string;
  fromStatus: PeerConnStatus;
  toStatus: PeerConnStatus;
  detail?: string;
}

export interface Outcome {
  conn: PeerConn;
  events: PeerConnEvent[];
}

export interface PeerConnTimings {
  /** Duration of each asynchronous step (creating, starting, updating, deleting, DNS). */
  stepMs: number;
  /** How long a cross-account request waits for the acceptor (reference R8: 7 days). */
  consultTimeoutMs: number;
  /** How long a deleted connection stays readable before it is purged. */
  deletedRetentionMs: number;
}

export const DEFAULT_TIMINGS: PeerConnTimings = {
  stepMs: 500,
  consultTimeoutMs: 7 * 24 * 60 * 60 * 1000,
  deletedRetentionMs: 60 * 60 * 1000,
};

/** Statuses in which the connection no longer holds its VPC pair or counts against quotas. */
export const RELEASED_STATUSES: readonly PeerConnStatus[] = ['consult_failed', 'deleting', 'deleted'];

export function holdsPair(conn: PeerConn): boolean {
  return !RELEASED_STATUSES.includes(conn.status);
}

export function isCrossAccount(conn: PeerConn): boolean {
  return conn.initiator.accountId !== conn.acceptor.accountId;
}

/** Regions outside the Chinese mainland; a connection between the two sides is cross-border. */
export const OVERSEAS_REGIONS: readonly Region[] = ['hkg', 'sin'];

export function isCrossBorder(conn: PeerConn): boolean {
  return OVERSEAS_REGIONS.includes(conn.initiator.region) !== OVERSEAS_REGIONS.includes(conn.acceptor.region);
}

export function endOf(conn: PeerConn, role: Role): PeerConnEnd {
  return role === 'initiator' ? conn.initiator : conn.acceptor;
}

export function otherRole(role: Role): Role {
  return role === 'initiator' ? 'acceptor' : 'initiator';
}

/** A pair key independent of direction: A→B and B→A are the same pair. */
export function pairKey(vpcA: string, vpcB: string): string {
  return vpcA < vpcB ? `${vpcA}|${vpcB}` : `${vpcB}|${vpcA}`;
}

/** Who is acting: an account through one region's endpoint. */
export interface Actor {
  accountId: string;
  region: Region;
}

/** The ends an actor owns in the region it called, initiator first. */
export function visibleRoles(conn: PeerConn, actor: Actor): Role[] {
  return ROLES.filter((role) => {
    const end = endOf(conn, role);
    return end.accountId === actor.accountId && end.region === actor.region;
  });
}
