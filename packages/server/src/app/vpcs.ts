import type { Clock } from '../clock.js';
import type { Page, PageRequest } from '../domain/pagination.js';
import { toPage } from '../domain/pagination.js';
import type { Subnet } from '../domain/subnet.js';
import {
  type CreateVpcCommand,
  checkVpcDeletable,
  createVpc,
  type UpdateVpcCommand,
  updateVpc,
  type Vpc,
} from '../domain/vpc.js';
import type { Db, Tx } from '../store/database.js';
import { countEndpoints } from '../store/repositories/endpoints.js';
import { countUndeletedOfVpc } from '../store/repositories/peer-conns.js';
import {
  deleteRouteTableOfVpc,
  findRouteTable,
  insertRouteTable,
  rulesOfTable,
} from '../store/repositories/routes.js';
import { subnetsOfVpc } from '../store/repositories/subnets.js';
import {
  countVpcs,
  deleteVpcRow,
  insertVpc,
  listVpcs,
  saveVpc,
  type VpcFilter,
} from '../store/repositories/vpcs.js';
import { transact } from '../store/transact.js';
import type { Caller, IdempotencyInput } from './caller.js';
import { runIdempotent } from './idempotency.js';
import { type IdGenerator, randomIpv6Cidr } from './ids.js';
import { requireVpc } from './lookups.js';
import type { Quotas } from './quotas.js';

export class VpcService {
  /** Called after each committed change (the dataplane converges to it). */
  onChanged: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly quotas: Quotas,
  ) {}

  /** Creates the VPC and its default route table in one transaction. */
  async create(
    caller: Caller,
    command: CreateVpcCommand,
    idem?: IdempotencyInput,
  ): Promise<{ vpcId: string }> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'CreateVpc', now }, idem, async () => {
        const vpc = createVpc(command, {
          id: this.ids.next('vpc'),
          accountId: caller.accountId,
          region: caller.region,
          now,
          ipv6CidrCandidate: randomIpv6Cidr(),
          vpcsInRegion: await countVpcs(tx, caller),
          quota: this.quotas.vpcsPerRegion,
        });
        await insertVpc(tx, vpc);
        await insertRouteTable(
          tx,
          {
            id: this.ids.next('rt'),
            accountId: caller.accountId,
            vpcId: vpc.id,
            name: 'default',
            createdAt: now,
          },
          caller.region,
        );
        return { vpcId: vpc.id };
      }),
    );
  }

  async list(caller: Caller, filter: VpcFilter, page: PageRequest): Promise<Page<Vpc>> {
    return toPage(await listVpcs(this.db, caller, filter, page), page, (vpc) => vpc.id);
  }

  async get(caller: Caller, vpcId: string): Promise<{ vpc: Vpc; subnets: Subnet[] }> {
    const vpc = await requireVpc(this.db, caller, vpcId);
    return { vpc, subnets: await subnetsOfVpc(this.db, vpc.id) };
  }

  async update(
    caller: Caller,
    vpcId: string,
    command: UpdateVpcCommand,
    idem?: IdempotencyInput,
  ): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'UpdateVpc', now }, idem, async () => {
        const vpc = await requireVpc(tx, caller, vpcId);
        const subnets = await subnetsOfVpc(tx, vpc.id);
        await saveVpc(
          tx,
          updateVpc(vpc, command, {
            ipv6CidrCandidate: randomIpv6Cidr(),
            subnetCidrs: subnets.map((subnet) => subnet.cidr),
          }),
        );
        return {};
      }),
    );
  }

  async delete(caller: Caller, vpcId: string, idem?: IdempotencyInput): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'DeleteVpc', now }, idem, async () => {
        const vpc = await requireVpc(tx, caller, vpcId);
        const table = await findRouteTable(tx, caller, { vpcId: vpc.id });
        checkVpcDeletable(vpc, {
          subnets: (await subnetsOfVpc(tx, vpc.id)).length,
          customRouteRules: table ? (await rulesOfTable(tx, table.id)).length : 0,
          peerConns: await countUndeletedOfVpc(tx, vpc.id),
          endpoints: await countEndpoints(tx, { vpcId: vpc.id }),
        });
        await deleteRouteTableOfVpc(tx, vpc.id);
        await deleteVpcRow(tx, vpc.id);
        return {};
      }),
    );
  }

  /** Turning relay on or off is idempotent in itself: setting the current value changes nothing. */
  async setRelay(caller: Caller, vpcId: string, relay: boolean, idem?: IdempotencyInput): Promise<object> {
    const now = this.clock.now();
    const operation = relay ? 'OpenVpcRelay' : 'ShutdownVpcRelay';
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation, now }, idem, async () => {
        const vpc = await requireVpc(tx, caller, vpcId);
        if (vpc.relay !== relay) await saveVpc(tx, { ...vpc, relay });
        return {};
      }),
    );
  }

  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await transact(this.db, work);
    this.onChanged();
    return result;
  }
}
