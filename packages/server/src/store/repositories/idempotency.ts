import type { Executor } from '../database.js';

export interface IdempotencyRecord {
  fingerprint: string;
  result: string;
  lastUsedAt: number;
}

export interface IdempotencyKey {
  accountId: string;
  operation: string;
  token: string;
}

export async function findIdempotencyRecord(
  db: Executor,
  key: IdempotencyKey,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'result', 'last_used_at'])
    .where('account_id', '=', key.accountId)
    .where('operation', '=', key.operation)
    .where('token', '=', key.token)
    .executeTakeFirst();
  return row && { fingerprint: row.fingerprint, result: row.result, lastUsedAt: Number(row.last_used_at) };
}

export async function touchIdempotencyRecord(db: Executor, key: IdempotencyKey, now: number): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ last_used_at: now })
    .where('account_id', '=', key.accountId)
    .where('operation', '=', key.operation)
    .where('token', '=', key.token)
    .execute();
}

/** Records (or, for an expired token, replaces) what a token's first request answered. */
export async function putIdempotencyRecord(
  db: Executor,
  key: IdempotencyKey,
  record: { fingerprint: string; result: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      account_id: key.accountId,
      operation: key.operation,
      token: key.token,
      fingerprint: record.fingerprint,
      result: record.result,
      created_at: now,
      last_used_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'operation', 'token']).doUpdateSet({
        fingerprint: record.fingerprint,
        result: record.result,
        created_at: now,
        last_used_at: now,
      }),
    )
    .execute();
}

export async function deleteIdempotencyRecordsBefore(db: Executor, cutoff: number): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('last_used_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
