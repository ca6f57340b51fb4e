import { badRequest, DomainError, limitExceeded } from './errors.js';
import { checkDescription, checkName, checkTags, type Tag } from './names.js';
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  type Ipv4Cidr,
  parseIpv4Cidr,
  privateRangeOf,
} from './net/cidr.js';
import type { Region } from './regions.js';

export interface Vpc {
  id: string;
  accountId: string;
  region: Region;
  name: string;
  description: string;
  cidr: string;
  ipv6Cidr: string | null;
  secondaryCidrs: string[];
  isDefault: boolean;
  relay: boolean;
  tags: Tag[];
  createdAt: number;
}

/** The smallest VPC or secondary block: BCE's console offers masks up to /28. */
export const VPC_MAX_PREFIX = 28;
export const SECONDARY_CIDRS_MAX = 5;

/**
 * A VPC block must lie inside one RFC 1918 range, with a mask from that range's own (/8, /12, /16)
 * down to /28.
 */
export function checkVpcCidr(field: string, text: string): Ipv4Cidr {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw badRequest('InvalidCidr', `${field} "${text}" is not an IPv4 network in a.b.c.d/n form`);
  if (!privateRangeOf(cidr)) {
    throw badRequest(
      'CidrNotPrivate',
      `${field} "${text}" must lie inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
    );
  }
  if (cidr.prefix > VPC_MAX_PREFIX) {
    throw badRequest(
      'InvalidCidrMask',
      `${field} "${text}" must have a mask of /${VPC_MAX_PREFIX} or larger`,
    );
  }
  return cidr;
}

export interface CreateVpcCommand {
  name: string;
  description?: string;
  cidr: string;
  enableIpv6?: boolean;
  tags?: Tag[];
}

export interface CreateVpcFacts {
  id: string;
  accountId: string;
  region: Region;
  now: number;
  /** Offered by the caller so the domain stays free of randomness; used when IPv6 is enabled. */
  ipv6CidrCandidate: string;
  vpcsInRegion: number;
  quota: number;
}

export function createVpc(command: CreateVpcCommand, facts: CreateVpcFacts): Vpc {
  const name = checkName('name', command.name);
  if (name.toLowerCase() === 'default') {
    throw badRequest('InvalidName', 'name "default" is reserved for the default VPC');
  }
  const cidr = checkVpcCidr('cidr', command.cidr);
  if (facts.vpcsInRegion >= facts.quota) {
    throw limitExceeded(
      'VpcQuotaExceeded',
      `this account already has ${facts.vpcsInRegion} VPCs in region ${facts.region} (quota ${facts.quota})`,
    );
  }
  return {
    id: facts.id,
    accountId: facts.accountId,
    region: facts.region,
    name,
    description: checkDescription(command.description),
    cidr: formatCidr(cidr),
    ipv6Cidr: command.enableIpv6 ? facts.ipv6CidrCandidate : null,
    secondaryCidrs: [],
    isDefault: false,
    relay: false,
    tags: checkTags(command.tags),
    createdAt: facts.now,
  };
}

export interface UpdateVpcCommand {
  name?: string;
  description?: string;
  enableIpv6?: boolean;
  secondaryCidr?: string[];
}

/** Subnet blocks of the VPC, so that a secondary block in use is not removed under them. */
export function updateVpc(
  vpc: Vpc,
  command: UpdateVpcCommand,
  facts: { ipv6CidrCandidate: string; subnetCidrs: string[] },
): Vpc {
  const next = { ...vpc };
  if (command.name !== undefined) {
    next.name = checkName('name', command.name);
    if (next.name.toLowerCase() === 'default' && !vpc.isDefault) {
      throw badRequest('InvalidName', 'name "default" is reserved for the default VPC');
    }
  }
  if (command.description !== undefined) next.description = checkDescription(command.description);
  if (command.enableIpv6 !== undefined) {
    next.ipv6Cidr = command.enableIpv6 ? (vpc.ipv6Cidr ?? facts.ipv6CidrCandidate) : null;
  }
  if (command.secondaryCidr !== undefined) {
    next.secondaryCidrs = checkSecondaryCidrs(vpc, command.secondaryCidr, facts.subnetCidrs);
  }
  return next;
}

function checkSecondaryCidrs(vpc: Vpc, texts: string[], subnetCidrs: string[]): string[] {
  if (texts.length > SECONDARY_CIDRS_MAX) {
    throw limitExceeded(
      'SecondaryCidrQuotaExceeded',
      `a VPC has at most ${SECONDARY_CIDRS_MAX} secondary CIDRs`,
    );
  }
  const primary = parseIpv4Cidr(vpc.cidr)!;
  const blocks: Ipv4Cidr[] = [primary];
  const result = texts.map((text) => {
    const cidr = checkVpcCidr('secondaryCidr', text);
    const clash = blocks.find((other) => cidrsOverlap(other, cidr));
    if (clash) {
      throw new DomainError(
        'CidrConflict',
        'SecondaryCidrOverlap',
        `secondaryCidr "${text}" overlaps ${formatCidr(clash)}`,
      );
    }
    blocks.push(cidr);
    return formatCidr(cidr);
  });
  for (const subnetText of subnetCidrs) {
    const subnet = parseIpv4Cidr(subnetText)!;
    if (!blocks.some((block) => cidrContains(block, subnet))) {
      throw new DomainError(
        'ResourceNeedRelease',
        'SecondaryCidrInUse',
        `subnet ${subnetText} uses a secondary CIDR that the update would remove`,
      );
    }
  }
  return result;
}

/** What still uses a VPC; any of it blocks deletion. */
export interface VpcDependents {
  subnets: number;
  customRouteRules: number;
  peerConns: number;
  /** Dataplane endpoints in the VPC's subnets. */
  endpoints?: number;
}

export function checkVpcDeletable(vpc: Vpc, dependents: VpcDependents): void {
  const labels: Record<keyof VpcDependents, string> = {
    subnets: 'subnet(s)',
    customRouteRules: 'route rule(s)',
    peerConns: 'peer connection(s)',
    endpoints: 'dataplane endpoint(s)',
  };
  const left = (Object.keys(labels) as (keyof VpcDependents)[])
    .filter((kind) => (dependents[kind] ?? 0) > 0)
    .map((kind) => `${dependents[kind]} ${labels[kind]}`);
  if (left.length > 0) {
    throw new DomainError(
      'ResourceNeedRelease',
      'VpcInUse',
      `VPC ${vpc.id} still has ${left.join(', ')}; release them first`,
    );
  }
}

/** The address blocks of a VPC: primary first, then secondary ones. */
export function vpcBlocks(vpc: Vpc): Ipv4Cidr[] {
  return [vpc.cidr, ...vpc.secondaryCidrs].map((text) => parseIpv4Cidr(text)!);
}
