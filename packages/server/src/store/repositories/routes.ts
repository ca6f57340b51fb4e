import type { Selectable } from 'kysely';
import type { PageRequest } from '../../domain/pagination.js';
import type { NexthopType, RouteRule, RouteTable } from '../../domain/route.js';
import type { Executor } from '../database.js';
import type { RouteRulesTable, RouteTablesTable } from '../schema.js';
import type { Scope } from './scope.js';

const toTable = (row: Selectable<RouteTablesTable>): RouteTable => ({
  id: row.id,
  accountId: row.account_id,
  vpcId: row.vpc_id,
  name: row.name,
  createdAt: Number(row.created_at),
});

const toRule = (row: Selectable<RouteRulesTable>): RouteRule => ({
  id: row.id,
  routeTableId: row.route_table_id,
  accountId: row.account_id,
  sourceAddress: row.source_address,
  destinationAddress: row.destination_address,
  nexthopId: row.nexthop_id,
  nexthopType: row.nexthop_type as NexthopType,
  description: row.description,
  ipVersion: 4,
  pathType: 'normal',
  createdAt: Number(row.created_at),
});

export async function insertRouteTable(db: Executor, table: RouteTable, region: string): Promise<void> {
  await db
    .insertInto('route_tables')
    .values({
      id: table.id,
      account_id: table.accountId,
      region,
      vpc_id: table.vpcId,
      name: table.name,
      created_at: table.createdAt,
    })
    .execute();
}

export async function deleteRouteTableOfVpc(db: Executor, vpcId: string): Promise<void> {
  await db.deleteFrom('route_tables').where('vpc_id', '=', vpcId).execute();
}

/** Looks a table up by its id or by its VPC's id, within the scope. */
export async function findRouteTable(
  db: Executor,
  scope: Scope,
  by: { routeTableId: string } | { vpcId: string },
): Promise<RouteTable | undefined> {
  let query = db
    .selectFrom('route_tables')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region);
  query =
    'routeTableId' in by ? query.where('id', '=', by.routeTableId) : query.where('vpc_id', '=', by.vpcId);
  const row = await query.executeTakeFirst();
  return row && toTable(row);
}

export async function insertRouteRule(db: Executor, rule: RouteRule): Promise<void> {
  await db
    .insertInto('route_rules')
    .values({
      id: rule.id,
      account_id: rule.accountId,
      route_table_id: rule.routeTableId,
      source_address: rule.sourceAddress,
      destination_address: rule.destinationAddress,
      nexthop_id: rule.nexthopId,
      nexthop_type: rule.nexthopType,
      description: rule.description,
      ip_version: rule.ipVersion,
      path_type: rule.pathType,
      created_at: rule.createdAt,
    })
    .execute();
}

export async function saveRouteRule(db: Executor, rule: RouteRule): Promise<void> {
  await db
    .updateTable('route_rules')
    .set({
      source_address: rule.sourceAddress,
      destination_address: rule.destinationAddress,
      nexthop_id: rule.nexthopId,
      nexthop_type: rule.nexthopType,
      description: rule.description,
    })
    .where('id', '=', rule.id)
    .execute();
}

export async function deleteRouteRuleRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('route_rules').where('id', '=', id).execute();
}

export async function findRouteRule(
  db: Executor,
  accountId: string,
  id: string,
): Promise<RouteRule | undefined> {
  const row = await db
    .selectFrom('route_rules')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row && toRule(row);
}

export async function rulesOfTable(db: Executor, routeTableId: string): Promise<RouteRule[]> {
  const rows = await db
    .selectFrom('route_rules')
    .selectAll()
    .where('route_table_id', '=', routeTableId)
    .orderBy('id')
    .execute();
  return rows.map(toRule);
}

export async function pageRulesOfTable(
  db: Executor,
  routeTableId: string,
  page: PageRequest,
): Promise<RouteRule[]> {
  let query = db
    .selectFrom('route_rules')
    .selectAll()
    .where('route_table_id', '=', routeTableId)
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  return (await query.execute()).map(toRule);
}

/** Routes through a peer connection's interfaces go when the connection is released. */
export async function deleteRouteRulesByNexthop(db: Executor, nexthopIds: string[]): Promise<number> {
  const result = await db
    .deleteFrom('route_rules')
    .where('nexthop_type', '=', 'peerConn')
    .where('nexthop_id', 'in', nexthopIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
