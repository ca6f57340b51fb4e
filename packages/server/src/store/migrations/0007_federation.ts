import type { Kysely } from 'kysely';

/**
 * Peer Manager between enrollments: MPX invites and connections, data relay channels, the
 * transactional outbox and the inbox that makes applying a message idempotent, the nonces that
 * make signed requests single-use, and the peer connections (one record per side) with their
 * change requests.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mpx_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    // A secret carried only inside the code: whoever quotes it has read the code.
    .addColumn('nonce', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    // Set when this side enters the remote's code with this invite (single use).
    .addColumn('used_for', 'text')
    .execute();

  await db.schema
    .createTable('mpx_connections')
    .addColumn('remote_enrollment_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('remote_public_key', 'text', (c) => c.notNull())
    .addColumn('remote_title', 'text')
    .addColumn('remote_address', 'text')
    .addColumn('remote_direction', 'text')
    .addColumn('remote_invite_nonce', 'text')
    .addColumn('local_invite_id', 'text')
    .addColumn('local_direction', 'text')
    // This side entered the remote's code / the remote told us it entered ours.
    .addColumn('entered_at', 'bigint')
    .addColumn('remote_entered_at', 'bigint')
    .addColumn('established_at', 'bigint')
    .addColumn('last_ok_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('relay_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('remote_enrollment_id', 'text', (c) => c.notNull())
    .addColumn('remote_public_key', 'text', (c) => c.notNull())
    .addColumn('remote_title', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_ok_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('messages', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('relay_channels_remote')
    .on('relay_channels')
    .columns(['remote_enrollment_id', 'direction'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('remote_enrollment_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('delivered_via', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_pending')
    .on('outbox')
    .columns(['remote_enrollment_id', 'delivered_at', 'id'])
    .execute();

  await db.schema
    .createTable('inbox')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('remote_enrollment_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('federation_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pm_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The originator's request id: both sides' records carry it.
    .addColumn('peering_id', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('space_id', 'text', (c) => c.notNull())
    .addColumn('remote_enrollment_id', 'text', (c) => c.notNull())
    .addColumn('remote_title', 'text')
    .addColumn('remote_space_id', 'text')
    .addColumn('remote_space_name', 'text')
    .addColumn('data_types', 'text', (c) => c.notNull())
    .addColumn('security', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text')
    .addColumn('local_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('remote_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('invite_nonce', 'text')
    .addColumn('invite_expires_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pm_connections_space')
    .on('pm_connections')
    .columns(['space_id', 'id'])
    .execute();

  await db.schema
    .createTable('pm_change_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('security', 'text')
    .addColumn('data_types', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('pm_change_requests_connection')
    .on('pm_change_requests')
    .columns(['connection_id', 'state'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'pm_change_requests',
    'pm_connections',
    'federation_nonces',
    'inbox',
    'outbox',
    'relay_channels',
    'mpx_connections',
    'mpx_invites',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
