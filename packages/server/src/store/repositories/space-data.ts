import type { Item, ItemKind } from '../../domain/data/items.js';
import type { ObjectType, Properties, PropertyType } from '../../domain/data/object-types.js';
import type { Classification } from '../../domain/peering/model.js';
import type { Executor } from '../database.js';
import type { SpaceItemsTable } from '../schema-data.js';
import { readableWith, setSubjectMarkings } from './subject-markings.js';

// ---- object types

export async function insertObjectType(db: Executor, type: ObjectType): Promise<void> {
  await db
    .insertInto('object_types')
    .values({
      space_id: type.spaceId,
      name: type.name,
      primary_key: type.primaryKey,
      properties: JSON.stringify(type.properties),
      created_at: type.createdAt,
    })
    .execute();
}

function typeFromRow(row: {
  space_id: string;
  name: string;
  primary_key: string;
  properties: string;
  created_at: number;
}): ObjectType {
  return {
    spaceId: row.space_id,
    name: row.name,
    primaryKey: row.primary_key,
    properties: JSON.parse(row.properties) as Record<string, PropertyType>,
    createdAt: Number(row.created_at),
  };
}

export async function findObjectType(
  db: Executor,
  spaceId: string,
  name: string,
): Promise<ObjectType | undefined> {
  const row = await db
    .selectFrom('object_types')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row && typeFromRow(row);
}

export async function listObjectTypes(db: Executor, spaceId: string): Promise<ObjectType[]> {
  const rows = await db
    .selectFrom('object_types')
    .selectAll()
    .where('space_id', '=', spaceId)
    .orderBy('name')
    .execute();
  return rows.map(typeFromRow);
}

export async function deleteObjectType(db: Executor, spaceId: string, name: string): Promise<void> {
  await db.deleteFrom('object_types').where('space_id', '=', spaceId).where('name', '=', name).execute();
}

// ---- items

function itemFromRow(row: SpaceItemsTable): Item {
  return {
    id: row.id,
    spaceId: row.space_id,
    kind: row.kind as ItemKind,
    typeName: row.type_name,
    key: row.item_key,
    content: {
      properties: row.properties === null ? null : (JSON.parse(row.properties) as Properties),
      blob: row.blob_hash === null ? null : { hash: row.blob_hash, size: Number(row.blob_size) },
      classification: row.classification as Classification,
      markings: JSON.parse(row.markings) as string[],
      deleted: Number(row.deleted) === 1,
    },
    version: { vv: JSON.parse(row.vv) as Record<string, number>, hlc: Number(row.hlc), writer: row.writer },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function rowFromItem(item: Item): SpaceItemsTable {
  return {
    id: item.id,
    space_id: item.spaceId,
    kind: item.kind,
    type_name: item.typeName,
    item_key: item.key,
    properties: item.content.properties === null ? null : JSON.stringify(item.content.properties),
    blob_hash: item.content.blob?.hash ?? null,
    blob_size: item.content.blob?.size ?? null,
    classification: item.content.classification,
    markings: JSON.stringify(item.content.markings),
    deleted: item.content.deleted ? 1 : 0,
    vv: JSON.stringify(item.version.vv),
    hlc: item.version.hlc,
    writer: item.version.writer,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
  };
}

export async function findItem(db: Executor, id: string): Promise<Item | undefined> {
  const row = await db.selectFrom('space_items').selectAll().where('id', '=', id).executeTakeFirst();
  return row && itemFromRow(row);
}

export async function findItemByIdentity(
  db: Executor,
  identity: { spaceId: string; kind: ItemKind; typeName: string; key: string },
): Promise<Item | undefined> {
  const row = await db
    .selectFrom('space_items')
    .selectAll()
    .where('space_id', '=', identity.spaceId)
    .where('kind', '=', identity.kind)
    .where('type_name', '=', identity.typeName)
    .where('item_key', '=', identity.key)
    .executeTakeFirst();
  return row && itemFromRow(row);
}

// Every writer of items (local edits and replication) goes through these two, so the marking
// index reads filter on is never behind the item.
export async function insertItem(db: Executor, item: Item): Promise<void> {
  await db.insertInto('space_items').values(rowFromItem(item)).execute();
  await setSubjectMarkings(db, item.id, item.content.markings);
}

export async function updateItem(db: Executor, item: Item): Promise<void> {
  const { id, ...row } = rowFromItem(item);
  await db.updateTable('space_items').set(row).where('id', '=', id).execute();
  await setSubjectMarkings(db, id, item.content.markings);
}

/**
 * Live items of a space, by id (creation order), from `fromId` on; with `heldMarkings`, only
 * those carrying no other marking (what a reader holding them may see, R25).
 */
export async function listItems(
  db: Executor,
  query: {
    spaceId: string;
    kind: ItemKind;
    typeName?: string;
    fromId?: string;
    limit: number;
    heldMarkings?: readonly string[];
  },
): Promise<Item[]> {
  let select = db
    .selectFrom('space_items')
    .selectAll()
    .where('space_id', '=', query.spaceId)
    .where('kind', '=', query.kind)
    .where('deleted', '=', 0);
  if (query.typeName !== undefined) select = select.where('type_name', '=', query.typeName);
  if (query.heldMarkings) select = select.where(readableWith('space_items.id', query.heldMarkings));
  if (query.fromId) select = select.where('id', '>=', query.fromId);
  const rows = await select.orderBy('id').limit(query.limit).execute();
  return rows.map(itemFromRow);
}

export async function countItems(
  db: Executor,
  spaceId: string,
  kind: ItemKind,
  typeName?: string,
): Promise<number> {
  let select = db
    .selectFrom('space_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('space_id', '=', spaceId)
    .where('kind', '=', kind)
    .where('deleted', '=', 0);
  if (typeName !== undefined) select = select.where('type_name', '=', typeName);
  return Number((await select.executeTakeFirstOrThrow()).n);
}

// ---- blobs

export async function putBlob(db: Executor, hash: string, content: Buffer): Promise<void> {
  await db
    .insertInto('blobs')
    .values({ hash, size: content.length, content: content.toString('base64') })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

export async function readBlob(db: Executor, hash: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('blobs').select('content').where('hash', '=', hash).executeTakeFirst();
  return row && Buffer.from(row.content, 'base64');
}

// ---- the change log

/**
 * Records that `itemId` changed, at the space's next logical time; its earlier entry goes (the
 * log keeps each item's latest change only). Answers the new logical time.
 */
export async function appendChange(
  db: Executor,
  change: {
    spaceId: string;
    itemId: string;
    kind: ItemKind;
    originConnectionId: string | null;
    conflictId?: string;
    at: number;
  },
): Promise<number> {
  // The clock is read before the item's earlier entry goes: that entry may be the latest one, and
  // its time must never be handed out again (an exporter may have read past it already).
  const seq = (await headSeq(db, change.spaceId)) + 1;
  await db.deleteFrom('space_changes').where('item_id', '=', change.itemId).execute();
  await db
    .insertInto('space_changes')
    .values({
      space_id: change.spaceId,
      seq,
      item_id: change.itemId,
      kind: change.kind,
      origin_connection_id: change.originConnectionId,
      conflict_id: change.conflictId ?? null,
      at: change.at,
    })
    .execute();
  return seq;
}

/** The space's logical clock: the latest change's time (0 before any). */
export async function headSeq(db: Executor, spaceId: string, kind?: ItemKind): Promise<number> {
  let select = db
    .selectFrom('space_changes')
    .select((eb) => eb.fn.max('seq').as('head'))
    .where('space_id', '=', spaceId);
  if (kind) select = select.where('kind', '=', kind);
  const row = await select.executeTakeFirst();
  return Number(row?.head ?? 0);
}

export interface ChangeRow {
  seq: number;
  originConnectionId: string | null;
  conflictId: string | null;
  at: number;
  item: Item;
}

/** Changes of one kind after `afterSeq`, oldest first, with the items as they are now. */
export async function changesAfter(
  db: Executor,
  query: { spaceId: string; kind: ItemKind; afterSeq: number; limit: number },
): Promise<ChangeRow[]> {
  const rows = await db
    .selectFrom('space_changes as c')
    .innerJoin('space_items as i', 'i.id', 'c.item_id')
    .selectAll('i')
    .select([
      'c.seq as change_seq',
      'c.origin_connection_id as change_origin',
      'c.conflict_id as change_conflict',
      'c.at as change_at',
    ])
    .where('c.space_id', '=', query.spaceId)
    .where('c.kind', '=', query.kind)
    .where('c.seq', '>', query.afterSeq)
    .orderBy('c.seq')
    .limit(query.limit)
    .execute();
  return rows.map(({ change_seq, change_origin, change_conflict, change_at, ...item }) => ({
    seq: Number(change_seq),
    originConnectionId: change_origin,
    conflictId: change_conflict,
    at: Number(change_at),
    item: itemFromRow(item),
  }));
}

/** How many changes of a kind wait after `afterSeq`, and when the oldest of them was made. */
export async function backlogAfter(
  db: Executor,
  query: { spaceId: string; kind: ItemKind; afterSeq: number },
): Promise<{ changes: number; oldestAt: number | null }> {
  const row = await db
    .selectFrom('space_changes')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
    .where('space_id', '=', query.spaceId)
    .where('kind', '=', query.kind)
    .where('seq', '>', query.afterSeq)
    .executeTakeFirstOrThrow();
  return { changes: Number(row.n), oldestAt: row.oldest === null ? null : Number(row.oldest) };
}

// ---- markings

export interface Marking {
  name: string;
  description: string;
  origin: string;
  members: string[];
  createdAt: number;
}

function markingFromRow(row: {
  name: string;
  description: string;
  origin: string;
  members: string;
  created_at: number;
}): Marking {
  return {
    name: row.name,
    description: row.description,
    origin: row.origin,
    members: JSON.parse(row.members) as string[],
    createdAt: Number(row.created_at),
  };
}

export async function insertMarking(db: Executor, marking: Marking): Promise<void> {
  await db
    .insertInto('markings')
    .values({
      name: marking.name,
      description: marking.description,
      origin: marking.origin,
      members: JSON.stringify(marking.members),
      created_at: marking.createdAt,
    })
    .execute();
}

export async function findMarking(db: Executor, name: string): Promise<Marking | undefined> {
  const row = await db.selectFrom('markings').selectAll().where('name', '=', name).executeTakeFirst();
  return row && markingFromRow(row);
}

export async function listMarkings(db: Executor): Promise<Marking[]> {
  return (await db.selectFrom('markings').selectAll().orderBy('name').execute()).map(markingFromRow);
}

export async function setMarkingMembers(db: Executor, name: string, members: string[]): Promise<void> {
  await db
    .updateTable('markings')
    .set({ members: JSON.stringify(members) })
    .where('name', '=', name)
    .execute();
}
