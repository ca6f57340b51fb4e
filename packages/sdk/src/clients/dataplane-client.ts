import { type ClientConfig, SignedTransport } from '../transport.js';

/** A dataplane endpoint: a stand-in for an instance, with one address in one subnet. */
export interface DataplaneEndpoint {
  endpointId: string;
  subnetId: string;
  vpcId: string;
  /** A DNS label: the endpoint answers as `<name>.<vpcId>.internal` in its VPC. */
  name: string;
  ip: string;
  /** The network namespace the endpoint lives in on the dataplane host. */
  netns: string;
  createdAt: string;
}

export interface DataplaneEndpointPage {
  endpoints: DataplaneEndpoint[];
  isTruncated: boolean;
  nextMarker?: string;
}

export type DataplaneItemState = 'programmed' | 'pending' | 'error';

export interface DataplaneItemStatus {
  kind: 'vpc' | 'endpoint' | 'link';
  /** vpcId, endpointId or peerConnId. */
  id: string;
  state: DataplaneItemState;
  reason?: string;
  netns?: string;
  programmedAt?: string;
  /** For an item in error: consecutive failed passes, and when it is tried again. */
  attempts?: number;
  nextAttemptAt?: string;
}

/** What the dataplane programmed: the caller's VPCs, endpoints and active connections (all, for an administrator). */
export interface DataplaneStatus {
  driver: 'none' | 'linux';
  lastPassAt: string | null;
  vpcs: DataplaneItemStatus[];
  endpoints: DataplaneItemStatus[];
  /** Active peer connections (links); a connection that is not active has no entry. */
  connections: DataplaneItemStatus[];
}

/** The dataplane API (`/api/v1/dataplane`), signed with bce-auth-v1 by the owner of the subnets. */
export class DataplaneClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  /** Takes the lowest free address of the subnet (after the gateway). */
  createEndpoint(args: { subnetId: string; name: string }): Promise<DataplaneEndpoint> {
    return this.transport.send('POST', '/api/v1/dataplane/endpoints', { body: args });
  }

  getEndpoint(endpointId: string): Promise<DataplaneEndpoint> {
    return this.transport.send('GET', `/api/v1/dataplane/endpoints/${encodeURIComponent(endpointId)}`);
  }

  /** One of `vpcId`, `subnetId` narrows the list. */
  listEndpoints(
    args: { vpcId?: string; subnetId?: string; marker?: string; maxKeys?: number } = {},
  ): Promise<DataplaneEndpointPage> {
    return this.transport.send('GET', '/api/v1/dataplane/endpoints', { query: args });
  }

  deleteEndpoint(endpointId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/dataplane/endpoints/${encodeURIComponent(endpointId)}`);
  }

  status(): Promise<DataplaneStatus> {
    return this.transport.send('GET', '/api/v1/dataplane/status');
  }
}
