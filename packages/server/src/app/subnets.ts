import type { Clock } from '../clock.js';
import { cidrContains, parseIpv4Cidr } from '../domain/net/cidr.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import {
  type CreateSubnetCommand,
  checkSubnetDeletable,
  createSubnet,
  type Subnet,
  updateSubnet,
} from '../domain/subnet.js';
import type { Db, Tx } from '../store/database.js';
import { countEndpoints } from '../store/repositories/endpoints.js';
import { findRouteTable, rulesOfTable } from '../store/repositories/routes.js';
import {
  deleteSubnetRow,
  insertSubnet,
  listSubnets,
  type SubnetFilter,
  saveSubnetAttributes,
  subnetsOfVpc,
} from '../store/repositories/subnets.js';
import { transact } from '../store/transact.js';
import type { Caller, IdempotencyInput } from './caller.js';
import { runIdempotent } from './idempotency.js';
import type { IdGenerator } from './ids.js';
import { requireSubnet, requireVpc } from './lookups.js';
import type { Quotas } from './quotas.js';

export class SubnetService {
  /** Called after each committed change (the dataplane converges to it). */
  onChanged: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly quotas: Quotas,
  ) {}

  async create(
    caller: Caller,
    command: CreateSubnetCommand & { vpcId: string },
    idem?: IdempotencyInput,
  ): Promise<{ subnetId: string }> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'CreateSubnet', now }, idem, async () => {
        const vpc = await requireVpc(tx, caller, command.vpcId);
        const subnet = createSubnet(command, {
          id: this.ids.next('sbn'),
          vpc,
          siblings: await subnetsOfVpc(tx, vpc.id),
          quota: this.quotas.subnetsPerVpc,
          now,
        });
        await insertSubnet(tx, subnet);
        return { subnetId: subnet.id };
      }),
    );
  }

  async list(caller: Caller, filter: SubnetFilter, page: PageRequest): Promise<Page<Subnet>> {
    return toPage(await listSubnets(this.db, caller, filter, page), page, (subnet) => subnet.id);
  }

  async get(caller: Caller, subnetId: string): Promise<Subnet> {
    return requireSubnet(this.db, caller, subnetId);
  }

  async update(
    caller: Caller,
    subnetId: string,
    command: { name?: string; description?: string },
    idem?: IdempotencyInput,
  ): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'UpdateSubnet', now }, idem, async () => {
        await saveSubnetAttributes(tx, updateSubnet(await requireSubnet(tx, caller, subnetId), command));
        return {};
      }),
    );
  }

  /** A subnet that is the source range of a route rule is still in use. */
  async delete(caller: Caller, subnetId: string, idem?: IdempotencyInput): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'DeleteSubnet', now }, idem, async () => {
        const subnet = await requireSubnet(tx, caller, subnetId);
        const table = await findRouteTable(tx, caller, { vpcId: subnet.vpcId });
        const block = parseIpv4Cidr(subnet.cidr)!;
        const dependentRules = table
          ? (await rulesOfTable(tx, table.id)).filter((rule) => {
              const source = parseIpv4Cidr(rule.sourceAddress)!;
              return source.prefix > 0 && cidrContains(block, source);
            }).length
          : 0;
        checkSubnetDeletable(subnet, dependentRules, await countEndpoints(tx, { subnetId: subnet.id }));
        await deleteSubnetRow(tx, subnet.id);
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
