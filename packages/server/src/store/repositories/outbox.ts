import type { Executor } from '../database.js';

export interface OutboxMessage {
  id: string;
  remoteEnrollmentId: string;
  kind: string;
  body: string;
  createdAt: number;
  attempts: number;
  lastError: string | null;
  deliveredAt: number | null;
  deliveredVia: string | null;
}

export async function insertOutboxMessage(
  db: Executor,
  message: { id: string; remoteEnrollmentId: string; kind: string; body: string; createdAt: number },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      id: message.id,
      remote_enrollment_id: message.remoteEnrollmentId,
      kind: message.kind,
      body: message.body,
      created_at: message.createdAt,
      next_attempt_at: message.createdAt,
      attempts: 0,
      last_error: null,
      delivered_at: null,
      delivered_via: null,
    })
    .execute();
}

const select = (db: Executor) =>
  db
    .selectFrom('outbox')
    .select([
      'id',
      'remote_enrollment_id',
      'kind',
      'body',
      'created_at',
      'attempts',
      'last_error',
      'delivered_at',
      'delivered_via',
    ]);

function fromRow(row: {
  id: string;
  remote_enrollment_id: string;
  kind: string;
  body: string;
  created_at: number;
  attempts: number;
  last_error: string | null;
  delivered_at: number | null;
  delivered_via: string | null;
}): OutboxMessage {
  return {
    id: row.id,
    remoteEnrollmentId: row.remote_enrollment_id,
    kind: row.kind,
    body: row.body,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    lastError: row.last_error,
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    deliveredVia: row.delivered_via,
  };
}

/** Remotes with a message whose next attempt is due. */
export async function remotesWithDueMessages(db: Executor, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('remote_enrollment_id')
    .distinct()
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .execute();
  return rows.map((row) => row.remote_enrollment_id);
}

/** Undelivered messages to one remote, oldest first: messages to one remote go in order. */
export async function pendingMessages(
  db: Executor,
  remoteEnrollmentId: string,
  limit: number,
): Promise<OutboxMessage[]> {
  const rows = await select(db)
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .where('delivered_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/**
 * Takes the due messages of one remote for a delivery attempt: pushes their next attempt past a
 * lease, so that another replica does not send them meanwhile (sending twice is harmless, the
 * receiver applies each message once, but wasteful). Answers whether this caller won the lease.
 */
export async function leaseRemote(
  db: Executor,
  remoteEnrollmentId: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ next_attempt_at: now + leaseMs })
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markDelivered(db: Executor, ids: string[], at: number, via: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ delivered_at: at, delivered_via: via, next_attempt_at: null, last_error: null })
    .where('id', 'in', ids)
    .where('delivered_at', 'is', null)
    .execute();
}

/** A failed attempt (or, with `countAttempt` false, a wait): try again after `retryAt`. */
export async function markAttemptFailed(
  db: Executor,
  remoteEnrollmentId: string,
  error: string,
  retryAt: number,
  countAttempt: boolean,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      attempts: countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts'),
      last_error: error,
      next_attempt_at: retryAt,
    }))
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .where('delivered_at', 'is', null)
    .execute();
}

export async function listOutbox(
  db: Executor,
  filter: { remoteEnrollmentId?: string; pendingOnly?: boolean; limit: number },
): Promise<OutboxMessage[]> {
  let query = select(db).orderBy('id', 'desc').limit(filter.limit);
  if (filter.remoteEnrollmentId) query = query.where('remote_enrollment_id', '=', filter.remoteEnrollmentId);
  if (filter.pendingOnly) query = query.where('delivered_at', 'is', null);
  return (await query.execute()).map(fromRow);
}

export async function findInboxEntry(
  db: Executor,
  messageId: string,
): Promise<{ outcome: string } | undefined> {
  return db.selectFrom('inbox').select('outcome').where('message_id', '=', messageId).executeTakeFirst();
}

export async function insertInboxEntry(
  db: Executor,
  entry: { messageId: string; remoteEnrollmentId: string; kind: string; receivedAt: number; outcome: string },
): Promise<void> {
  await db
    .insertInto('inbox')
    .values({
      message_id: entry.messageId,
      remote_enrollment_id: entry.remoteEnrollmentId,
      kind: entry.kind,
      received_at: entry.receivedAt,
      outcome: entry.outcome,
    })
    .execute();
}

/** Records a request nonce; false when it was seen before (a replay). */
export async function rememberNonce(db: Executor, nonce: string, at: number): Promise<boolean> {
  const result = await db
    .insertInto('federation_nonces')
    .values({ nonce, seen_at: at })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function forgetNoncesBefore(db: Executor, before: number): Promise<number> {
  const result = await db.deleteFrom('federation_nonces').where('seen_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
