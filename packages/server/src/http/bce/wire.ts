import type { PeerConnView } from '../../app/peer-conns.js';
import type { Page } from '../../domain/pagination.js';
import { endOf, otherRole } from '../../domain/peerconn/model.js';
import type { RouteRule, RouteTable } from '../../domain/route.js';
import { availableIps, type Subnet } from '../../domain/subnet.js';
import type { Vpc } from '../../domain/vpc.js';
import { bceTime } from './input.js';

/** Domain objects in the field names and shapes the BCE SDKs decode. */
export function vpcWire(vpc: Vpc) {
  return {
    vpcId: vpc.id,
    name: vpc.name,
    cidr: vpc.cidr,
    ipv6Cidr: vpc.ipv6Cidr ?? '',
    createdTime: bceTime(vpc.createdAt),
    description: vpc.description,
    isDefault: vpc.isDefault,
    secondaryCidr: vpc.secondaryCidrs,
    tags: vpc.tags,
  };
}

export function subnetWire(subnet: Subnet) {
  return {
    subnetId: subnet.id,
    name: subnet.name,
    zoneName: subnet.zoneName,
    cidr: subnet.cidr,
    ipv6Cidr: '',
    vpcId: subnet.vpcId,
    subnetType: subnet.subnetType,
    description: subnet.description,
    createdTime: bceTime(subnet.createdAt),
    availableIp: availableIps(subnet),
    tags: subnet.tags,
  };
}

export function showVpcWire(vpc: Vpc, subnets: Subnet[]) {
  return { ...vpcWire(vpc), relay: vpc.relay, subnets: subnets.map(subnetWire) };
}

export function routeRuleWire(rule: RouteRule) {
  return {
    routeRuleId: rule.id,
    routeTableId: rule.routeTableId,
    sourceAddress: rule.sourceAddress,
    destinationAddress: rule.destinationAddress,
    nexthopId: rule.nexthopId,
    nexthopType: rule.nexthopType,
    description: rule.description,
    pathType: rule.pathType,
    ipVersion: rule.ipVersion,
  };
}

export function routeTableWire(table: RouteTable, rules: RouteRule[]) {
  return {
    routeTableId: table.id,
    name: table.name,
    vpcId: table.vpcId,
    routeRules: rules.map(routeRuleWire),
  };
}

/** The list envelope shared by every BCE list: `marker`, `isTruncated`, `nextMarker`, `maxKeys`. */
export function pageWire<T, W>(page: Page<T>, itemsKey: string, toWire: (item: T) => W) {
  return {
    ...(page.marker !== undefined ? { marker: page.marker } : {}),
    isTruncated: page.isTruncated,
    ...(page.nextMarker !== undefined ? { nextMarker: page.nextMarker } : {}),
    maxKeys: page.maxKeys,
    [itemsKey]: page.items.map(toWire),
  };
}

/**
 * A peer connection as one end sees it: `local*` is that end, `peer*` the other, mirrored for the
 * other end. `bandwidthInMbps` is the SDKs' spelling (the docs' `bandwithInMbp` is a typo).
 */
export function peerConnWire({ conn, role }: PeerConnView) {
  const local = endOf(conn, role);
  const peer = endOf(conn, otherRole(role));
  return {
    peerConnId: conn.id,
    role,
    status: conn.status,
    bandwidthInMbps: conn.bandwidthInMbps,
    description: local.description,
    localIfId: local.ifId,
    localIfName: local.ifName,
    localVpcId: local.vpcId,
    localRegion: local.region,
    peerVpcId: peer.vpcId,
    peerRegion: peer.region,
    peerAccountId: peer.accountId,
    paymentTiming: conn.paymentTiming,
    dnsStatus: local.dnsStatus,
    createdTime: bceTime(conn.createdAt),
    expiredTime: conn.expiresAt !== null ? bceTime(conn.expiresAt) : '',
    tags: conn.tags,
    deleteProtect: conn.deleteProtect,
  };
}
