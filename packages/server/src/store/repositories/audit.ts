import type { PageRequest } from '../../domain/pagination.js';
import type { Executor } from '../database.js';

/** One administrative action (Peer Manager R55): who did what to which target, when. */
export interface AuditEvent {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail?: string;
}

export async function insertAuditEvent(db: Executor, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ ...event, detail: event.detail ?? null })
    .execute();
}

/** Newest first; the marker is the id of the first event to return. */
export async function listAuditEvents(db: Executor, page: PageRequest): Promise<AuditEvent[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '<=', page.marker);
  return (await query.execute()).map((row) => ({
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    ...(row.detail !== null ? { detail: row.detail } : {}),
  }));
}
