import { addMonths } from './billing.js';
import {
  endOf,
  type Outcome,
  type PeerConn,
  type PeerConnEvent,
  type PeerConnTimings,
  ROLES,
} from './model.js';

export interface Advanced extends Outcome {
  /** The connection's retention is over: remove it. */
  purge: boolean;
}

/** The earliest moment something about the connection falls due, or null when nothing will. */
export function nextDueAt(conn: PeerConn, timings: PeerConnTimings): number | null {
  const candidates = [
    conn.statusDueAt,
    ...ROLES.map((role) => endOf(conn, role).dnsDueAt),
    conn.status === 'consulting' ? conn.consultDeadline : null,
    conn.status === 'active' && conn.paymentTiming === 'Prepaid' ? conn.expiresAt : null,
    conn.status === 'deleted' && conn.deletedAt !== null ? conn.deletedAt + timings.deletedRetentionMs : null,
  ].filter((due): due is number => due !== null);
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

const SYSTEM = 'system';

/** Applies the one due step that falls first, at the time it fell due. */
function step(
  conn: PeerConn,
  at: number,
  timings: PeerConnTimings,
): { conn: PeerConn; event?: PeerConnEvent; purge?: boolean } {
  if (conn.statusDueAt === at && conn.nextStatus) {
    const to = conn.nextStatus;
    const next: PeerConn = { ...conn, status: to, nextStatus: null, statusDueAt: null };
    // The 7-day clock starts once, when the request is first made; an update that ends back in
    // `consulting` keeps the original deadline.
    if (to === 'consulting' && conn.consultDeadline === null) {
      next.consultDeadline = at + timings.consultTimeoutMs;
    }
    if (to === 'active' && conn.paymentTiming === 'Prepaid' && conn.expiresAt === null) {
      next.expiresAt = addMonths(at, conn.reservationMonths ?? 1);
    }
    if (to === 'deleted') next.deletedAt = at;
    return {
      conn: next,
      event: { at, actor: SYSTEM, action: 'Complete', fromStatus: conn.status, toStatus: to },
    };
  }
  for (const role of ROLES) {
    const end = endOf(conn, role);
    if (end.dnsDueAt === at) {
      const dnsStatus = end.dnsStatus === 'syncing' ? ('open' as const) : ('close' as const);
      return {
        conn: { ...conn, [role]: { ...end, dnsStatus, dnsDueAt: null } },
        event: {
          at,
          actor: SYSTEM,
          action: 'DnsSyncComplete',
          fromStatus: conn.status,
          toStatus: conn.status,
          detail: `${role} dnsStatus ${end.dnsStatus} -> ${dnsStatus}`,
        },
      };
    }
  }
  if (conn.status === 'consulting' && conn.consultDeadline === at) {
    return {
      conn: { ...conn, status: 'consult_failed', consultDeadline: null },
      event: {
        at,
        actor: SYSTEM,
        action: 'ConsultTimeout',
        fromStatus: 'consulting',
        toStatus: 'consult_failed',
      },
    };
  }
  if (conn.status === 'active' && conn.expiresAt === at) {
    return {
      conn: { ...conn, status: 'expired' },
      event: { at, actor: SYSTEM, action: 'Expire', fromStatus: 'active', toStatus: 'expired' },
    };
  }
  if (
    conn.status === 'deleted' &&
    conn.deletedAt !== null &&
    conn.deletedAt + timings.deletedRetentionMs === at
  ) {
    return { conn, purge: true };
  }
  // nextDueAt named a time no step claims: a broken invariant, never a reason to delete anything.
  throw new Error(`peer connection ${conn.id} has work due at ${at} that no step handles`);
}

/**
 * Level-triggered: whatever is due by `now` happens, in the order it fell due, so a clock that
 * jumps a week both finishes a creation and times its request out.
 */
export function advancePeerConn(conn: PeerConn, now: number, timings: PeerConnTimings): Advanced {
  let current = conn;
  const events: PeerConnEvent[] = [];
  for (let due = nextDueAt(current, timings); due !== null && due <= now; due = nextDueAt(current, timings)) {
    const result = step(current, due, timings);
    if (result.purge) return { conn: current, events, purge: true };
    current = result.conn;
    if (result.event) events.push(result.event);
  }
  return { conn: current, events, purge: false };
}
