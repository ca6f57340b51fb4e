import { badRequest, operationDenied } from '../errors.js';
import { cidrContains, formatCidr, type Ipv4Cidr } from '../net/cidr.js';
import type { PeerConnStatus } from './model.js';

/** What a `peerConn` route's next hop (an interface id) leads to. */
export interface PeerConnRouteTarget {
  peerConnId: string;
  status: PeerConnStatus;
  /** The VPC of the side that owns the interface. */
  localVpcId: string;
  /** The address blocks of the VPC on the other side. */
  peerBlocks: Ipv4Cidr[];
}

/**
 * A route through a peer connection leaves from the connection's local interface in this VPC, only
 * while the connection is active, towards addresses of the peer VPC.
 */
export function checkPeerConnRoute(
  target: PeerConnRouteTarget | undefined,
  vpcId: string,
  nexthopId: string,
  destination: Ipv4Cidr,
): void {
  if (!target || target.localVpcId !== vpcId) {
    throw badRequest(
      'PeerConnInterfaceNotFound',
      `no peer connection interface ${nexthopId} in VPC ${vpcId}`,
    );
  }
  if (target.status !== 'active') {
    throw operationDenied(
      'PeerConnNotActive',
      `peer connection ${target.peerConnId} is ${target.status}, not active`,
    );
  }
  if (!target.peerBlocks.some((block) => cidrContains(block, destination))) {
    throw badRequest(
      'DestinationOutsidePeerVpc',
      `destinationAddress ${formatCidr(destination)} is not inside the peer VPC (${target.peerBlocks.map(formatCidr).join(', ')})`,
    );
  }
}
