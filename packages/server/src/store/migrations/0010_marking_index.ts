import type { Kysely } from 'kysely';

/**
 * One row per (subject, marking) for every marked item and conflict, beside the JSON the rows
 * keep, so that reads can be filtered by marking membership in SQL (R25): a listing page then
 * holds only what its reader may see, its markers and truncation stay right, and no count says
 * how much is hidden. A subject is an item (`obj-…`, `fil-…`) or a conflict (`cfl-…`, the markings
 * of both of its versions).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subject_markings')
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subject_markings_pk', ['subject_id', 'marking'])
    .execute();

  // What was stored before: items and conflicts already carry their markings as JSON.
  const typed = db as unknown as Kysely<{
    space_items: { id: string; markings: string };
    conflicts: { id: string; local_version: string; remote_version: string };
    subject_markings: { subject_id: string; marking: string };
  }>;
  const rows: { subject_id: string; marking: string }[] = [];
  for (const item of await typed.selectFrom('space_items').select(['id', 'markings']).execute())
    for (const marking of JSON.parse(item.markings) as string[]) rows.push({ subject_id: item.id, marking });
  for (const conflict of await typed
    .selectFrom('conflicts')
    .select(['id', 'local_version', 'remote_version'])
    .execute()) {
    const markings = new Set(
      [conflict.local_version, conflict.remote_version].flatMap(
        (version) => (JSON.parse(version) as { content: { markings: string[] } }).content.markings,
      ),
    );
    for (const marking of markings) rows.push({ subject_id: conflict.id, marking });
  }
  for (let at = 0; at < rows.length; at += 500)
    await typed
      .insertInto('subject_markings')
      .values(rows.slice(at, at + 500))
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('subject_markings').execute();
}
