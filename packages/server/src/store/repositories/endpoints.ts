import type { Selectable } from 'kysely';
import type { Endpoint } from '../../domain/dataplane/endpoint.js';
import type { Region } from '../../domain/regions.js';
import type { Executor } from '../database.js';
import type { DataplaneEndpointsTable } from '../schema.js';
import type { Scope } from './scope.js';

const toEndpoint = (row: Selectable<DataplaneEndpointsTable>): Endpoint => ({
  id: row.id,
  accountId: row.account_id,
  region: row.region as Region,
  vpcId: row.vpc_id,
  subnetId: row.subnet_id,
  name: row.name,
  ip: row.ip,
  createdAt: Number(row.created_at),
});

export async function insertEndpoint(db: Executor, endpoint: Endpoint): Promise<void> {
  await db
    .insertInto('dataplane_endpoints')
    .values({
      id: endpoint.id,
      account_id: endpoint.accountId,
      region: endpoint.region,
      vpc_id: endpoint.vpcId,
      subnet_id: endpoint.subnetId,
      name: endpoint.name,
      ip: endpoint.ip,
      created_at: endpoint.createdAt,
    })
    .execute();
}

export async function deleteEndpointRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('dataplane_endpoints').where('id', '=', id).execute();
}

/** An endpoint the scope's account owns in the scope's region. */
export async function findEndpoint(db: Executor, scope: Scope, id: string): Promise<Endpoint | undefined> {
  const row = await db
    .selectFrom('dataplane_endpoints')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .executeTakeFirst();
  return row && toEndpoint(row);
}

/** The addresses already taken in a subnet (the allocator skips them). */
export async function addressesOfSubnet(db: Executor, subnetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('dataplane_endpoints')
    .select('ip')
    .where('subnet_id', '=', subnetId)
    .execute();
  return rows.map((row) => row.ip);
}

export async function endpointNamed(db: Executor, vpcId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('dataplane_endpoints')
    .select('id')
    .where('vpc_id', '=', vpcId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countEndpoints(
  db: Executor,
  where: { vpcId?: string; subnetId?: string },
): Promise<number> {
  let query = db.selectFrom('dataplane_endpoints').select((eb) => eb.fn.countAll<number>().as('n'));
  if (where.vpcId) query = query.where('vpc_id', '=', where.vpcId);
  if (where.subnetId) query = query.where('subnet_id', '=', where.subnetId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export interface EndpointFilter {
  vpcId?: string;
  subnetId?: string;
}

/** Up to `limit` of the scope's endpoints in id order from `marker` on. */
export async function listEndpoints(
  db: Executor,
  scope: Scope,
  filter: EndpointFilter,
  page: { marker?: string; limit: number },
): Promise<Endpoint[]> {
  let query = db
    .selectFrom('dataplane_endpoints')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .orderBy('id')
    .limit(page.limit);
  if (page.marker) query = query.where('id', '>=', page.marker);
  if (filter.vpcId) query = query.where('vpc_id', '=', filter.vpcId);
  if (filter.subnetId) query = query.where('subnet_id', '=', filter.subnetId);
  return (await query.execute()).map(toEndpoint);
}

export async function allEndpoints(db: Executor): Promise<Endpoint[]> {
  return (await db.selectFrom('dataplane_endpoints').selectAll().orderBy('id').execute()).map(toEndpoint);
}
