import type { Selectable } from 'kysely';
import type { PeerConnection } from '../../domain/peering/model.js';
import type { Executor } from '../database.js';
import type { PmChangeRequestsTable, PmConnectionsTable } from '../schema-federation.js';

function fromRow(row: Selectable<PmConnectionsTable>): PeerConnection {
  return {
    id: row.id,
    peeringId: row.peering_id,
    role: row.role as PeerConnection['role'],
    spaceId: row.space_id,
    remoteEnrollmentId: row.remote_enrollment_id,
    remoteTitle: row.remote_title,
    remoteSpace:
      row.remote_space_id !== null ? { id: row.remote_space_id, name: row.remote_space_name ?? '' } : null,
    dataTypes: JSON.parse(row.data_types),
    security: JSON.parse(row.security),
    state: row.state as PeerConnection['state'],
    stateReason: row.state_reason,
    localDisabled: row.local_disabled === 1,
    remoteDisabled: row.remote_disabled === 1,
    transport: row.transport as PeerConnection['transport'],
    invite:
      row.invite_nonce !== null
        ? { nonce: row.invite_nonce, expiresAt: Number(row.invite_expires_at) }
        : null,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(c: PeerConnection): PmConnectionsTable {
  return {
    id: c.id,
    peering_id: c.peeringId,
    role: c.role,
    space_id: c.spaceId,
    remote_enrollment_id: c.remoteEnrollmentId,
    remote_title: c.remoteTitle,
    remote_space_id: c.remoteSpace?.id ?? null,
    remote_space_name: c.remoteSpace?.name ?? null,
    data_types: JSON.stringify(c.dataTypes),
    security: JSON.stringify(c.security),
    state: c.state,
    state_reason: c.stateReason,
    local_disabled: c.localDisabled ? 1 : 0,
    remote_disabled: c.remoteDisabled ? 1 : 0,
    transport: c.transport,
    invite_nonce: c.invite?.nonce ?? null,
    invite_expires_at: c.invite?.expiresAt ?? null,
    created_by: c.createdBy,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export async function insertPeerConnection(db: Executor, connection: PeerConnection): Promise<void> {
  await db.insertInto('pm_connections').values(toRow(connection)).execute();
}

export async function savePeerConnection(db: Executor, connection: PeerConnection): Promise<void> {
  const { id: _id, ...row } = toRow(connection);
  await db.updateTable('pm_connections').set(row).where('id', '=', connection.id).execute();
}

export async function findPeerConnection(db: Executor, id: string): Promise<PeerConnection | undefined> {
  const row = await db.selectFrom('pm_connections').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

export async function findPeerConnectionByPeering(
  db: Executor,
  peeringId: string,
): Promise<PeerConnection | undefined> {
  const row = await db
    .selectFrom('pm_connections')
    .selectAll()
    .where('peering_id', '=', peeringId)
    .executeTakeFirst();
  return row && fromRow(row);
}

/** Every active connection, whatever its space: the ones data may move over. */
export async function listActivePeerConnections(db: Executor): Promise<PeerConnection[]> {
  const rows = await db
    .selectFrom('pm_connections')
    .selectAll()
    .where('state', '=', 'active')
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/** Newest first, only in the given spaces; the marker is the id of the first one to return. */
export async function listPeerConnections(
  db: Executor,
  filter: { spaceIds: string[]; marker?: string; maxKeys: number; states?: string[] },
): Promise<PeerConnection[]> {
  if (filter.spaceIds.length === 0) return [];
  let query = db
    .selectFrom('pm_connections')
    .selectAll()
    .where('space_id', 'in', filter.spaceIds)
    .orderBy('id', 'desc')
    .limit(filter.maxKeys + 1);
  if (filter.marker) query = query.where('id', '<=', filter.marker);
  if (filter.states?.length) query = query.where('state', 'in', filter.states);
  return (await query.execute()).map(fromRow);
}

export async function countLivePeerConnectionsOfSpace(db: Executor, spaceId: string): Promise<number> {
  const row = await db
    .selectFrom('pm_connections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('space_id', '=', spaceId)
    .where('state', 'in', ['requested', 'approved', 'active'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ChangeRequest {
  id: string;
  connectionId: string;
  /** local: this side proposed it and waits; remote: the other side proposed it and this side decides. */
  origin: 'local' | 'remote';
  security: PeerConnection['security'] | null;
  dataTypes: PeerConnection['dataTypes'] | null;
  state: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  createdBy: string;
  createdAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
}

function changeFromRow(row: Selectable<PmChangeRequestsTable>): ChangeRequest {
  return {
    id: row.id,
    connectionId: row.connection_id,
    origin: row.origin as ChangeRequest['origin'],
    security: row.security === null ? null : JSON.parse(row.security),
    dataTypes: row.data_types === null ? null : JSON.parse(row.data_types),
    state: row.state as ChangeRequest['state'],
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
  };
}

export async function insertChangeRequest(db: Executor, change: ChangeRequest): Promise<void> {
  await db
    .insertInto('pm_change_requests')
    .values({
      id: change.id,
      connection_id: change.connectionId,
      origin: change.origin,
      security: change.security === null ? null : JSON.stringify(change.security),
      data_types: change.dataTypes === null ? null : JSON.stringify(change.dataTypes),
      state: change.state,
      created_by: change.createdBy,
      created_at: change.createdAt,
      decided_by: change.decidedBy,
      decided_at: change.decidedAt,
    })
    .execute();
}

export async function decideChangeRequest(
  db: Executor,
  id: string,
  decision: { state: ChangeRequest['state']; by: string; at: number },
): Promise<void> {
  await db
    .updateTable('pm_change_requests')
    .set({ state: decision.state, decided_by: decision.by, decided_at: decision.at })
    .where('id', '=', id)
    .execute();
}

export async function findChangeRequest(db: Executor, id: string): Promise<ChangeRequest | undefined> {
  const row = await db.selectFrom('pm_change_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row && changeFromRow(row);
}

export async function listChangeRequests(
  db: Executor,
  filter: { connectionIds: string[]; state?: ChangeRequest['state'] },
): Promise<ChangeRequest[]> {
  if (filter.connectionIds.length === 0) return [];
  let query = db
    .selectFrom('pm_change_requests')
    .selectAll()
    .where('connection_id', 'in', filter.connectionIds)
    .orderBy('id', 'desc');
  if (filter.state) query = query.where('state', '=', filter.state);
  return (await query.execute()).map(changeFromRow);
}
