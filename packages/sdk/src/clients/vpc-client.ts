import { paginate } from '../paginate.js';
import { type ClientConfig, newClientToken, SignedTransport } from '../transport.js';
import type {
  CreateVpcArgs,
  Idempotent,
  ListPage,
  ListVpcArgs,
  ShowVpcModel,
  UpdateVpcArgs,
  Vpc,
} from '../types.js';

/** The BCE VPC API (`/v1/vpc`). */
export class VpcClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  /** Creates a VPC (and its default route table); answers its id. */
  createVpc({ clientToken, ...body }: CreateVpcArgs): Promise<{ vpcId: string }> {
    return this.transport.send('POST', '/v1/vpc', {
      query: { clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  /** One page of the caller's VPCs in this region, in creation order. */
  listVpcs(args: ListVpcArgs = {}): Promise<ListPage & { vpcs: Vpc[] }> {
    return this.transport.send('GET', '/v1/vpc', {
      query: {
        marker: args.marker,
        maxKeys: args.maxKeys,
        isDefault: args.isDefault === undefined ? undefined : String(args.isDefault),
        vpcIds: args.vpcIds?.join(','),
      },
    });
  }

  /** Every VPC of the caller in this region, across all pages. */
  paginateVpcs(args: Omit<ListVpcArgs, 'marker'> = {}): AsyncGenerator<Vpc, void, undefined> {
    return paginate(
      (marker) => this.listVpcs({ ...args, ...(marker ? { marker } : {}) }),
      (page) => page.vpcs,
    );
  }

  /** A VPC with its relay flag and subnets. */
  async getVpc(vpcId: string): Promise<ShowVpcModel> {
    const answer = await this.transport.send<{ vpc: ShowVpcModel }>(
      'GET',
      `/v1/vpc/${encodeURIComponent(vpcId)}`,
    );
    return answer.vpc;
  }

  updateVpc(vpcId: string, { clientToken, ...body }: UpdateVpcArgs): Promise<void> {
    return this.transport.send('PUT', `/v1/vpc/${encodeURIComponent(vpcId)}`, {
      query: { modifyAttribute: true, clientToken: clientToken ?? newClientToken() },
      body,
    });
  }

  /** Refused with `ResourceNeedRelease` while subnets, route rules or peer connections remain. */
  deleteVpc(vpcId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('DELETE', `/v1/vpc/${encodeURIComponent(vpcId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }

  openRelay(vpcId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('PUT', `/v1/vpc/openRelay/${encodeURIComponent(vpcId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }

  shutdownRelay(vpcId: string, { clientToken }: Idempotent = {}): Promise<void> {
    return this.transport.send('PUT', `/v1/vpc/shutdownRelay/${encodeURIComponent(vpcId)}`, {
      query: { clientToken: clientToken ?? newClientToken() },
    });
  }
}
