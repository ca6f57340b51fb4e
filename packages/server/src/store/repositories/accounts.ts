import type { PageRequest } from '../../domain/pagination.js';
import type { Executor } from '../database.js';

export interface AccountRow {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  secretSealed: string;
  createdAt: number;
}

export interface Credential extends AccessKeyRecord {
  isAdmin: boolean;
}

const toAccount = (row: { id: string; name: string; is_admin: number; created_at: number }): AccountRow => ({
  id: row.id,
  name: row.name,
  isAdmin: row.is_admin === 1,
  createdAt: Number(row.created_at),
});

export async function insertAccount(db: Executor, account: AccountRow): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      name: account.name,
      is_admin: account.isAdmin ? 1 : 0,
      created_at: account.createdAt,
    })
    .execute();
}

export async function findAccount(db: Executor, id: string): Promise<AccountRow | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

export async function countAccounts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listAccounts(db: Executor, page: PageRequest): Promise<AccountRow[]> {
  let query = db
    .selectFrom('accounts')
    .selectAll()
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  return (await query.execute()).map(toAccount);
}

export async function insertAccessKey(db: Executor, key: AccessKeyRecord): Promise<void> {
  await db
    .insertInto('access_keys')
    .values({
      access_key_id: key.accessKeyId,
      account_id: key.accountId,
      secret_sealed: key.secretSealed,
      created_at: key.createdAt,
    })
    .execute();
}

export async function replaceAccessKeySecret(
  db: Executor,
  accessKeyId: string,
  secretSealed: string,
): Promise<void> {
  await db
    .updateTable('access_keys')
    .set({ secret_sealed: secretSealed })
    .where('access_key_id', '=', accessKeyId)
    .execute();
}

/** The key and whether its account is an administrator, in one read: this runs on every request. */
export async function findCredential(db: Executor, accessKeyId: string): Promise<Credential | undefined> {
  const row = await db
    .selectFrom('access_keys')
    .innerJoin('accounts', 'accounts.id', 'access_keys.account_id')
    .select(['access_key_id', 'account_id', 'secret_sealed', 'access_keys.created_at', 'accounts.is_admin'])
    .where('access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  return (
    row && {
      accessKeyId: row.access_key_id,
      accountId: row.account_id,
      secretSealed: row.secret_sealed,
      createdAt: Number(row.created_at),
      isAdmin: row.is_admin === 1,
    }
  );
}

export async function listAccessKeys(db: Executor, accountId: string): Promise<AccessKeyRecord[]> {
  const rows = await db
    .selectFrom('access_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('access_key_id')
    .execute();
  return rows.map((row) => ({
    accessKeyId: row.access_key_id,
    accountId: row.account_id,
    secretSealed: row.secret_sealed,
    createdAt: Number(row.created_at),
  }));
}

export async function deleteAccessKey(
  db: Executor,
  accountId: string,
  accessKeyId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('access_keys')
    .where('account_id', '=', accountId)
    .where('access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findFirstAdminId(db: Executor): Promise<string | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('is_admin', '=', 1)
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.id;
}
