import type { PageRequest } from '../../domain/pagination.js';
import type { Space } from '../../domain/space.js';
import type { Executor } from '../database.js';

type SpaceRow = { id: string; name: string; description: string; created_at: number };

/** Rows with their managers, read in one more query for the whole batch. */
async function withManagers(db: Executor, rows: SpaceRow[]): Promise<Space[]> {
  if (rows.length === 0) return [];
  const managers = await db
    .selectFrom('space_managers')
    .select(['space_id', 'principal_id'])
    .where(
      'space_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('principal_id')
    .execute();
  const managersOf = new Map<string, string[]>();
  for (const { space_id, principal_id } of managers) {
    managersOf.set(space_id, [...(managersOf.get(space_id) ?? []), principal_id]);
  }
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    managers: managersOf.get(row.id) ?? [],
    createdAt: Number(row.created_at),
  }));
}

export async function insertSpace(db: Executor, space: Space): Promise<void> {
  await db
    .insertInto('spaces')
    .values({ id: space.id, name: space.name, description: space.description, created_at: space.createdAt })
    .execute();
  await db
    .insertInto('space_managers')
    .values(space.managers.map((principal_id) => ({ space_id: space.id, principal_id })))
    .execute();
}

export async function findSpace(db: Executor, id: string): Promise<Space | undefined> {
  const row = await db.selectFrom('spaces').selectAll().where('id', '=', id).executeTakeFirst();
  return row && (await withManagers(db, [row]))[0];
}

export async function findSpaceIdByName(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('spaces').select('id').where('name', '=', name).executeTakeFirst();
  return row?.id;
}

/** In id order from the marker on; only the spaces `managedBy` manages when given. */
export async function listSpaces(db: Executor, page: PageRequest, managedBy?: string): Promise<Space[]> {
  let query = db
    .selectFrom('spaces')
    .selectAll('spaces')
    .orderBy('spaces.id')
    .limit(page.maxKeys + 1);
  if (managedBy !== undefined) {
    query = query
      .innerJoin('space_managers', 'space_managers.space_id', 'spaces.id')
      .where('space_managers.principal_id', '=', managedBy);
  }
  if (page.marker) query = query.where('spaces.id', '>=', page.marker);
  return withManagers(db, await query.execute());
}

export async function listManagedSpaceIds(db: Executor, principalId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('space_managers')
    .select('space_id')
    .where('principal_id', '=', principalId)
    .orderBy('space_id')
    .execute();
  return rows.map((row) => row.space_id);
}

export async function updateSpace(
  db: Executor,
  id: string,
  fields: { name: string; description: string },
): Promise<void> {
  await db.updateTable('spaces').set(fields).where('id', '=', id).execute();
}

export async function insertSpaceManager(db: Executor, spaceId: string, principalId: string): Promise<void> {
  await db.insertInto('space_managers').values({ space_id: spaceId, principal_id: principalId }).execute();
}

export async function deleteSpaceManager(db: Executor, spaceId: string, principalId: string): Promise<void> {
  await db
    .deleteFrom('space_managers')
    .where('space_id', '=', spaceId)
    .where('principal_id', '=', principalId)
    .execute();
}

export async function deleteSpace(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('space_managers').where('space_id', '=', id).execute();
  await db.deleteFrom('spaces').where('id', '=', id).execute();
}
