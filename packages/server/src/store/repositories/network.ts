import { type Selectable, sql } from 'kysely';
import type { MpxConnection, MpxInvite, RelayChannel } from '../../domain/peering/network.js';
import type { Executor } from '../database.js';
import type { MpxConnectionsTable, MpxInvitesTable, RelayChannelsTable } from '../schema-federation.js';

export async function insertMpxInvite(db: Executor, invite: MpxInvite): Promise<void> {
  await db
    .insertInto('mpx_invites')
    .values({
      id: invite.id,
      direction: invite.direction,
      nonce: invite.nonce,
      created_by: invite.createdBy,
      created_at: invite.createdAt,
      expires_at: invite.expiresAt,
      revoked_at: invite.revokedAt,
      used_for: invite.usedFor,
    })
    .execute();
}

type InviteKey = { id: string } | { nonce: string };

function inviteFromRow(row: Selectable<MpxInvitesTable>): MpxInvite {
  return {
    id: row.id,
    direction: row.direction as MpxInvite['direction'],
    nonce: row.nonce,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    usedFor: row.used_for,
  };
}

export async function findMpxInvite(db: Executor, key: InviteKey): Promise<MpxInvite | undefined> {
  let query = db.selectFrom('mpx_invites').selectAll();
  query = 'id' in key ? query.where('id', '=', key.id) : query.where('nonce', '=', key.nonce);
  const row = await query.executeTakeFirst();
  return row && inviteFromRow(row);
}

export async function listMpxInvites(db: Executor): Promise<MpxInvite[]> {
  return (await db.selectFrom('mpx_invites').selectAll().orderBy('id', 'desc').execute()).map(inviteFromRow);
}

export async function updateMpxInvite(
  db: Executor,
  id: string,
  change: { revokedAt?: number; usedFor?: string },
): Promise<void> {
  await db
    .updateTable('mpx_invites')
    .set({
      ...(change.revokedAt !== undefined ? { revoked_at: change.revokedAt } : {}),
      ...(change.usedFor !== undefined ? { used_for: change.usedFor } : {}),
    })
    .where('id', '=', id)
    .execute();
}

const num = (value: number | null) => (value === null ? null : Number(value));

function mpxFromRow(row: Selectable<MpxConnectionsTable>): MpxConnection {
  return {
    remoteEnrollmentId: row.remote_enrollment_id,
    name: row.name,
    remotePublicKey: row.remote_public_key,
    remoteTitle: row.remote_title,
    remoteAddress: row.remote_address,
    remoteDirection: row.remote_direction as MpxConnection['remoteDirection'],
    remoteInviteNonce: row.remote_invite_nonce,
    localInviteId: row.local_invite_id,
    localDirection: row.local_direction as MpxConnection['localDirection'],
    enteredAt: num(row.entered_at),
    remoteEnteredAt: num(row.remote_entered_at),
    establishedAt: num(row.established_at),
    lastOkAt: num(row.last_ok_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    refusedAt: num(row.refused_at),
  };
}

function mpxToRow(c: MpxConnection): MpxConnectionsTable {
  return {
    remote_enrollment_id: c.remoteEnrollmentId,
    name: c.name,
    remote_public_key: c.remotePublicKey,
    remote_title: c.remoteTitle,
    remote_address: c.remoteAddress,
    remote_direction: c.remoteDirection,
    remote_invite_nonce: c.remoteInviteNonce,
    local_invite_id: c.localInviteId,
    local_direction: c.localDirection,
    entered_at: c.enteredAt,
    remote_entered_at: c.remoteEnteredAt,
    established_at: c.establishedAt,
    last_ok_at: c.lastOkAt,
    last_error: c.lastError,
    created_at: c.createdAt,
    refused_at: c.refusedAt,
  };
}

export async function findMpxConnection(
  db: Executor,
  remoteEnrollmentId: string,
): Promise<MpxConnection | undefined> {
  const row = await db
    .selectFrom('mpx_connections')
    .selectAll()
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .executeTakeFirst();
  return row && mpxFromRow(row);
}

export async function listMpxConnections(db: Executor): Promise<MpxConnection[]> {
  return (await db.selectFrom('mpx_connections').selectAll().orderBy('created_at').execute()).map(mpxFromRow);
}

export async function upsertMpxConnection(db: Executor, connection: MpxConnection): Promise<void> {
  const row = mpxToRow(connection);
  const { remote_enrollment_id: _key, ...rest } = row;
  await db
    .insertInto('mpx_connections')
    .values(row)
    .onConflict((oc) => oc.column('remote_enrollment_id').doUpdateSet(rest))
    .execute();
}

export async function deleteMpxConnection(db: Executor, remoteEnrollmentId: string): Promise<void> {
  await db.deleteFrom('mpx_connections').where('remote_enrollment_id', '=', remoteEnrollmentId).execute();
}

/** Delivery health, written outside use-case transactions. */
export async function recordMpxContact(
  db: Executor,
  remoteEnrollmentId: string,
  outcome: { okAt: number } | { error: string },
): Promise<void> {
  await db
    .updateTable('mpx_connections')
    .set(
      'okAt' in outcome
        ? {
            last_ok_at: outcome.okAt,
            // A refusal's reason stays until the code is entered again: later contacts (a pull, a
            // push of other messages) do not make the refused notice accepted.
            last_error: sql<string | null>`case when refused_at is null then null else last_error end`,
          }
        : { last_error: outcome.error },
    )
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .execute();
}

/** The remote refused this side's MPX notice (its signed refusal was checked by the caller). */
export async function recordMpxRefusal(
  db: Executor,
  remoteEnrollmentId: string,
  refusal: { at: number; error: string },
): Promise<void> {
  await db
    .updateTable('mpx_connections')
    .set({ refused_at: refusal.at, last_error: refusal.error })
    .where('remote_enrollment_id', '=', remoteEnrollmentId)
    .execute();
}

function relayFromRow(row: Selectable<RelayChannelsTable>): RelayChannel {
  return {
    id: row.id,
    name: row.name,
    remoteEnrollmentId: row.remote_enrollment_id,
    remotePublicKey: row.remote_public_key,
    remoteTitle: row.remote_title,
    direction: row.direction as RelayChannel['direction'],
    transport: row.transport as RelayChannel['transport'],
    path: row.path,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastOkAt: num(row.last_ok_at),
    lastError: row.last_error,
    messages: Number(row.messages),
    rejected: Number(row.rejected),
  };
}

export async function insertRelayChannel(db: Executor, channel: RelayChannel): Promise<void> {
  await db
    .insertInto('relay_channels')
    .values({
      id: channel.id,
      name: channel.name,
      remote_enrollment_id: channel.remoteEnrollmentId,
      remote_public_key: channel.remotePublicKey,
      remote_title: channel.remoteTitle,
      direction: channel.direction,
      transport: channel.transport,
      path: channel.path,
      created_by: channel.createdBy,
      created_at: channel.createdAt,
      last_ok_at: channel.lastOkAt,
      last_error: channel.lastError,
      messages: channel.messages,
      rejected: channel.rejected,
    })
    .execute();
}

export async function listRelayChannels(
  db: Executor,
  filter: { remoteEnrollmentId?: string; direction?: RelayChannel['direction'] } = {},
): Promise<RelayChannel[]> {
  let query = db.selectFrom('relay_channels').selectAll().orderBy('id');
  if (filter.remoteEnrollmentId) query = query.where('remote_enrollment_id', '=', filter.remoteEnrollmentId);
  if (filter.direction) query = query.where('direction', '=', filter.direction);
  return (await query.execute()).map(relayFromRow);
}

export async function findRelayChannel(db: Executor, id: string): Promise<RelayChannel | undefined> {
  const row = await db.selectFrom('relay_channels').selectAll().where('id', '=', id).executeTakeFirst();
  return row && relayFromRow(row);
}

export async function deleteRelayChannel(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('relay_channels').where('id', '=', id).execute();
}

export async function recordRelayActivity(
  db: Executor,
  id: string,
  outcome: { okAt: number; messages?: number } | { error: string },
): Promise<void> {
  await db
    .updateTable('relay_channels')
    .set((eb) =>
      'okAt' in outcome
        ? { last_ok_at: outcome.okAt, last_error: null, messages: eb('messages', '+', outcome.messages ?? 0) }
        : { last_error: outcome.error },
    )
    .where('id', '=', id)
    .execute();
}

export async function recordRelayRejection(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('relay_channels')
    .set((eb) => ({ rejected: eb('rejected', '+', 1) }))
    .where('id', '=', id)
    .execute();
}
