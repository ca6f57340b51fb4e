import type { VersionedContent } from '../../domain/data/items.js';
import type { Executor } from '../database.js';
import type { ConflictsTable } from '../schema-data.js';
import { readableWith, setSubjectMarkings } from './subject-markings.js';

/** A conflict (R44): two concurrent versions that said different things, and which one won, why. */
export interface Conflict {
  id: string;
  spaceId: string;
  itemId: string;
  connectionId: string;
  local: VersionedContent;
  remote: VersionedContent;
  winner: 'local' | 'remote';
  reason: string;
  detectedAt: number;
  resolution: { at: number; by: string; chose: 'local' | 'remote' } | null;
}

function fromRow(row: ConflictsTable): Conflict {
  return {
    id: row.id,
    spaceId: row.space_id,
    itemId: row.item_id,
    connectionId: row.connection_id,
    local: JSON.parse(row.local_version) as VersionedContent,
    remote: JSON.parse(row.remote_version) as VersionedContent,
    winner: row.winner as 'local' | 'remote',
    reason: row.reason,
    detectedAt: Number(row.detected_at),
    resolution:
      row.resolved_at === null
        ? null
        : {
            at: Number(row.resolved_at),
            by: row.resolved_by ?? '',
            chose: row.resolution as 'local' | 'remote',
          },
  };
}

export async function insertConflict(db: Executor, conflict: Conflict): Promise<void> {
  await db
    .insertInto('conflicts')
    .values({
      id: conflict.id,
      space_id: conflict.spaceId,
      item_id: conflict.itemId,
      connection_id: conflict.connectionId,
      local_version: JSON.stringify(conflict.local),
      remote_version: JSON.stringify(conflict.remote),
      winner: conflict.winner,
      reason: conflict.reason,
      detected_at: conflict.detectedAt,
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    })
    .execute();
  // Both values are shown, so a reader must hold the markings of both (R25).
  await setSubjectMarkings(db, conflict.id, [
    ...conflict.local.content.markings,
    ...conflict.remote.content.markings,
  ]);
}

export async function findConflict(db: Executor, id: string): Promise<Conflict | undefined> {
  const row = await db.selectFrom('conflicts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

export async function listConflicts(
  db: Executor,
  query: {
    spaceId: string;
    connectionId?: string;
    itemId?: string;
    open?: boolean;
    fromId?: string;
    limit: number;
    /** Only conflicts whose item and both values carry no other marking (R25). */
    heldMarkings?: readonly string[];
  },
): Promise<Conflict[]> {
  let select = db.selectFrom('conflicts').selectAll().where('space_id', '=', query.spaceId);
  if (query.heldMarkings)
    select = select
      .where(readableWith('conflicts.id', query.heldMarkings))
      .where(readableWith('conflicts.item_id', query.heldMarkings));
  if (query.connectionId) select = select.where('connection_id', '=', query.connectionId);
  if (query.itemId) select = select.where('item_id', '=', query.itemId);
  if (query.open) select = select.where('resolved_at', 'is', null);
  if (query.fromId) select = select.where('id', '>=', query.fromId);
  return (await select.orderBy('id').limit(query.limit).execute()).map(fromRow);
}

export async function countOpenConflicts(db: Executor, connectionId: string): Promise<number> {
  const row = await db
    .selectFrom('conflicts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('connection_id', '=', connectionId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function markConflictResolved(
  db: Executor,
  id: string,
  resolution: { at: number; by: string; chose: 'local' | 'remote' },
): Promise<void> {
  await db
    .updateTable('conflicts')
    .set({ resolved_at: resolution.at, resolved_by: resolution.by, resolution: resolution.chose })
    .where('id', '=', id)
    .execute();
}
