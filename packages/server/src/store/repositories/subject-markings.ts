import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../database.js';

/**
 * The marking index (migration 0009): the markings of each item and conflict, one row each, kept
 * in the transaction that writes the item or the conflict.
 */
export async function setSubjectMarkings(
  db: Executor,
  subjectId: string,
  markings: readonly string[],
): Promise<void> {
  await db.deleteFrom('subject_markings').where('subject_id', '=', subjectId).execute();
  const unique = [...new Set(markings)];
  if (unique.length > 0)
    await db
      .insertInto('subject_markings')
      .values(unique.map((marking) => ({ subject_id: subjectId, marking })))
      .execute();
}

/**
 * A condition true of the rows whose subject (the column `subjectColumn`) carries no marking
 * outside `held`: the SQL form of `canRead` (domain/data/visibility.ts), so that a page is cut
 * from what the reader may see.
 */
export function readableWith(subjectColumn: string, held: readonly string[]): RawBuilder<SqlBool> {
  const outside =
    held.length > 0
      ? sql`and sm.marking not in (${sql.join(held.map((marking) => sql`${marking}`))})`
      : sql``;
  return sql<SqlBool>`not exists (select 1 from subject_markings sm where sm.subject_id = ${sql.ref(subjectColumn)} ${outside})`;
}
