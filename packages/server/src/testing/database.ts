import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ConfigOverrides } from '../config.js';
import { type Db, openDatabase } from '../store/database.js';

/**
 * Tests run on SQLite, and on PostgreSQL too when PEERLINK_TEST_DATABASE_URL is set: each data
 * directory then maps to its own schema, so tests stay independent and a restart on the same
 * directory finds the same state.
 */
export const TEST_DATABASE_URL = process.env.PEERLINK_TEST_DATABASE_URL || undefined;
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
/** Set by the global setup (test/setup/postgres.ts), so that each run drops only its own schemas. */
export const TEST_RUN = process.env.PEERLINK_TEST_RUN ?? 'adhoc';

export function testSchemaPrefix(run: string): string {
  return `t_${run}_`;
}

export function testSchemaFor(dataDir: string): string {
  return (
    testSchemaPrefix(TEST_RUN) + createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 20)
  );
}

/** Config for a test server's database: nothing on SQLite, URL, schema and master key on PostgreSQL. */
export function testDatabaseOverrides(dataDir: string): ConfigOverrides {
  return TEST_DATABASE_URL
    ? { databaseUrl: TEST_DATABASE_URL, databaseSchema: testSchemaFor(dataDir), masterKey: TEST_MASTER_KEY }
    : {};
}

/** The same as environment variables, for tests that spawn `peerlink serve`. */
export function testDatabaseEnv(dataDir: string): NodeJS.ProcessEnv {
  return TEST_DATABASE_URL
    ? {
        PEERLINK_DATABASE_URL: TEST_DATABASE_URL,
        PEERLINK_DATABASE_SCHEMA: testSchemaFor(dataDir),
        PEERLINK_MASTER_KEY: TEST_MASTER_KEY,
      }
    : {};
}

export function openTestDatabase(dataDir: string): Promise<Db> {
  return openDatabase({ dataDir, ...testDatabaseOverrides(dataDir) });
}
