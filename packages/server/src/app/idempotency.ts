import { DomainError } from '../domain/errors.js';
import type { Tx } from '../store/database.js';
import {
  findIdempotencyRecord,
  putIdempotencyRecord,
  touchIdempotencyRecord,
} from '../store/repositories/idempotency.js';
import type { IdempotencyInput } from './caller.js';

/** A token is remembered for 24 hours from its last use (reference §5.7). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const TOUCH_INTERVAL_MS = 60 * 1000;

/**
 * Runs `work` once per (account, operation, token) inside the caller's transaction, so the effect
 * and the record of its result commit together: a retry answers the first result, a token reused
 * for a different request is refused, and a failed request leaves no record (it may be retried).
 */
export async function runIdempotent<T extends object>(
  tx: Tx,
  scope: { accountId: string; operation: string; now: number },
  input: IdempotencyInput | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!input) return work();
  const key = { accountId: scope.accountId, operation: scope.operation, token: input.token };
  const existing = await findIdempotencyRecord(tx, key);
  if (existing && existing.lastUsedAt + IDEMPOTENCY_WINDOW_MS > scope.now) {
    if (existing.fingerprint !== input.fingerprint) {
      throw new DomainError(
        'IdempotentParameterMismatch',
        'ClientTokenReused',
        `clientToken "${input.token}" was already used for a different ${scope.operation} request`,
      );
    }
    // Refreshing the window at most once a minute: a burst of retries of one token would otherwise
    // all write the same row, and on PostgreSQL conflict with each other.
    if (scope.now - existing.lastUsedAt >= TOUCH_INTERVAL_MS)
      await touchIdempotencyRecord(tx, key, scope.now);
    return JSON.parse(existing.result) as T;
  }
  const result = await work();
  await putIdempotencyRecord(
    tx,
    key,
    { fingerprint: input.fingerprint, result: JSON.stringify(result) },
    scope.now,
  );
  return result;
}
