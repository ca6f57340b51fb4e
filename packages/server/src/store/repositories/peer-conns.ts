import type { Selectable } from 'kysely';
import { nextDueAt } from '../../domain/peerconn/advance.js';
import {
  type DnsStatus,
  holdsPair,
  type PaymentTiming,
  type PeerConn,
  type PeerConnEnd,
  type PeerConnEvent,
  type PeerConnStatus,
  type PeerConnTimings,
  pairKey,
  ROLES,
  type Role,
} from '../../domain/peerconn/model.js';
import type { Region } from '../../domain/regions.js';
import { type Executor, isPostgres } from '../database.js';
import type { PeerConnEndsTable, PeerConnsTable } from '../schema.js';
import type { Scope } from './scope.js';

const END_INDEX: Record<Role, number> = { initiator: 0, acceptor: 1 };

function toEnd(row: Selectable<PeerConnEndsTable>): PeerConnEnd {
  return {
    role: row.role as Role,
    accountId: row.account_id,
    region: row.region as Region,
    vpcId: row.vpc_id,
    ifId: row.if_id,
    ifName: row.if_name,
    description: row.description,
    dnsStatus: row.dns_status as DnsStatus,
    dnsDueAt: row.dns_due_at === null ? null : Number(row.dns_due_at),
  };
}

const optionalNumber = (value: number | null) => (value === null ? null : Number(value));

function toConn(row: Selectable<PeerConnsTable>, ends: Selectable<PeerConnEndsTable>[]): PeerConn {
  const endFor = (role: Role) => {
    const found = ends.find((end) => end.role === role);
    if (!found) throw new Error(`peer connection ${row.id} has no ${role} end`);
    return toEnd(found);
  };
  return {
    id: row.id,
    status: row.status as PeerConnStatus,
    nextStatus: row.next_status as PeerConnStatus | null,
    statusDueAt: optionalNumber(row.status_due_at),
    bandwidthInMbps: row.bandwidth_mbps,
    paymentTiming: row.payment_timing as PaymentTiming,
    reservationMonths: row.reservation_months,
    expiresAt: optionalNumber(row.expires_at),
    consultDeadline: optionalNumber(row.consult_deadline),
    deleteProtect: row.delete_protect === 1,
    tags: JSON.parse(row.tags),
    createdAt: Number(row.created_at),
    deletedAt: optionalNumber(row.deleted_at),
    initiator: endFor('initiator'),
    acceptor: endFor('acceptor'),
  };
}

function connRow(conn: PeerConn, timings: PeerConnTimings): Selectable<PeerConnsTable> {
  return {
    id: conn.id,
    status: conn.status,
    next_status: conn.nextStatus,
    status_due_at: conn.statusDueAt,
    bandwidth_mbps: conn.bandwidthInMbps,
    payment_timing: conn.paymentTiming,
    reservation_months: conn.reservationMonths,
    expires_at: conn.expiresAt,
    consult_deadline: conn.consultDeadline,
    delete_protect: conn.deleteProtect ? 1 : 0,
    tags: JSON.stringify(conn.tags),
    created_at: conn.createdAt,
    deleted_at: conn.deletedAt,
    initiator_account_id: conn.initiator.accountId,
    pair_key: holdsPair(conn) ? pairKey(conn.initiator.vpcId, conn.acceptor.vpcId) : null,
    next_due_at: nextDueAt(conn, timings),
  };
}

function endRow(conn: PeerConn, role: Role): Selectable<PeerConnEndsTable> {
  const end = role === 'initiator' ? conn.initiator : conn.acceptor;
  return {
    peer_conn_id: conn.id,
    end_index: END_INDEX[role],
    role,
    account_id: end.accountId,
    region: end.region,
    vpc_id: end.vpcId,
    if_id: end.ifId,
    if_name: end.ifName,
    description: end.description,
    dns_status: end.dnsStatus,
    dns_due_at: end.dnsDueAt,
  };
}

export async function insertPeerConn(db: Executor, conn: PeerConn, timings: PeerConnTimings): Promise<void> {
  await db.insertInto('peer_conns').values(connRow(conn, timings)).execute();
  await db
    .insertInto('peer_conn_ends')
    .values(ROLES.map((role) => endRow(conn, role)))
    .execute();
}

export async function savePeerConn(db: Executor, conn: PeerConn, timings: PeerConnTimings): Promise<void> {
  const { id, ...fields } = connRow(conn, timings);
  await db.updateTable('peer_conns').set(fields).where('id', '=', id).execute();
  for (const role of ROLES) {
    const { peer_conn_id, end_index, ...endFields } = endRow(conn, role);
    await db
      .updateTable('peer_conn_ends')
      .set(endFields)
      .where('peer_conn_id', '=', peer_conn_id)
      .where('end_index', '=', end_index)
      .execute();
  }
}

/** Removes a connection whose retention is over, with its ends and history. */
export async function purgePeerConn(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('peer_conn_events').where('peer_conn_id', '=', id).execute();
  await db.deleteFrom('peer_conn_ends').where('peer_conn_id', '=', id).execute();
  await db.deleteFrom('peer_conns').where('id', '=', id).execute();
}

export async function findPeerConn(db: Executor, id: string): Promise<PeerConn | undefined> {
  const row = await db.selectFrom('peer_conns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const ends = await db.selectFrom('peer_conn_ends').selectAll().where('peer_conn_id', '=', id).execute();
  // Read outside a transaction, the connection may have been purged between the two queries.
  return ends.length === 2 ? toConn(row, ends) : undefined;
}

/** The connection and side that own an interface id (a `peerConn` route's next hop). */
export async function findPeerConnByInterface(
  db: Executor,
  ifId: string,
): Promise<{ conn: PeerConn; role: Role } | undefined> {
  const end = await db
    .selectFrom('peer_conn_ends')
    .select(['peer_conn_id', 'role'])
    .where('if_id', '=', ifId)
    .executeTakeFirst();
  if (!end) return undefined;
  const conn = await findPeerConn(db, end.peer_conn_id);
  return conn && { conn, role: end.role as Role };
}

/** A list position: a connection and, within it, the end to start from. */
export interface EndMarker {
  peerConnId: string;
  role: Role;
}

/**
 * The ends the scope's account owns in the scope's region, in (connection id, initiator first)
 * order from the marker on, optionally only those in one VPC.
 */
export async function listVisibleEnds(
  db: Executor,
  scope: Scope,
  filter: { vpcId?: string },
  page: { marker?: EndMarker; limit: number },
): Promise<{ conn: PeerConn; role: Role }[]> {
  let query = db
    .selectFrom('peer_conn_ends')
    .select(['peer_conn_id', 'role'])
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .orderBy('peer_conn_id')
    .orderBy('end_index')
    .limit(page.limit);
  if (filter.vpcId) query = query.where('vpc_id', '=', filter.vpcId);
  const marker = page.marker;
  if (marker) {
    // The plain `>=` lets the index start its range at the marker; the OR alone would make SQLite
    // read every end of the account up to it (40x slower at 1M connections, see bench/README.md).
    query = query
      .where('peer_conn_id', '>=', marker.peerConnId)
      .where((eb) =>
        eb.or([eb('peer_conn_id', '>', marker.peerConnId), eb('end_index', '>=', END_INDEX[marker.role])]),
      );
  }
  const ends = await query.execute();
  const ids = [...new Set(ends.map((end) => end.peer_conn_id))];
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('peer_conns').selectAll().where('id', 'in', ids).execute();
  const endRows = await db
    .selectFrom('peer_conn_ends')
    .selectAll()
    .where('peer_conn_id', 'in', ids)
    .execute();
  const byId = new Map<string, PeerConn>();
  for (const row of rows) {
    const its = endRows.filter((end) => end.peer_conn_id === row.id);
    // Read outside a transaction, a connection purged between these queries is simply not listed.
    if (its.length === 2) byId.set(row.id, toConn(row, its));
  }
  return ends.flatMap((end) => {
    const conn = byId.get(end.peer_conn_id);
    return conn ? [{ conn, role: end.role as Role }] : [];
  });
}

export async function isPairTaken(db: Executor, vpcA: string, vpcB: string): Promise<boolean> {
  const row = await db
    .selectFrom('peer_conns')
    .select('id')
    .where('pair_key', '=', pairKey(vpcA, vpcB))
    .executeTakeFirst();
  return row !== undefined;
}

/** Connections holding a pair (not released) with an end in the VPC, and the VPC on their other side. */
export async function livePeersOfVpc(
  db: Executor,
  vpcId: string,
): Promise<{ peerConnId: string; otherVpcId: string }[]> {
  const rows = await db
    .selectFrom('peer_conn_ends as mine')
    .innerJoin('peer_conns', 'peer_conns.id', 'mine.peer_conn_id')
    .innerJoin('peer_conn_ends as other', (join) =>
      join
        .onRef('other.peer_conn_id', '=', 'mine.peer_conn_id')
        .onRef('other.end_index', '<>', 'mine.end_index'),
    )
    .select(['mine.peer_conn_id as peerConnId', 'other.vpc_id as otherVpcId'])
    .where('mine.vpc_id', '=', vpcId)
    .where('peer_conns.pair_key', 'is not', null)
    .execute();
  return rows;
}

/** Connections not yet deleting or deleted with an end in the VPC: they keep the VPC in use. */
export async function countUndeletedOfVpc(db: Executor, vpcId: string): Promise<number> {
  const row = await db
    .selectFrom('peer_conn_ends')
    .innerJoin('peer_conns', 'peer_conns.id', 'peer_conn_ends.peer_conn_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('peer_conn_ends.vpc_id', '=', vpcId)
    .where('peer_conns.status', 'not in', ['deleting', 'deleted'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countLiveInitiatedBy(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('peer_conns')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('initiator_account_id', '=', accountId)
    .where('pair_key', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function duePeerConnIds(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('peer_conns')
    .select('id')
    .where('next_due_at', '<=', now)
    .orderBy('next_due_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

export async function insertPeerConnEvents(
  db: Executor,
  peerConnId: string,
  events: PeerConnEvent[],
  newId: () => string,
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('peer_conn_events')
    .values(
      events.map((event) => ({
        id: newId(),
        peer_conn_id: peerConnId,
        at: event.at,
        actor: event.actor,
        action: event.action,
        from_status: event.fromStatus,
        to_status: event.toStatus,
        detail: event.detail ?? null,
      })),
    )
    .execute();
}

export async function listPeerConnEvents(db: Executor, peerConnId: string): Promise<PeerConnEvent[]> {
  const rows = await db
    .selectFrom('peer_conn_events')
    .selectAll()
    .where('peer_conn_id', '=', peerConnId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    fromStatus: row.from_status as PeerConnStatus,
    toStatus: row.to_status as PeerConnStatus,
    ...(row.detail !== null ? { detail: row.detail } : {}),
  }));
}

/** Due connections that touch some VPCs or were started by an account: what a create's checks read. */
export async function duePeerConnIdsTouching(
  db: Executor,
  now: number,
  scope: { vpcIds: string[]; initiatorAccountId: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('peer_conns')
    .select('id')
    .where('next_due_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('initiator_account_id', '=', scope.initiatorAccountId),
        eb(
          'id',
          'in',
          eb.selectFrom('peer_conn_ends').select('peer_conn_id').where('vpc_id', 'in', scope.vpcIds),
        ),
      ]),
    )
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Takes a due connection for this transaction: on PostgreSQL the row is locked and a row another
 * replica holds is skipped (`FOR UPDATE SKIP LOCKED`), so each due step is worked once; SQLite
 * runs one writer at a time, so a re-check suffices. Answers false when there is nothing to do.
 */
export async function claimDuePeerConn(db: Executor, id: string, now: number): Promise<boolean> {
  let query = db.selectFrom('peer_conns').select('id').where('id', '=', id).where('next_due_at', '<=', now);
  if (isPostgres(db)) query = query.forUpdate().skipLocked();
  return (await query.executeTakeFirst()) !== undefined;
}

/**
 * Every connection that is, or may still become, active: all but the finished ones (deleted,
 * consult_failed). The dataplane brings each up to `now` itself.
 */
export async function peerConnsNotFinished(db: Executor): Promise<PeerConn[]> {
  const rows = await db
    .selectFrom('peer_conns')
    .selectAll()
    .where('status', 'not in', ['deleted', 'consult_failed'])
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const ends = await db
    .selectFrom('peer_conn_ends')
    .selectAll()
    .where(
      'peer_conn_id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();
  const byConn = new Map<string, Selectable<PeerConnEndsTable>[]>();
  for (const end of ends) byConn.set(end.peer_conn_id, [...(byConn.get(end.peer_conn_id) ?? []), end]);
  return rows.flatMap((row) => {
    const own = byConn.get(row.id) ?? [];
    return own.length === 2 ? [toConn(row, own)] : [];
  });
}
