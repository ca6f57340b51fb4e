import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

export const SQLITE_FILE = 'peerlink.sqlite';

/**
 * Opens (creating if needed) the embedded SQLite database of a data directory. WAL lets readers
 * run beside the writer; synchronous=FULL fsyncs every commit, so an acknowledged write survives a
 * power cut.
 */
export async function openSqlite(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(path.join(dataDir, SQLITE_FILE));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db as unknown as Kysely<unknown>);
  return db;
}
