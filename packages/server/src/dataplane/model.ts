/**
 * The dataplane's contract: the desired state of the network, computed from the database by the
 * control plane (dataplane/desired.ts), and the driver that makes the kernel match it. A driver
 * takes the whole desired state each pass and converges to it idempotently (level-triggered), so
 * the same driver can later run as one agent per host, fed the part of the state its host holds.
 */

/** A subnet of a VPC: a bridge in the VPC's router namespace holding the gateway address. */
export interface DesiredSubnet {
  subnetId: string;
  /** e.g. 10.1.0.0/24 */
  cidr: string;
  /** The subnet's first usable address, the endpoints' default gateway and DNS resolver. */
  gateway: string;
}

/** A route rule with `nexthopType: peerConn`, programmed into the VPC router toward the peer link. */
export interface DesiredPeerRoute {
  destination: string;
  peerConnId: string;
}

/** A VPC: a network namespace acting as its router. */
export interface DesiredVpc {
  vpcId: string;
  cidr: string;
  subnets: DesiredSubnet[];
  routes: DesiredPeerRoute[];
  /**
   * Names the VPC router's resolver answers (fully qualified, lower case, no trailing dot) → IPv4:
   * its own endpoints, and the peer VPC's endpoints while DNS sync is open on this side.
   */
  dns: Record<string, string>;
  /** Search domain written into the endpoints' resolv.conf (the VPC's own zone). */
  dnsZone: string;
}

/** An endpoint: its own namespace with a veth into its subnet's bridge. */
export interface DesiredEndpoint {
  endpointId: string;
  vpcId: string;
  subnetId: string;
  /** Address with prefix length, e.g. 10.1.0.5/24. */
  address: string;
  gateway: string;
}

/** An active peer connection: a veth between the two VPC routers, shaped both ways. */
export interface DesiredLink {
  peerConnId: string;
  /** The two VPCs (initiator's first). */
  vpcIds: [string, string];
  bandwidthMbps: number;
}

export interface DesiredState {
  vpcs: DesiredVpc[];
  endpoints: DesiredEndpoint[];
  links: DesiredLink[];
}

export type ItemKind = 'vpc' | 'endpoint' | 'link';
export type ItemState = 'programmed' | 'pending' | 'error';

/** What the last pass achieved for one item of the desired state. */
export interface ItemStatus {
  kind: ItemKind;
  /** vpcId, endpointId or peerConnId. */
  id: string;
  state: ItemState;
  /** Why it is in error (the kernel's words), or what it waits for. */
  reason?: string;
  /** The network namespace the item lives in (VPC router, endpoint), where it has one. */
  netns?: string;
  /** Wall time of the last successful programming of this item. */
  programmedAt?: number;
}

export interface ApplyReport {
  items: ItemStatus[];
  /** Kernel objects created, changed and removed by this pass (0/0/0 when nothing drifted). */
  created: number;
  changed: number;
  removed: number;
}

/**
 * The kernel-facing part. `apply` converges the kernel to `desired` and never throws for a kernel
 * error: each failed item is reported as `error` and is retried by the next pass. Everything it
 * creates carries the deployment's prefix, and it touches nothing outside that prefix.
 */
export interface ApplyOptions {
  /**
   * Also look for drift made outside Peerlink (default true): re-read a slice of the steady items
   * and find missing or orphan ones. A change-driven pass sets it false and then touches only what
   * changed or failed since the last pass; with nothing changed it does nothing at all.
   */
  repair?: boolean;
}

export interface DataplaneDriver {
  readonly name: 'none' | 'linux';
  /** Fails with a clear sentence when the driver cannot work here (no CAP_NET_ADMIN, no iproute2). */
  check(): Promise<void>;
  apply(desired: DesiredState, options?: ApplyOptions): Promise<ApplyReport>;
  /** The namespace names an endpoint and a VPC router get (stable, from the prefix and the id). */
  endpointNetns(endpointId: string): string;
  vpcNetns(vpcId: string): string;
  /** Removes everything this deployment's prefix owns. */
  teardown(): Promise<void>;
}
