import type { Db } from './database.js';
import { transact } from './transact.js';

/** Tables of resources, children first; accounts and keys are kept so that callers stay signed in. */
const RESOURCE_TABLES = [
  'peer_conn_events',
  'peer_conn_ends',
  'peer_conns',
  'route_rules',
  'route_tables',
  'subnets',
  'vpcs',
  'idempotency_keys',
] as const;

/** Empties every resource table in one transaction (the test API's reset). */
export async function deleteAllResources(db: Db): Promise<void> {
  await transact(db, async (tx) => {
    for (const table of RESOURCE_TABLES) await tx.deleteFrom(table).execute();
  });
}
