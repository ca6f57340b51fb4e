import type { Selectable } from 'kysely';
import type { PageRequest } from '../../domain/pagination.js';
import type { Region } from '../../domain/regions.js';
import type { Subnet, SubnetType } from '../../domain/subnet.js';
import type { Executor } from '../database.js';
import type { SubnetsTable } from '../schema.js';
import type { Scope } from './scope.js';

const toSubnet = (row: Selectable<SubnetsTable>): Subnet => ({
  id: row.id,
  accountId: row.account_id,
  region: row.region as Region,
  vpcId: row.vpc_id,
  name: row.name,
  zoneName: row.zone_name,
  cidr: row.cidr,
  subnetType: row.subnet_type as SubnetType,
  description: row.description,
  tags: JSON.parse(row.tags),
  createdAt: Number(row.created_at),
});

export async function insertSubnet(db: Executor, subnet: Subnet): Promise<void> {
  await db
    .insertInto('subnets')
    .values({
      id: subnet.id,
      account_id: subnet.accountId,
      region: subnet.region,
      vpc_id: subnet.vpcId,
      name: subnet.name,
      zone_name: subnet.zoneName,
      cidr: subnet.cidr,
      subnet_type: subnet.subnetType,
      description: subnet.description,
      tags: JSON.stringify(subnet.tags),
      created_at: subnet.createdAt,
    })
    .execute();
}

export async function saveSubnetAttributes(db: Executor, subnet: Subnet): Promise<void> {
  await db
    .updateTable('subnets')
    .set({ name: subnet.name, description: subnet.description })
    .where('id', '=', subnet.id)
    .execute();
}

export async function deleteSubnetRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('subnets').where('id', '=', id).execute();
}

export async function findSubnet(db: Executor, scope: Scope, id: string): Promise<Subnet | undefined> {
  const row = await db
    .selectFrom('subnets')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .executeTakeFirst();
  return row && toSubnet(row);
}

export async function subnetsOfVpc(db: Executor, vpcId: string): Promise<Subnet[]> {
  const rows = await db.selectFrom('subnets').selectAll().where('vpc_id', '=', vpcId).orderBy('id').execute();
  return rows.map(toSubnet);
}

export interface SubnetFilter {
  vpcId?: string;
  zoneName?: string;
  subnetType?: string;
}

export async function listSubnets(
  db: Executor,
  scope: Scope,
  filter: SubnetFilter,
  page: PageRequest,
): Promise<Subnet[]> {
  let query = db
    .selectFrom('subnets')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  if (filter.vpcId) query = query.where('vpc_id', '=', filter.vpcId);
  if (filter.zoneName) query = query.where('zone_name', '=', filter.zoneName);
  if (filter.subnetType) query = query.where('subnet_type', '=', filter.subnetType);
  return (await query.execute()).map(toSubnet);
}
