/** Wire types of the BCE peer connection API (`/v1/peerconn`). */
import type { Idempotent, ListArgs, ListPage, TagModel } from '../types.js';

export type PeerConnStatus =
  | 'creating'
  | 'consulting'
  | 'consult_failed'
  | 'active'
  | 'down'
  | 'starting'
  | 'stopping'
  | 'deleting'
  | 'deleted'
  | 'expired'
  | 'error'
  | 'updating';

export type DnsStatus = 'close' | 'wait' | 'syncing' | 'open' | 'closing';
export type PeerConnRole = 'initiator' | 'acceptor';

export interface Reservation {
  reservationLength: number;
  /** `Month` (the SDKs also send `month`). */
  reservationTimeUnit?: string;
}

export interface Billing {
  paymentTiming?: 'Prepaid' | 'Postpaid';
  reservation?: Reservation;
}

/** One end's view of a connection: `local*` is that end, `peer*` the other. */
export interface PeerConn {
  peerConnId: string;
  role: PeerConnRole;
  status: PeerConnStatus;
  bandwidthInMbps: number;
  description: string;
  localIfId: string;
  localIfName: string;
  localVpcId: string;
  localRegion: string;
  peerVpcId: string;
  peerRegion: string;
  peerAccountId: string;
  paymentTiming: 'Prepaid' | 'Postpaid';
  dnsStatus: DnsStatus;
  createdTime: string;
  /** Empty for postpaid connections and before a prepaid one becomes active. */
  expiredTime: string;
  tags: TagModel[];
  deleteProtect: boolean;
}

export interface CreatePeerConnArgs extends Idempotent {
  bandwidthInMbps: number;
  localVpcId: string;
  peerVpcId: string;
  peerRegion: string;
  /** Only for a connection to another account. */
  peerAccountId?: string;
  description?: string;
  localIfName?: string;
  /** Only for same-account connections. */
  peerIfName?: string;
  billing: Billing;
  tags?: TagModel[];
  deleteProtect?: boolean;
}

export interface ListPeerConnArgs extends ListArgs {
  vpcId?: string;
}

export interface ModifyPeerConnArgs extends Idempotent {
  /** The interface id of the caller's own end. */
  localIfId: string;
  localIfName?: string;
  description?: string;
}

export type ListPeerConnResult = ListPage & { peerConns: PeerConn[] };

/** One recorded state change of a connection (`GET /api/v1/peerconns/{id}/events`, Peerlink's own API). */
export interface PeerConnEvent {
  /** ISO 8601. */
  at: string;
  /** The account that acted, or `system` (a step completing, the 7-day timeout, prepaid expiry). */
  actor: string;
  /** `Create`, `Accept`, `Reject`, `Resize`, `Renew`, `Release`, `Complete`, `OpenDnsSync`, … */
  action: string;
  fromStatus: PeerConnStatus;
  toStatus: PeerConnStatus;
  detail?: string;
}

export interface PeerConnEvents {
  peerConnId: string;
  /** Oldest first. */
  events: PeerConnEvent[];
}
