import type { Kysely } from 'kysely';

/**
 * The reconciler's due query reads only `id`: with it in the index, finding due rows never touches
 * the table (3x faster at 1M connections, see bench/README.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('peer_conns_due').execute();
  await db.schema.createIndex('peer_conns_due').on('peer_conns').columns(['next_due_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('peer_conns_due').execute();
  await db.schema.createIndex('peer_conns_due').on('peer_conns').column('next_due_at').execute();
}
