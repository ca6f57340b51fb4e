import { type Kysely, sql } from 'kysely';

/**
 * Spaces and their managers (Peer Manager §1.1, R10), and the enrollment's network policies: the
 * ingress allow-list and the egress destinations (§1.3, R1). A rule names exactly one selector,
 * and no two rules name the same one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('space_managers')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('space_managers_pk', ['space_id', 'principal_id'])
    .execute();
  // "Which spaces does this principal manage?" is asked on every non-administrator listing.
  await db.schema
    .createIndex('space_managers_principal')
    .on('space_managers')
    .columns(['principal_id', 'space_id'])
    .execute();

  await db.schema
    .createTable('ingress_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cidr', 'text', (c) => c.unique())
    .addColumn('enrollment_id', 'text', (c) => c.unique())
    .addColumn('country', 'text', (c) => c.unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'ingress_rules_one_selector',
      sql`(case when cidr is null then 0 else 1 end) + (case when enrollment_id is null then 0 else 1 end) + (case when country is null then 0 else 1 end) = 1`,
    )
    .execute();

  await db.schema
    .createTable('egress_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('destination', 'text', (c) => c.unique())
    .addColumn('enrollment_id', 'text', (c) => c.unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'egress_rules_one_selector',
      sql`(case when destination is null then 0 else 1 end) + (case when enrollment_id is null then 0 else 1 end) = 1`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('egress_rules').execute();
  await db.schema.dropTable('ingress_rules').execute();
  await db.schema.dropTable('space_managers').execute();
  await db.schema.dropTable('spaces').execute();
}
