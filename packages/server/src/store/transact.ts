import type { Db, Tx } from './database.js';

/**
 * Errors after which the whole transaction can simply run again: PostgreSQL serialization
 * failures and deadlocks, and unique violations (a concurrent transaction committed the row this
 * one was about to insert; run again, this one sees it and answers accordingly).
 */
const RETRYABLE_CODES = new Set([
  '40001',
  '40P01',
  '23505',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_BUSY',
]);
/**
 * Many requests on one row (retries of one clientToken, answers to one request) conflict in turn:
 * each round only one commits. Pauses grow (2, 4, 8 … ms, each a random part of its bound, at most
 * MAX_PAUSE_MS) so that the contenders spread out; a request that still conflicts after every
 * attempt answers 503 (http/errors.ts), which clients retry.
 */
const MAX_ATTEMPTS = 50;
const MAX_PAUSE_MS = 100;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * Runs `work` as one serializable transaction, again (with a short random pause) when a concurrent
 * transaction made it fail in a way that a fresh run resolves. On SQLite transactions already run
 * one at a time; on PostgreSQL serializable isolation is what keeps check-then-write rules (one
 * connection per VPC pair, quotas) true between replicas.
 */
export async function transact<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('serializable').execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      const pause = Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
