// In-process micro-measurements: the durable write ceiling of SQLite and the SDK's signing cost.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { signRequest } from '@peerlink/sdk';
import SQLite from 'better-sqlite3';

/** Calls `step` back to back for `ms` milliseconds; answers calls per second and µs per call. */
async function repeat(ms, step) {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await step(count);
    count++;
  }
  const elapsed = performance.now() - start;
  return { rate: (count * 1000) / elapsed, microsPerCall: (elapsed * 1000) / count };
}

/**
 * Single-row INSERT transactions into a fresh database file with the server's pragmas
 * (store/database.ts): WAL, and synchronous=FULL, so every commit waits for an fsync. No API
 * request that commits can go faster than this.
 */
export async function sqliteCommitRate(dir, ms) {
  const sqlite = new SQLite(path.join(dir, 'ceiling.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO item (name, created_at) VALUES (?, ?)');
  const commitOne = sqlite.transaction((i) => insert.run(`item-${i}`, Date.now()));
  const result = await repeat(ms, commitOne);
  sqlite.close();
  return result;
}

const SIGNED = {
  method: 'POST',
  url: new URL('http://127.0.0.1:8080/v1/vpc?clientToken=3f1c2d4e-0000-4000-8000-000000000000'),
  headers: {
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': '2024-01-02T03:04:05Z',
    'content-length': '42',
  },
  credentials: { ak: 'benchAccessKeyId', sk: 'benchSecretAccessKey' },
};

/** Sequential `signRequest` calls on a request shaped like the SDK's own POST /v1/vpc. */
export function signRate(ms) {
  return repeat(ms, () => signRequest(SIGNED));
}

/**
 * The floor under any bce-auth-v1 signer: just its two HMAC-SHA256 (signing key, then signature),
 * with node:crypto. signRequest's rate divided by this one is the SDK's overhead.
 */
export function hmacRate(ms) {
  const prefix = 'bce-auth-v1/benchAccessKeyId/2024-01-02T03:04:05Z/1800';
  const canonical = 'POST\n/v1/vpc\nclientToken=3f1c2d4e\ncontent-length:42\nhost:127.0.0.1%3A8080';
  const hmac = (key, data) => createHmac('sha256', key).update(data).digest('hex');
  return repeat(ms, () => hmac(hmac(SIGNED.credentials.sk, prefix), canonical));
}
