import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { ensurePrivateFile, prepareDataDir, restrictExisting } from './data-dir.js';
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
 *
 * The database file is created (or set) 0600 before SQLite opens it: SQLite gives its -wal and -shm
 * files the mode of the database file, and would otherwise create all three 0644 (less the umask).
 * Leftover -wal and -shm files (after a crash) are set 0600 too.
 */
export async function openSqlite(dataDir: string): Promise<Db> {
  prepareDataDir(dataDir);
  const file = path.join(dataDir, SQLITE_FILE);
  ensurePrivateFile(file);
  for (const suffix of ['-wal', '-shm']) restrictExisting(file + suffix);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db as unknown as Kysely<unknown>);
  return db;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * Opens a PostgreSQL database shared by any number of replicas, in one schema (created if
 * missing). Times are bigint milliseconds, read back as numbers. Migrations take Kysely's
 * migration lock, so replicas starting together migrate once.
 */
export async function openPostgres(
  url: string,
  schema = 'public',
  onPoolError: (error: Error) => void = () => {},
): Promise<Db> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`database schema "${schema}" must be a lowercase SQL name`);
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
  };
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    await setup.query(`create schema if not exists ${schema}`);
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  // An idle connection the server drops (restart, failover) must not end the process: the pool
  // replaces it on the next query.
  pool.on('error', onPoolError);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`set search_path to ${schema}`));
      },
    }),
  });
  await migrateToLatest(db as unknown as Kysely<unknown>, schema);
  return db;
}

export async function openDatabase(
  options: { dataDir: string; databaseUrl?: string; databaseSchema?: string },
  onPoolError?: (error: Error) => void,
): Promise<Db> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.databaseSchema, onPoolError)
    : openSqlite(options.dataDir);
}

/** PostgreSQL (row locks, SKIP LOCKED) rather than SQLite (one writer at a time)? */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
