import { heldMarkings, type MarkingViewer } from '../domain/data/visibility.js';
import type { Executor } from '../store/database.js';
import { listMarkings } from '../store/repositories/space-data.js';
import type { Caller } from './caller.js';

/**
 * What `caller` holds, for the visibility rule (domain/data/visibility.ts). Membership is by
 * principal: a user by its user id, an AK/SK signature by its account id.
 */
export async function markingViewer(
  db: Executor,
  caller: Caller,
): Promise<MarkingViewer & { existing: ReadonlySet<string> }> {
  // Markings are enrollment-wide and few; reading them all beats matching JSON member lists in
  // SQL written twice, for SQLite and PostgreSQL.
  const markings = await listMarkings(db);
  return {
    held: heldMarkings(markings, caller.principalId),
    isAdmin: caller.isAdmin,
    existing: new Set(markings.map((m) => m.name)),
  };
}
