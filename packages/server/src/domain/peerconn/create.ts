import { badRequest, limitExceeded, operationDenied } from '../errors.js';
import { checkDescription, checkName, checkTags, type Tag } from '../names.js';
import { cidrsOverlap, formatCidr } from '../net/cidr.js';
import { isRegion, type Region } from '../regions.js';
import { type Vpc, vpcBlocks } from '../vpc.js';
import { type Billing, type BillingInput, parseBilling } from './billing.js';
import type { Actor, Outcome, PeerConnTimings } from './model.js';

export const BANDWIDTH_MIN_MBPS = 1;
export const BANDWIDTH_MAX_MBPS = 10_000;

export interface CreatePeerConnCommand {
  bandwidthInMbps: number;
  description?: string;
  localIfName?: string;
  localVpcId: string;
  peerAccountId?: string;
  peerVpcId: string;
  peerRegion: string;
  peerIfName?: string;
  billing?: BillingInput;
  tags?: Tag[];
  deleteProtect?: boolean;
}

/** The request's own values, checked before anything is looked up. */
export interface CreatePeerConnInput {
  bandwidthInMbps: number;
  description: string;
  localIfName?: string;
  peerIfName?: string;
  localVpcId: string;
  peerVpcId: string;
  peerRegion: Region;
  peerAccountId?: string;
  billing: Billing;
  tags: Tag[];
  deleteProtect: boolean;
}

export function checkBandwidth(field: string, value: number): number {
  if (!Number.isInteger(value) || value < BANDWIDTH_MIN_MBPS || value > BANDWIDTH_MAX_MBPS) {
    throw badRequest(
      'InvalidBandwidth',
      `${field} must be a whole number of Mbps from ${BANDWIDTH_MIN_MBPS} to ${BANDWIDTH_MAX_MBPS}`,
    );
  }
  return value;
}

/** Reference R1: a connection inside one region is postpaid (and free). */
export function checkCreateInput(command: CreatePeerConnCommand, actor: Actor): CreatePeerConnInput {
  const bandwidthInMbps = checkBandwidth('bandwidthInMbps', command.bandwidthInMbps);
  if (!isRegion(command.peerRegion)) {
    throw badRequest('InvalidRegion', `peerRegion "${command.peerRegion}" is not a region Peerlink serves`);
  }
  const billing = parseBilling(command.billing);
  if (command.peerRegion === actor.region && billing.paymentTiming === 'Prepaid') {
    throw operationDenied('SameRegionPrepaid', 'a connection within one region can only be Postpaid');
  }
  return {
    bandwidthInMbps,
    description: checkDescription(command.description),
    ...(command.localIfName ? { localIfName: checkName('localIfName', command.localIfName) } : {}),
    ...(command.peerIfName ? { peerIfName: checkName('peerIfName', command.peerIfName) } : {}),
    localVpcId: command.localVpcId,
    peerVpcId: command.peerVpcId,
    peerRegion: command.peerRegion,
    ...(command.peerAccountId ? { peerAccountId: command.peerAccountId } : {}),
    billing,
    tags: checkTags(command.tags),
    deleteProtect: command.deleteProtect ?? false,
  };
}

export interface PeerConnQuotas {
  perVpc: number;
  perAccount: number;
}

export interface CreatePeerConnFacts {
  id: string;
  initiatorIfId: string;
  acceptorIfId: string;
  now: number;
  actor: Actor;
  localVpc: Vpc;
  peerVpc: Vpc;
  /** A live connection already joins the two VPCs (either direction). */
  pairTaken: boolean;
  /** Live connections of each VPC, and those the initiating account started. */
  live: { localVpc: number; peerVpc: number; initiatorAccount: number };
  /** VPCs already peered (live) with each side, whose blocks must not overlap the new peer. */
  peersOfLocal: Vpc[];
  peersOfPeer: Vpc[];
  quotas: PeerConnQuotas;
  timings: PeerConnTimings;
}

function firstOverlap(a: Vpc, b: Vpc): string | undefined {
  for (const x of vpcBlocks(a)) {
    for (const y of vpcBlocks(b)) {
      if (cidrsOverlap(x, y)) return `${formatCidr(x)} (${a.id}) overlaps ${formatCidr(y)} (${b.id})`;
    }
  }
  return undefined;
}

/** A default interface name in the style of the docs' examples (`int-SpLVk25R`). */
function defaultIfName(ifId: string): string {
  return `int-${ifId.slice(-8)}`;
}

/**
 * A new connection starts `creating`; the reconciler makes it `active` (same account, reference R3)
 * or `consulting` (cross account, R2) once the step is due.
 */
export function createPeerConn(input: CreatePeerConnInput, facts: CreatePeerConnFacts): Outcome {
  const { localVpc, peerVpc } = facts;
  const crossAccount = localVpc.accountId !== peerVpc.accountId;
  if (localVpc.id === peerVpc.id) throw operationDenied('SameVpc', 'a VPC cannot be peered with itself');
  if (crossAccount && input.peerIfName) {
    throw operationDenied(
      'PeerIfNameCrossAccount',
      'peerIfName can only be set when both VPCs belong to the same account',
    );
  }
  if (localVpc.relay && peerVpc.relay) {
    throw operationDenied('BothRelayVpcs', 'two relay VPCs cannot be peered');
  }
  if (facts.pairTaken) {
    throw operationDenied(
      'PeerConnPairExists',
      `a peer connection between ${localVpc.id} and ${peerVpc.id} already exists`,
    );
  }
  const overlap = firstOverlap(localVpc, peerVpc);
  if (overlap) throw operationDenied('CidrOverlap', `the two VPCs' address blocks overlap: ${overlap}`);
  for (const [vpc, others] of [
    [peerVpc, facts.peersOfLocal],
    [localVpc, facts.peersOfPeer],
  ] as const) {
    for (const other of others) {
      const clash = firstOverlap(vpc, other);
      if (clash) {
        throw operationDenied(
          'PeerCidrConflict',
          `routes would be ambiguous: ${clash}, already peered with the other side`,
        );
      }
    }
  }
  for (const [vpc, count] of [
    [localVpc, facts.live.localVpc],
    [peerVpc, facts.live.peerVpc],
  ] as const) {
    if (count >= facts.quotas.perVpc) {
      throw limitExceeded(
        'PeerConnPerVpcQuotaExceeded',
        `VPC ${vpc.id} already has ${count} peer connections (quota ${facts.quotas.perVpc})`,
      );
    }
  }
  if (facts.live.initiatorAccount >= facts.quotas.perAccount) {
    throw limitExceeded(
      'PeerConnPerAccountQuotaExceeded',
      `this account already started ${facts.live.initiatorAccount} peer connections (quota ${facts.quotas.perAccount})`,
    );
  }
  const end = (role: 'initiator' | 'acceptor', vpc: Vpc, ifId: string, ifName: string | undefined) => ({
    role,
    accountId: vpc.accountId,
    region: vpc.region,
    vpcId: vpc.id,
    ifId,
    ifName: ifName ?? defaultIfName(ifId),
    description: role === 'initiator' ? input.description : '',
    dnsStatus: 'close' as const,
    dnsDueAt: null,
  });
  const conn = {
    id: facts.id,
    status: 'creating' as const,
    nextStatus: crossAccount ? ('consulting' as const) : ('active' as const),
    statusDueAt: facts.now + facts.timings.stepMs,
    bandwidthInMbps: input.bandwidthInMbps,
    paymentTiming: input.billing.paymentTiming,
    reservationMonths: input.billing.reservationMonths,
    expiresAt: null,
    consultDeadline: null,
    deleteProtect: input.deleteProtect,
    tags: input.tags,
    createdAt: facts.now,
    deletedAt: null,
    initiator: end('initiator', localVpc, facts.initiatorIfId, input.localIfName),
    acceptor: end('acceptor', peerVpc, facts.acceptorIfId, input.peerIfName),
  };
  return {
    conn,
    events: [
      {
        at: facts.now,
        actor: facts.actor.accountId,
        action: 'Create',
        fromStatus: 'creating',
        toStatus: 'creating',
      },
    ],
  };
}
