import type { Kysely } from 'kysely';

/** Peer connections: one row per connection, one per end, and their event history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('peer_conns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('next_status', 'text')
    .addColumn('status_due_at', 'bigint')
    .addColumn('bandwidth_mbps', 'integer', (c) => c.notNull())
    .addColumn('payment_timing', 'text', (c) => c.notNull())
    .addColumn('reservation_months', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('consult_deadline', 'bigint')
    .addColumn('delete_protect', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('initiator_account_id', 'text', (c) => c.notNull())
    // Both VPC ids, sorted, while the connection holds the pair; NULL once released. The unique
    // index makes "one connection per VPC pair" hold even between racing requests.
    .addColumn('pair_key', 'text')
    // The earliest moment the reconciler has work on this row; NULL when none.
    .addColumn('next_due_at', 'bigint')
    .execute();
  await db.schema.createIndex('peer_conns_pair').on('peer_conns').column('pair_key').unique().execute();
  await db.schema.createIndex('peer_conns_due').on('peer_conns').column('next_due_at').execute();
  await db.schema
    .createIndex('peer_conns_initiator_account')
    .on('peer_conns')
    .columns(['initiator_account_id', 'pair_key'])
    .execute();

  await db.schema
    .createTable('peer_conn_ends')
    .addColumn('peer_conn_id', 'text', (c) => c.notNull().references('peer_conns.id').onDelete('cascade'))
    .addColumn('end_index', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('vpc_id', 'text', (c) => c.notNull())
    .addColumn('if_id', 'text', (c) => c.notNull().unique())
    .addColumn('if_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('dns_status', 'text', (c) => c.notNull())
    .addColumn('dns_due_at', 'bigint')
    .addPrimaryKeyConstraint('peer_conn_ends_pk', ['peer_conn_id', 'end_index'])
    .execute();
  await db.schema
    .createIndex('peer_conn_ends_owner')
    .on('peer_conn_ends')
    .columns(['account_id', 'region', 'peer_conn_id', 'end_index'])
    .execute();
  await db.schema.createIndex('peer_conn_ends_vpc').on('peer_conn_ends').columns(['vpc_id']).execute();

  await db.schema
    .createTable('peer_conn_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('peer_conn_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('peer_conn_events_conn')
    .on('peer_conn_events')
    .columns(['peer_conn_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['peer_conn_events', 'peer_conn_ends', 'peer_conns'])
    await db.schema.dropTable(table).execute();
}
