import { badRequest, DomainError, limitExceeded } from '../errors.js';
import { idPattern } from '../ids.js';
import { type Ipv4Cidr, parseIpv4, parseIpv4Cidr } from '../net/cidr.js';
import type { Region } from '../regions.js';

/** A stand-in for an instance or ENI: one address in one subnet, programmed as a namespace. */
export interface Endpoint {
  id: string;
  accountId: string;
  region: Region;
  vpcId: string;
  subnetId: string;
  /** A DNS label: the endpoint answers as `<name>.<vpcId>.internal`. */
  name: string;
  /** Dotted IPv4, without prefix length. */
  ip: string;
  createdAt: number;
}

export const ENDPOINT_ID = idPattern('ep');

/** A DNS label (RFC 1123), lower case: the name is the endpoint's host name in its VPC's zone. */
const ENDPOINT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkEndpointName(name: string): string {
  if (!ENDPOINT_NAME.test(name)) {
    throw badRequest(
      'InvalidEndpointName',
      `name "${name}" must be a DNS label: 1-63 lower-case letters, digits or "-", not starting or ending with "-"`,
    );
  }
  return name;
}

export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

function blockOf(cidr: string): Ipv4Cidr {
  const block = parseIpv4Cidr(cidr);
  if (!block) throw new Error(`stored subnet CIDR "${cidr}" is not an IPv4 block`);
  return block;
}

/** The subnet's first usable address: its gateway, and the endpoints' DNS resolver. */
export function subnetGateway(cidr: string): string {
  return formatIpv4(blockOf(cidr).network + 1);
}

/**
 * The lowest free address of the subnet, skipping the network address, the gateway (the first
 * usable one) and the broadcast address; refused when none is left.
 */
export function allocateAddress(subnet: { id: string; cidr: string }, taken: readonly string[]): string {
  const block = blockOf(subnet.cidr);
  const size = 2 ** (32 - block.prefix);
  const used = new Set(taken.map((ip) => parseIpv4(ip)));
  // network + 0 is the network, + 1 the gateway, + size - 1 the broadcast address.
  for (let offset = 2; offset < size - 1; offset++) {
    const address = block.network + offset;
    if (!used.has(address)) return formatIpv4(address);
  }
  throw limitExceeded(
    'SubnetAddressesExhausted',
    `subnet ${subnet.id} (${subnet.cidr}) has no free address left for an endpoint`,
  );
}

export function endpointNameTaken(vpcId: string, name: string): DomainError {
  return new DomainError(
    'OperationDenied',
    'EndpointNameTaken',
    `VPC ${vpcId} already has an endpoint named "${name}"`,
  );
}

/** The endpoint's DNS zone (its VPC's) and its fully qualified name there, lower case. */
export function vpcZone(vpcId: string): string {
  return `${vpcId.toLowerCase()}.internal`;
}

export function endpointFqdn(endpoint: { name: string; vpcId: string }): string {
  return `${endpoint.name.toLowerCase()}.${vpcZone(endpoint.vpcId)}`;
}
