import { paginate } from '../paginate.js';
import { type ClientConfig, newClientToken, SignedTransport } from '../transport.js';
import type { CreateSubnetArgs, Idempotent, ListPage, ListSubnetArgs, Subnet } from '../types.js';

/** The BCE subnet API (`/v1/subnet`). */
export class SubnetClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  createSubnet({ clientToken, ...body }: CreateSubnetArgs): Promise<{ subnetId: string }> {
    return this.transport.send('POST', '/v1/subnet', {
      query: { clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  listSubnets(args: ListSubnetArgs = {}): Promise<ListPage & { subnets: Subnet[] }> {
    return this.transport.send('GET', '/v1/subnet', { query: { ...args } });
  }

  /** Every subnet matching the filters, across all pages. */
  paginateSubnets(args: Omit<ListSubnetArgs, 'marker'> = {}): AsyncGenerator<Subnet, void, undefined> {
    return paginate(
      (marker) => this.listSubnets({ ...args, ...(marker ? { marker } : {}) }),
      (page) => page.subnets,
    );
  }

  async getSubnet(subnetId: string): Promise<Subnet> {
    const answer = await this.transport.send<{ subnet: Subnet }>(
      'GET',
      `/v1/subnet/${encodeURIComponent(subnetId)}`,
    );
    return answer.subnet;
  }

  updateSubnet(
    subnetId: string,
    { clientToken, ...body }: { name?: string; description?: string } & Idempotent,
  ) {
    return this.transport.send<void>('PUT', `/v1/subnet/${encodeURIComponent(subnetId)}`, {
      query: { modifyAttribute: true, clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  deleteSubnet(subnetId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('DELETE', `/v1/subnet/${encodeURIComponent(subnetId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }
}
