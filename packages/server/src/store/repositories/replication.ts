import type { TypeMapping } from '../../domain/data/mapping.js';
import type { Executor } from '../database.js';
import type { ReplicationJobsTable } from '../schema-data.js';

// ---- id translation (R37)

export async function findPeeredItemId(
  db: Executor,
  connectionId: string,
  remoteId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('item_peers')
    .select('item_id')
    .where('connection_id', '=', connectionId)
    .where('remote_id', '=', remoteId)
    .executeTakeFirst();
  return row?.item_id;
}

export async function remoteIdOf(
  db: Executor,
  connectionId: string,
  itemId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('item_peers')
    .select('remote_id')
    .where('item_id', '=', itemId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return row?.remote_id;
}

export async function peersOfItem(
  db: Executor,
  itemId: string,
): Promise<{ connectionId: string; remoteId: string }[]> {
  const rows = await db
    .selectFrom('item_peers')
    .select(['connection_id', 'remote_id'])
    .where('item_id', '=', itemId)
    .orderBy('connection_id')
    .execute();
  return rows.map((row) => ({ connectionId: row.connection_id, remoteId: row.remote_id }));
}

/** Records local item ↔ remote id on a connection; an item has one remote id per connection. */
export async function linkPeeredItem(
  db: Executor,
  connectionId: string,
  remoteId: string,
  itemId: string,
): Promise<void> {
  // Two deletes, each on its own index: SQLite cannot use an index for the OR of the two, and
  // scanned every translation of the connection per imported item (quadratic imports).
  await db
    .deleteFrom('item_peers')
    .where('connection_id', '=', connectionId)
    .where('remote_id', '=', remoteId)
    .execute();
  await db
    .deleteFrom('item_peers')
    .where('item_id', '=', itemId)
    .where('connection_id', '=', connectionId)
    .execute();
  await db
    .insertInto('item_peers')
    .values({ connection_id: connectionId, remote_id: remoteId, item_id: itemId })
    .execute();
}

// ---- object type mappings

function mappingFromRow(row: {
  connection_id: string;
  local_type: string;
  remote_type: string;
  properties: string;
  created_at: number;
}): TypeMapping {
  return {
    connectionId: row.connection_id,
    localType: row.local_type,
    remoteType: row.remote_type,
    properties: JSON.parse(row.properties) as Record<string, string>,
    createdAt: Number(row.created_at),
  };
}

/** Stores a mapping, replacing any other for the same local or remote type on the connection. */
export async function putTypeMapping(db: Executor, mapping: TypeMapping): Promise<void> {
  await db
    .deleteFrom('type_mappings')
    .where('connection_id', '=', mapping.connectionId)
    .where((eb) =>
      eb.or([eb('local_type', '=', mapping.localType), eb('remote_type', '=', mapping.remoteType)]),
    )
    .execute();
  await db
    .insertInto('type_mappings')
    .values({
      connection_id: mapping.connectionId,
      local_type: mapping.localType,
      remote_type: mapping.remoteType,
      properties: JSON.stringify(mapping.properties),
      created_at: mapping.createdAt,
    })
    .execute();
}

export async function deleteTypeMapping(
  db: Executor,
  connectionId: string,
  localType: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('type_mappings')
    .where('connection_id', '=', connectionId)
    .where('local_type', '=', localType)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listTypeMappings(db: Executor, connectionId: string): Promise<TypeMapping[]> {
  const rows = await db
    .selectFrom('type_mappings')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('local_type')
    .execute();
  return rows.map(mappingFromRow);
}

// ---- replication jobs

export type JobDirection = 'export' | 'import';

export interface JobKey {
  connectionId: string;
  dataType: string;
  direction: JobDirection;
}

export interface JobRow {
  key: JobKey;
  epoch: number;
  watermark: number;
  /** Export: where the last chunk sent ended. */
  sentSeq: number;
  acked: number;
  ackedAt: number | null;
  lastTransferAt: number | null;
  lastItems: number;
  itemsTotal: number;
  chunksTotal: number;
  withheld: number;
  lastError: string | null;
  /** Export: the security (JSON) the sent changes were checked against. */
  security: string | null;
}

function jobFromRow(row: ReplicationJobsTable): JobRow {
  return {
    key: {
      connectionId: row.connection_id,
      dataType: row.data_type,
      direction: row.direction as JobDirection,
    },
    epoch: Number(row.epoch),
    watermark: Number(row.watermark),
    sentSeq: Number(row.sent_seq),
    acked: Number(row.acked),
    ackedAt: row.acked_at === null ? null : Number(row.acked_at),
    lastTransferAt: row.last_transfer_at === null ? null : Number(row.last_transfer_at),
    lastItems: Number(row.last_items),
    itemsTotal: Number(row.items_total),
    chunksTotal: Number(row.chunks_total),
    withheld: Number(row.withheld),
    lastError: row.last_error,
    security: row.security,
  };
}

export async function findJob(db: Executor, key: JobKey): Promise<JobRow | undefined> {
  const row = await db
    .selectFrom('replication_jobs')
    .selectAll()
    .where('connection_id', '=', key.connectionId)
    .where('data_type', '=', key.dataType)
    .where('direction', '=', key.direction)
    .executeTakeFirst();
  return row && jobFromRow(row);
}

/** The job, created at watermark 0 on first use. */
export async function ensureJob(db: Executor, key: JobKey): Promise<JobRow> {
  const found = await findJob(db, key);
  if (found) return found;
  await db
    .insertInto('replication_jobs')
    .values({
      connection_id: key.connectionId,
      data_type: key.dataType,
      direction: key.direction,
      epoch: 0,
      watermark: 0,
      sent_seq: 0,
      acked: 0,
      acked_at: null,
      last_transfer_at: null,
      last_items: 0,
      items_total: 0,
      chunks_total: 0,
      withheld: 0,
      last_error: null,
      security: null,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'data_type', 'direction']).doNothing())
    .execute();
  return (await findJob(db, key))!;
}

export async function listJobs(db: Executor, connectionId: string): Promise<JobRow[]> {
  const rows = await db
    .selectFrom('replication_jobs')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('data_type')
    .orderBy('direction')
    .execute();
  return rows.map(jobFromRow);
}

/**
 * Saves a job's new state if it still has the epoch and watermark it was read with: two replicas
 * exporting the same job at once cannot both send the same changes. Answers whether it saved.
 */
export async function saveJob(db: Executor, before: JobRow, after: JobRow): Promise<boolean> {
  const result = await db
    .updateTable('replication_jobs')
    .set({
      epoch: after.epoch,
      watermark: after.watermark,
      sent_seq: after.sentSeq,
      acked: after.acked,
      acked_at: after.ackedAt,
      last_transfer_at: after.lastTransferAt,
      last_items: after.lastItems,
      items_total: after.itemsTotal,
      chunks_total: after.chunksTotal,
      withheld: after.withheld,
      last_error: after.lastError,
      security: after.security,
    })
    .where('connection_id', '=', before.key.connectionId)
    .where('data_type', '=', before.key.dataType)
    .where('direction', '=', before.key.direction)
    .where('epoch', '=', before.epoch)
    .where('watermark', '=', before.watermark)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---- items parked until their type matches (R30)

export async function parkItem(
  db: Executor,
  parked: {
    connectionId: string;
    remoteId: string;
    typeName: string;
    payload: string;
    reason: string;
    at: number;
  },
): Promise<void> {
  await db
    .deleteFrom('parked_items')
    .where('connection_id', '=', parked.connectionId)
    .where('remote_id', '=', parked.remoteId)
    .execute();
  await db
    .insertInto('parked_items')
    .values({
      connection_id: parked.connectionId,
      remote_id: parked.remoteId,
      type_name: parked.typeName,
      payload: parked.payload,
      reason: parked.reason,
      parked_at: parked.at,
    })
    .execute();
}

export async function unparkItem(db: Executor, connectionId: string, remoteId: string): Promise<void> {
  await db
    .deleteFrom('parked_items')
    .where('connection_id', '=', connectionId)
    .where('remote_id', '=', remoteId)
    .execute();
}

export async function listParked(
  db: Executor,
  connectionId: string,
  limit: number,
): Promise<{ remoteId: string; typeName: string; payload: string; reason: string; parkedAt: number }[]> {
  const rows = await db
    .selectFrom('parked_items')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('parked_at')
    .orderBy('remote_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    remoteId: row.remote_id,
    typeName: row.type_name,
    payload: row.payload,
    reason: row.reason,
    parkedAt: Number(row.parked_at),
  }));
}

export async function parkedSummary(
  db: Executor,
  connectionId: string,
): Promise<{ typeName: string; count: number; reason: string }[]> {
  const rows = await db
    .selectFrom('parked_items')
    .select((eb) => ['type_name', eb.fn.countAll<number>().as('n'), eb.fn.max('reason').as('reason')])
    .where('connection_id', '=', connectionId)
    .groupBy('type_name')
    .orderBy('type_name')
    .execute();
  return rows.map((row) => ({ typeName: row.type_name, count: Number(row.n), reason: String(row.reason) }));
}

export async function connectionsWithParked(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('parked_items').select('connection_id').distinct().execute();
  return rows.map((row) => row.connection_id);
}
