import type { Selectable } from 'kysely';
import type { PageRequest } from '../../domain/pagination.js';
import type { Region } from '../../domain/regions.js';
import type { Vpc } from '../../domain/vpc.js';
import type { Executor } from '../database.js';
import type { VpcsTable } from '../schema.js';
import { bool, type Scope } from './scope.js';

const toVpc = (row: Selectable<VpcsTable>): Vpc => ({
  id: row.id,
  accountId: row.account_id,
  region: row.region as Region,
  name: row.name,
  description: row.description,
  cidr: row.cidr,
  ipv6Cidr: row.ipv6_cidr,
  secondaryCidrs: JSON.parse(row.secondary_cidrs),
  isDefault: row.is_default === 1,
  relay: row.relay === 1,
  tags: JSON.parse(row.tags),
  createdAt: Number(row.created_at),
});

const toRow = (vpc: Vpc): Selectable<VpcsTable> => ({
  id: vpc.id,
  account_id: vpc.accountId,
  region: vpc.region,
  name: vpc.name,
  description: vpc.description,
  cidr: vpc.cidr,
  ipv6_cidr: vpc.ipv6Cidr,
  secondary_cidrs: JSON.stringify(vpc.secondaryCidrs),
  is_default: bool(vpc.isDefault),
  relay: bool(vpc.relay),
  tags: JSON.stringify(vpc.tags),
  created_at: vpc.createdAt,
});

export async function insertVpc(db: Executor, vpc: Vpc): Promise<void> {
  await db.insertInto('vpcs').values(toRow(vpc)).execute();
}

export async function saveVpc(db: Executor, vpc: Vpc): Promise<void> {
  const { id, ...fields } = toRow(vpc);
  await db.updateTable('vpcs').set(fields).where('id', '=', id).execute();
}

export async function deleteVpcRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('vpcs').where('id', '=', id).execute();
}

/** A VPC of the scope's account in the scope's region; another owner's VPC is "not found". */
export async function findVpc(db: Executor, scope: Scope, id: string): Promise<Vpc | undefined> {
  const row = await db
    .selectFrom('vpcs')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .executeTakeFirst();
  return row && toVpc(row);
}

export async function countVpcs(db: Executor, scope: Scope): Promise<number> {
  const row = await db
    .selectFrom('vpcs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface VpcFilter {
  isDefault?: boolean;
  vpcIds?: string[];
}

export async function listVpcs(
  db: Executor,
  scope: Scope,
  filter: VpcFilter,
  page: PageRequest,
): Promise<Vpc[]> {
  let query = db
    .selectFrom('vpcs')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  if (filter.isDefault !== undefined) query = query.where('is_default', '=', bool(filter.isDefault));
  if (filter.vpcIds) query = query.where('id', 'in', filter.vpcIds);
  return (await query.execute()).map(toVpc);
}

/** A VPC whatever its owner: for rules that span accounts, such as what a VPC is peered with. */
export async function findVpcAnyOwner(db: Executor, id: string): Promise<Vpc | undefined> {
  const row = await db.selectFrom('vpcs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toVpc(row);
}
