import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001_initial.js';
import * as peerConnections from './migrations/0002_peer_connections.js';
import * as dueIndexCoversId from './migrations/0003_due_index_covers_id.js';
import * as enrollmentAndAudit from './migrations/0004_enrollment_and_audit.js';
import * as users from './migrations/0005_users.js';
import * as spacesAndPolicies from './migrations/0006_spaces_and_policies.js';
import * as federation from './migrations/0007_federation.js';
import * as spaceData from './migrations/0008_space_data.js';
import * as mpxRefused from './migrations/0009_mpx_refused.js';
import * as markingIndex from './migrations/0010_marking_index.js';
import * as dataplaneEndpoints from './migrations/0011_dataplane_endpoints.js';

/** Migrations ship inside the code, named so that their order is their name's order. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_peer_connections': peerConnections,
  '0003_due_index_covers_id': dueIndexCoversId,
  '0004_enrollment_and_audit': enrollmentAndAudit,
  '0005_users': users,
  '0006_spaces_and_policies': spacesAndPolicies,
  '0007_federation': federation,
  '0008_space_data': spaceData,
  '0009_mpx_refused': mpxRefused,
  '0010_marking_index': markingIndex,
  '0011_dataplane_endpoints': dataplaneEndpoints,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Brings the schema up to date; throws (refusing to start) when a migration fails. */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables are named with their schema: Kysely looks for them across
  // every schema, and would otherwise find another tenant's.
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrations(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
