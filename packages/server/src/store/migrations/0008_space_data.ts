import type { Kysely } from 'kysely';

/**
 * Space data and its replication over peer connections (Peer Manager §3): object types, items
 * (objects and files, with their version vectors), file contents by hash, the per-space change
 * log with its logical clock, markings, the id translation per connection (R37), object type
 * mappings, replication jobs with their watermarks, items parked until their type matches, and
 * recorded conflicts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('object_types')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('primary_key', 'text', (c) => c.notNull())
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('object_types_pk', ['space_id', 'name'])
    .execute();

  await db.schema
    .createTable('space_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // The object type; '' for files, so that the identity below is one unique index.
    .addColumn('type_name', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('properties', 'text')
    .addColumn('blob_hash', 'text')
    .addColumn('blob_size', 'bigint')
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('markings', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('vv', 'text', (c) => c.notNull())
    .addColumn('hlc', 'bigint', (c) => c.notNull())
    .addColumn('writer', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('space_items_identity', ['space_id', 'kind', 'type_name', 'item_key'])
    .execute();
  // Listings go by id within a space, a kind and (for objects) a type: a page reads only its rows.
  await db.schema
    .createIndex('space_items_listing')
    .on('space_items')
    .columns(['space_id', 'kind', 'type_name', 'id'])
    .execute();
  await db.schema
    .createIndex('space_items_by_kind')
    .on('space_items')
    .columns(['space_id', 'kind', 'id'])
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // Base64 text: one column type on SQLite and PostgreSQL; files are at most 8 MiB.
    .addColumn('content', 'text', (c) => c.notNull())
    .execute();

  // The change log: one row per item, at the logical time of its latest change (older rows of the
  // same item are dropped as a newer one is written), so an exporter reading past its watermark
  // sends each changed item once, in the order of the changes.
  await db.schema
    .createTable('space_changes')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    // Set when the item is now exactly what this connection sent: not sent back to it.
    .addColumn('origin_connection_id', 'text')
    // Set when the change resolved a conflict: the conflict travels with the item, so that the
    // other side, whose version lost without its knowing, records it too.
    .addColumn('conflict_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('space_changes_pk', ['space_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('space_changes_by_kind')
    .on('space_changes')
    .columns(['space_id', 'kind', 'seq'])
    .execute();

  await db.schema
    .createTable('markings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    // 'local', or the peer connection whose data brought it (created with no members, R24).
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('members', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('item_peers')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_peers_pk', ['connection_id', 'remote_id'])
    .execute();
  await db.schema
    .createIndex('item_peers_by_item')
    .on('item_peers')
    .columns(['item_id', 'connection_id'])
    .execute();

  await db.schema
    .createTable('type_mappings')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('local_type', 'text', (c) => c.notNull())
    .addColumn('remote_type', 'text', (c) => c.notNull())
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('type_mappings_pk', ['connection_id', 'local_type'])
    .addUniqueConstraint('type_mappings_remote', ['connection_id', 'remote_type'])
    .execute();

  await db.schema
    .createTable('replication_jobs')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('data_type', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    // Export: bumped when everything must be sent again. Import: the exporter's epoch applied.
    .addColumn('epoch', 'integer', (c) => c.notNull())
    // Export: the last change sent. Import: the last change applied.
    .addColumn('watermark', 'bigint', (c) => c.notNull())
    // Export: where the last chunk sent ended (the next one starts there, so the importer sees a
    // chain with no holes even when changes in between were not sent). Import: unused.
    .addColumn('sent_seq', 'bigint', (c) => c.notNull())
    // Export: the last change the importer reported applied (acknowledgements, when they can travel).
    .addColumn('acked', 'bigint', (c) => c.notNull())
    .addColumn('acked_at', 'bigint')
    .addColumn('last_transfer_at', 'bigint')
    .addColumn('last_items', 'integer', (c) => c.notNull())
    .addColumn('items_total', 'bigint', (c) => c.notNull())
    .addColumn('chunks_total', 'bigint', (c) => c.notNull())
    .addColumn('withheld', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    // Export: the connection security (JSON) the sent changes were checked against; when the
    // security changes, everything is checked and sent again under the new one.
    .addColumn('security', 'text')
    .addPrimaryKeyConstraint('replication_jobs_pk', ['connection_id', 'data_type', 'direction'])
    .execute();

  await db.schema
    .createTable('parked_items')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('type_name', 'text', (c) => c.notNull())
    // The wire item and the schema it came with, applied again once the type matches.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('parked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('parked_items_pk', ['connection_id', 'remote_id'])
    .execute();

  await db.schema
    .createTable('conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('local_version', 'text', (c) => c.notNull())
    .addColumn('remote_version', 'text', (c) => c.notNull())
    .addColumn('winner', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('conflicts_by_space').on('conflicts').columns(['space_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'conflicts',
    'parked_items',
    'replication_jobs',
    'type_mappings',
    'item_peers',
    'markings',
    'space_changes',
    'blobs',
    'space_items',
    'object_types',
  ])
    await db.schema.dropTable(table).execute();
}
