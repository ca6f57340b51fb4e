import type { Kysely } from 'kysely';

/**
 * Dataplane endpoints (issue #14): stand-ins for instances and ENIs, each an address in one subnet,
 * programmed by the dataplane driver as a network namespace. One address per subnet and one name
 * per VPC (the name is the endpoint's DNS label in the VPC's zone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dataplane_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('vpc_id', 'text', (c) => c.notNull())
    .addColumn('subnet_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('dataplane_endpoints_address', ['subnet_id', 'ip'])
    .addUniqueConstraint('dataplane_endpoints_name', ['vpc_id', 'name'])
    .execute();
  // Listing by owner (the status API, the account's list) walks this index in id order.
  await db.schema
    .createIndex('dataplane_endpoints_by_account')
    .on('dataplane_endpoints')
    .columns(['account_id', 'region', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataplane_endpoints').execute();
}
