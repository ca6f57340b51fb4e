import { badRequest, DomainError, limitExceeded } from './errors.js';
import { checkDescription, checkName, checkTags, type Tag } from './names.js';
import { cidrContains, cidrSize, cidrsOverlap, formatCidr, parseIpv4Cidr } from './net/cidr.js';
import type { Region } from './regions.js';
import { type Vpc, vpcBlocks } from './vpc.js';

export interface Subnet {
  id: string;
  accountId: string;
  region: Region;
  vpcId: string;
  name: string;
  zoneName: string;
  cidr: string;
  subnetType: SubnetType;
  description: string;
  tags: Tag[];
  createdAt: number;
}

export const SUBNET_TYPES = ['BCC', 'BBC', 'BCC_NAT'] as const;
export type SubnetType = (typeof SUBNET_TYPES)[number];
export const SUBNET_MAX_PREFIX = 29;
/** Network, gateway and broadcast addresses are not handed to instances. */
const RESERVED_ADDRESSES = 3;

export interface CreateSubnetCommand {
  name: string;
  zoneName: string;
  cidr: string;
  subnetType?: string;
  description?: string;
  tags?: Tag[];
}

export function createSubnet(
  command: CreateSubnetCommand,
  facts: { id: string; vpc: Vpc; siblings: Subnet[]; quota: number; now: number },
): Subnet {
  const { vpc } = facts;
  const name = checkName('name', command.name);
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(command.zoneName)) {
    throw badRequest(
      'InvalidZoneName',
      `zoneName "${command.zoneName}" is not a zone name such as cn-${vpc.region}-a`,
    );
  }
  const subnetType = command.subnetType ?? 'BCC';
  if (!(SUBNET_TYPES as readonly string[]).includes(subnetType)) {
    throw badRequest('InvalidSubnetType', `subnetType must be one of ${SUBNET_TYPES.join(', ')}`);
  }
  const cidr = parseIpv4Cidr(command.cidr);
  if (!cidr)
    throw badRequest('InvalidCidr', `cidr "${command.cidr}" is not an IPv4 network in a.b.c.d/n form`);
  if (cidr.prefix > SUBNET_MAX_PREFIX) {
    throw badRequest(
      'InvalidCidrMask',
      `cidr "${command.cidr}" must have a mask of /${SUBNET_MAX_PREFIX} or larger`,
    );
  }
  if (!vpcBlocks(vpc).some((block) => cidrContains(block, cidr))) {
    throw badRequest('CidrOutsideVpc', `cidr "${command.cidr}" is not inside a CIDR of VPC ${vpc.id}`);
  }
  const clash = facts.siblings.find((subnet) => cidrsOverlap(parseIpv4Cidr(subnet.cidr)!, cidr));
  if (clash) {
    throw new DomainError(
      'CidrConflict',
      'SubnetCidrOverlap',
      `cidr "${command.cidr}" overlaps subnet ${clash.id} (${clash.cidr})`,
    );
  }
  if (facts.siblings.length >= facts.quota) {
    throw limitExceeded('SubnetQuotaExceeded', `VPC ${vpc.id} already has ${facts.quota} subnets`);
  }
  return {
    id: facts.id,
    accountId: vpc.accountId,
    region: vpc.region,
    vpcId: vpc.id,
    name,
    zoneName: command.zoneName,
    cidr: formatCidr(cidr),
    subnetType: subnetType as SubnetType,
    description: checkDescription(command.description),
    tags: checkTags(command.tags),
    createdAt: facts.now,
  };
}

export function availableIps(subnet: Subnet): number {
  return Math.max(0, cidrSize(parseIpv4Cidr(subnet.cidr)!) - RESERVED_ADDRESSES);
}

export function checkSubnetDeletable(subnet: Subnet, routeRulesFromIt: number, endpoints = 0): void {
  if (routeRulesFromIt > 0) {
    throw new DomainError(
      'ResourceNeedRelease',
      'SubnetInUse',
      `subnet ${subnet.id} is the source of ${routeRulesFromIt} route rules; delete them first`,
    );
  }
  if (endpoints > 0) {
    throw new DomainError(
      'ResourceNeedRelease',
      'SubnetInUse',
      `subnet ${subnet.id} still has ${endpoints} dataplane endpoint(s); delete them first`,
    );
  }
}

export function updateSubnet(subnet: Subnet, command: { name?: string; description?: string }): Subnet {
  return {
    ...subnet,
    ...(command.name !== undefined ? { name: checkName('name', command.name) } : {}),
    ...(command.description !== undefined ? { description: checkDescription(command.description) } : {}),
  };
}
