import { badRequest, DomainError, limitExceeded } from './errors.js';
import { checkDescription } from './names.js';
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  type Ipv4Cidr,
  isAnyIpv4,
  parseIpv4Cidr,
} from './net/cidr.js';
import type { Subnet } from './subnet.js';
import type { Vpc } from './vpc.js';
import { vpcBlocks } from './vpc.js';

export const NEXTHOP_TYPES = [
  'custom',
  'vpn',
  'nat',
  'dcGateway',
  'peerConn',
  'ipv6gateway',
  'enic',
  'havip',
] as const;
export type NexthopType = (typeof NEXTHOP_TYPES)[number];

/** Reference R19: 50 route entries per VPC (its one route table). */
export const DEFAULT_ROUTE_RULES_PER_TABLE = 50;

export interface RouteTable {
  id: string;
  accountId: string;
  vpcId: string;
  name: string;
  createdAt: number;
}

export interface RouteRule {
  id: string;
  routeTableId: string;
  accountId: string;
  sourceAddress: string;
  destinationAddress: string;
  nexthopId: string;
  nexthopType: NexthopType;
  description: string;
  ipVersion: 4;
  pathType: 'normal';
  createdAt: number;
}

export interface RouteRuleFields {
  sourceAddress: string;
  destinationAddress: string;
  nexthopId: string;
  nexthopType: string;
  description?: string;
}

/** What the rule checks need to know about the table's VPC. */
export interface RouteTableFacts {
  vpc: Vpc;
  subnets: Subnet[];
  /** The other rules of the table (an updated rule is left out). */
  otherRules: RouteRule[];
  /**
   * Checks a `peerConn` next hop against the VPC's connections; until peer connections exist every
   * such next hop is refused by the caller's checker.
   */
  checkPeerConnNexthop: (nexthopId: string, destination: Ipv4Cidr) => void;
}

function parseRuleCidr(field: string, text: string): Ipv4Cidr {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw badRequest('InvalidCidr', `${field} "${text}" is not an IPv4 network in a.b.c.d/n form`);
  return cidr;
}

/**
 * The create-rule checks of the reference (§4.2): a custom source lies inside a subnet of the VPC
 * (0.0.0.0/0 excepted); the destination does not overlap the VPC's blocks (unless it is 0.0.0.0/0);
 * a (source, destination) pair appears once per table.
 */
export function checkRouteRule(
  fields: RouteRuleFields,
  facts: RouteTableFacts,
): Omit<RouteRuleFields, 'nexthopType'> & {
  nexthopType: NexthopType;
} {
  const source = parseRuleCidr('sourceAddress', fields.sourceAddress);
  const destination = parseRuleCidr('destinationAddress', fields.destinationAddress);
  if (!(NEXTHOP_TYPES as readonly string[]).includes(fields.nexthopType)) {
    throw badRequest('InvalidNexthopType', `nexthopType must be one of ${NEXTHOP_TYPES.join(', ')}`);
  }
  if (fields.nexthopId.trim() === '') throw badRequest('InvalidNexthopId', 'nexthopId must not be empty');
  if (
    !isAnyIpv4(source) &&
    !facts.subnets.some((subnet) => cidrContains(parseIpv4Cidr(subnet.cidr)!, source))
  ) {
    throw badRequest(
      'SourceOutsideSubnets',
      `sourceAddress ${formatCidr(source)} must be 0.0.0.0/0 or lie inside a subnet of VPC ${facts.vpc.id}`,
    );
  }
  if (!isAnyIpv4(destination)) {
    const clash = vpcBlocks(facts.vpc).find((block) => cidrsOverlap(block, destination));
    if (clash) {
      throw badRequest(
        'DestinationInsideVpc',
        `destinationAddress ${formatCidr(destination)} overlaps the VPC's own CIDR ${formatCidr(clash)}`,
      );
    }
  }
  const sourceText = formatCidr(source);
  const destinationText = formatCidr(destination);
  const twin = facts.otherRules.find(
    (rule) => rule.sourceAddress === sourceText && rule.destinationAddress === destinationText,
  );
  if (twin) {
    throw new DomainError(
      'OperationDenied',
      'RouteRuleExists',
      `route rule ${twin.id} already routes ${sourceText} -> ${destinationText} in this table`,
    );
  }
  const nexthopType = fields.nexthopType as NexthopType;
  if (nexthopType === 'peerConn') facts.checkPeerConnNexthop(fields.nexthopId, destination);
  return {
    sourceAddress: sourceText,
    destinationAddress: destinationText,
    nexthopId: fields.nexthopId,
    nexthopType,
    description: checkDescription(fields.description),
  };
}

export function checkRouteRuleQuota(rulesInTable: number, quota: number): void {
  if (rulesInTable >= quota) {
    throw limitExceeded(
      'RouteRuleQuotaExceeded',
      `the route table already has ${rulesInTable} rules (quota ${quota})`,
    );
  }
}
