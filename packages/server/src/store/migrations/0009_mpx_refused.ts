import type { Kysely } from 'kysely';

/**
 * When the remote refused this side's MPX notice (a signed refusal in its answer to the push): the
 * connection then shows `refused` and the reason in `last_error` until the code is entered again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mpx_connections').addColumn('refused_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mpx_connections').dropColumn('refused_at').execute();
}
