import type { Enrollment } from '../../domain/enrollment.js';
import type { Executor } from '../database.js';

const SLOT = 'self';

export async function findEnrollment(
  db: Executor,
): Promise<(Enrollment & { privateKeySealed: string }) | undefined> {
  const row = await db.selectFrom('enrollment').selectAll().where('slot', '=', SLOT).executeTakeFirst();
  return (
    row && {
      id: row.id,
      publicKey: row.public_key,
      privateKeySealed: row.private_key_sealed,
      platformTitle: row.platform_title,
      createdAt: Number(row.created_at),
    }
  );
}

export async function insertEnrollment(
  db: Executor,
  enrollment: Enrollment,
  privateKeySealed: string,
): Promise<void> {
  await db
    .insertInto('enrollment')
    .values({
      slot: SLOT,
      id: enrollment.id,
      public_key: enrollment.publicKey,
      private_key_sealed: privateKeySealed,
      platform_title: enrollment.platformTitle,
      created_at: enrollment.createdAt,
    })
    .execute();
}

export async function savePlatformTitle(db: Executor, title: string): Promise<void> {
  await db.updateTable('enrollment').set({ platform_title: title }).where('slot', '=', SLOT).execute();
}
