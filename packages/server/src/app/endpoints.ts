import type { Clock } from '../clock.js';
import {
  allocateAddress,
  checkEndpointName,
  type Endpoint,
  endpointNameTaken,
} from '../domain/dataplane/endpoint.js';
import { noSuchObject } from '../domain/errors.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import type { Db } from '../store/database.js';
import {
  addressesOfSubnet,
  deleteEndpointRow,
  type EndpointFilter,
  endpointNamed,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
} from '../store/repositories/endpoints.js';
import { transact } from '../store/transact.js';
import type { Caller } from './caller.js';
import type { IdGenerator } from './ids.js';
import { requireSubnet, requireVpc } from './lookups.js';

/**
 * Dataplane endpoints: an address in a subnet, allocated here and programmed by the dataplane
 * (dataplane/service.ts), which `onChanged` pokes after each committed change.
 */
export class EndpointService {
  onChanged: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * The lowest free address of the subnet. Two creates racing for one address: the unique
   * (subnet_id, ip) index fails the second, whose transaction runs again and takes the next one.
   */
  async create(caller: Caller, command: { subnetId: string; name: string }): Promise<Endpoint> {
    const name = checkEndpointName(command.name);
    const now = this.clock.now();
    const endpoint = await transact(this.db, async (tx) => {
      const subnet = await requireSubnet(tx, caller, command.subnetId);
      if (await endpointNamed(tx, subnet.vpcId, name)) throw endpointNameTaken(subnet.vpcId, name);
      const created: Endpoint = {
        id: this.ids.next('ep'),
        accountId: caller.accountId,
        region: caller.region,
        vpcId: subnet.vpcId,
        subnetId: subnet.id,
        name,
        ip: allocateAddress(subnet, await addressesOfSubnet(tx, subnet.id)),
        createdAt: now,
      };
      await insertEndpoint(tx, created);
      return created;
    });
    this.onChanged();
    return endpoint;
  }

  async get(caller: Caller, endpointId: string): Promise<Endpoint> {
    const endpoint = await findEndpoint(this.db, caller, endpointId);
    if (!endpoint)
      throw noSuchObject(
        'EndpointNotFound',
        `endpoint ${endpointId} does not exist in region ${caller.region}`,
      );
    return endpoint;
  }

  /** A VPC or subnet filter must name one of the caller's own (else 404, as everywhere). */
  async list(caller: Caller, filter: EndpointFilter, page: PageRequest): Promise<Page<Endpoint>> {
    if (filter.vpcId) await requireVpc(this.db, caller, filter.vpcId);
    if (filter.subnetId) await requireSubnet(this.db, caller, filter.subnetId);
    const rows = await listEndpoints(this.db, caller, filter, {
      ...(page.marker ? { marker: page.marker } : {}),
      limit: page.maxKeys + 1,
    });
    return toPage(rows, page, (endpoint) => endpoint.id);
  }

  async delete(caller: Caller, endpointId: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const endpoint = await findEndpoint(tx, caller, endpointId);
      if (!endpoint)
        throw noSuchObject(
          'EndpointNotFound',
          `endpoint ${endpointId} does not exist in region ${caller.region}`,
        );
      await deleteEndpointRow(tx, endpoint.id);
    });
    this.onChanged();
  }
}
