import { badRequest, DomainError, operationDenied } from '../errors.js';
import { checkDescription, checkName } from '../names.js';
import { addMonths, type BillingInput, parseReservation } from './billing.js';
import { checkBandwidth } from './create.js';
import {
  type Actor,
  endOf,
  isCrossAccount,
  isCrossBorder,
  type Outcome,
  type PeerConn,
  type PeerConnStatus,
  type PeerConnTimings,
  ROLES,
  type Role,
  visibleRoles,
} from './model.js';

/** Every operation below gets the connection, who acts, and when. */
export interface OperationContext {
  actor: Actor;
  now: number;
  timings: PeerConnTimings;
}

const IN_FLIGHT: readonly PeerConnStatus[] = ['creating', 'starting', 'updating', 'stopping', 'deleting'];

/** Reference §8.6: one operation at a time per connection; the refusal says to retry. */
export function checkNotBusy(conn: PeerConn): void {
  if (IN_FLIGHT.includes(conn.status)) {
    throw operationDenied(
      'PeerConnBusy',
      `peer connection ${conn.id} is ${conn.status}; retry once that operation has finished`,
    );
  }
  const syncing = ROLES.map((role) => endOf(conn, role)).find(
    (end) => end.dnsStatus === 'syncing' || end.dnsStatus === 'closing',
  );
  if (syncing) {
    throw operationDenied(
      'PeerConnBusy',
      `DNS sync of the ${syncing.role} side of ${conn.id} is ${syncing.dnsStatus}; retry once it has finished`,
    );
  }
}

function requireStatus(conn: PeerConn, allowed: readonly PeerConnStatus[], operation: string): void {
  checkNotBusy(conn);
  if (!allowed.includes(conn.status)) {
    throw operationDenied(
      'InvalidPeerConnStatus',
      `${operation} needs the connection to be ${allowed.join(' or ')}; it is ${conn.status}`,
    );
  }
}

/** Reference R9, R11, R12, R14: across accounts, only the initiator releases, resizes, renews, refunds. */
function requireInitiatorAcrossAccounts(conn: PeerConn, ctx: OperationContext, operation: string): void {
  if (isCrossAccount(conn) && !visibleRoles(conn, ctx.actor).includes('initiator')) {
    throw operationDenied(
      'InitiatorOnly',
      `only the initiator of a cross-account connection may ${operation}`,
    );
  }
}

/** Starts an asynchronous step: the connection shows `during` until the reconciler ends it in `then`. */
function startStep(
  conn: PeerConn,
  ctx: OperationContext,
  action: string,
  during: PeerConnStatus,
  then: PeerConnStatus,
): Outcome {
  return {
    conn: { ...conn, status: during, nextStatus: then, statusDueAt: ctx.now + ctx.timings.stepMs },
    events: [{ at: ctx.now, actor: ctx.actor.accountId, action, fromStatus: conn.status, toStatus: during }],
  };
}

function changeStatus(
  conn: PeerConn,
  ctx: OperationContext,
  action: string,
  to: PeerConnStatus,
  detail?: string,
): Outcome {
  return {
    conn: {
      ...conn,
      status: to,
      nextStatus: null,
      statusDueAt: null,
      ...(to !== 'consulting' ? { consultDeadline: null } : {}),
    },
    events: [
      {
        at: ctx.now,
        actor: ctx.actor.accountId,
        action,
        fromStatus: conn.status,
        toStatus: to,
        ...(detail ? { detail } : {}),
      },
    ],
  };
}

/** Reference R8: only the acceptor answers, only while the request is consulting. */
function requireAcceptor(conn: PeerConn, ctx: OperationContext, operation: string): void {
  if (!isCrossAccount(conn)) {
    throw operationDenied(
      'SameAccountAutoAccepted',
      `a same-account connection is accepted automatically; there is nothing to ${operation}`,
    );
  }
  if (!visibleRoles(conn, ctx.actor).includes('acceptor')) {
    throw operationDenied('AcceptorOnly', `only the acceptor may ${operation} a peer connection request`);
  }
  requireStatus(conn, ['consulting'], operation);
}

export function acceptPeerConn(conn: PeerConn, ctx: OperationContext): Outcome {
  requireAcceptor(conn, ctx, 'accept');
  return startStep({ ...conn, consultDeadline: null }, ctx, 'Accept', 'starting', 'active');
}

export function rejectPeerConn(conn: PeerConn, ctx: OperationContext): Outcome {
  requireAcceptor(conn, ctx, 'reject');
  return changeStatus(conn, ctx, 'Reject', 'consult_failed');
}

function checkReleasable(conn: PeerConn, ctx: OperationContext, operation: string): void {
  requireInitiatorAcrossAccounts(conn, ctx, operation);
  checkNotBusy(conn);
  if (conn.deleteProtect) {
    throw operationDenied(
      'DeleteProtected',
      `peer connection ${conn.id} has delete protection on; switch it off first`,
    );
  }
}

/**
 * Release (reference R9, R10): prepaid, active and not yet expired cannot be released; a deleted or
 * deleting connection is already on its way, so releasing it again changes nothing.
 */
export function releasePeerConn(conn: PeerConn, ctx: OperationContext): Outcome {
  requireInitiatorAcrossAccounts(conn, ctx, 'release');
  if (conn.status === 'deleting' || conn.status === 'deleted') return { conn, events: [] };
  checkReleasable(conn, ctx, 'release');
  if (conn.paymentTiming === 'Prepaid' && conn.status === 'active' && (conn.expiresAt ?? 0) > ctx.now) {
    throw operationDenied(
      'PrepaidNotExpired',
      'an active prepaid connection cannot be released before it expires; refund it instead',
    );
  }
  return startStep(conn, ctx, 'Release', 'deleting', 'deleted');
}

/** Refund (reference R14): unsubscribe a prepaid, non-cross-border connection; it is then released. */
export function refundPeerConn(conn: PeerConn, ctx: OperationContext): Outcome {
  if (conn.paymentTiming !== 'Prepaid') {
    throw operationDenied(
      'PostpaidNotRefundable',
      'only prepaid connections can be refunded; release a postpaid one',
    );
  }
  if (isCrossBorder(conn)) {
    throw operationDenied('CrossBorderNotRefundable', 'a cross-border prepaid connection cannot be refunded');
  }
  if (conn.status === 'deleted') {
    throw operationDenied('InvalidPeerConnStatus', `peer connection ${conn.id} is already deleted`);
  }
  checkReleasable(conn, ctx, 'refund');
  const outcome = startStep(conn, ctx, 'Refund', 'deleting', 'deleted');
  return { ...outcome, conn: { ...outcome.conn, expiresAt: ctx.now } };
}

/** Resize (reference R11): initiator only across accounts; prepaid bandwidth only grows. */
export function resizePeerConn(conn: PeerConn, ctx: OperationContext, newBandwidthInMbps: number): Outcome {
  const bandwidth = checkBandwidth('newBandwidthInMbps', newBandwidthInMbps);
  requireInitiatorAcrossAccounts(conn, ctx, 'resize');
  requireStatus(conn, ['active'], 'resize');
  if (conn.paymentTiming === 'Prepaid' && bandwidth < conn.bandwidthInMbps) {
    throw operationDenied(
      'PrepaidDowngrade',
      `a prepaid connection's bandwidth can only grow (now ${conn.bandwidthInMbps} Mbps)`,
    );
  }
  const outcome = startStep({ ...conn, bandwidthInMbps: bandwidth }, ctx, 'Resize', 'updating', 'active');
  outcome.events[0]!.detail = `${conn.bandwidthInMbps} -> ${bandwidth} Mbps`;
  return outcome;
}

/** Renew (reference R12): prepaid only; extends the paid period, and revives an expired connection. */
export function renewPeerConn(
  conn: PeerConn,
  ctx: OperationContext,
  billing: BillingInput | undefined,
): Outcome {
  if (!billing) throw badRequest('BillingRequired', 'billing with a reservation is required');
  if (billing.paymentTiming !== undefined && billing.paymentTiming.toLowerCase() !== 'prepaid') {
    throw operationDenied('PostpaidNotRenewable', 'only prepaid connections can be renewed');
  }
  if (conn.paymentTiming !== 'Prepaid')
    throw operationDenied('PostpaidNotRenewable', 'only prepaid connections can be renewed');
  const months = parseReservation(billing.reservation);
  requireInitiatorAcrossAccounts(conn, ctx, 'renew');
  requireStatus(conn, ['active', 'expired'], 'renew');
  const expiresAt = addMonths(Math.max(conn.expiresAt ?? ctx.now, ctx.now), months);
  const renewed = { ...conn, expiresAt, reservationMonths: months };
  const detail = `+${months} month(s), expires ${new Date(expiresAt).toISOString()}`;
  if (conn.status === 'expired') return changeStatus(renewed, ctx, 'Renew', 'active', detail);
  return {
    conn: renewed,
    events: [
      {
        at: ctx.now,
        actor: ctx.actor.accountId,
        action: 'Renew',
        fromStatus: conn.status,
        toStatus: conn.status,
        detail,
      },
    ],
  };
}

/** The end named by `role`, which the actor must own; another owner's end is "not found". */
function ownEnd(conn: PeerConn, ctx: OperationContext, role: string | undefined): Role {
  if (role !== 'initiator' && role !== 'acceptor')
    throw badRequest('InvalidRole', 'role must be initiator or acceptor');
  if (!visibleRoles(conn, ctx.actor).includes(role)) {
    throw new DomainError(
      'NoSuchObject',
      'PeerConnEndNotFound',
      `this account has no ${role} side of ${conn.id} in region ${ctx.actor.region}`,
    );
  }
  return role;
}

/** DNS sync of one side (reference R13): only while active, never over a step in flight. */
export function switchDnsSync(
  conn: PeerConn,
  ctx: OperationContext,
  roleText: string | undefined,
  open: boolean,
): Outcome {
  const role = ownEnd(conn, ctx, roleText);
  requireStatus(conn, ['active'], open ? 'opening DNS sync' : 'closing DNS sync');
  const end = endOf(conn, role);
  if (open && end.dnsStatus !== 'close')
    throw operationDenied('DnsSyncAlreadyOpen', `DNS sync of the ${role} side is already ${end.dnsStatus}`);
  if (!open && end.dnsStatus !== 'open')
    throw operationDenied('DnsSyncNotOpen', `DNS sync of the ${role} side is ${end.dnsStatus}`);
  const changed = {
    ...end,
    dnsStatus: open ? ('syncing' as const) : ('closing' as const),
    dnsDueAt: ctx.now + ctx.timings.stepMs,
  };
  return {
    conn: { ...conn, [role]: changed },
    events: [
      {
        at: ctx.now,
        actor: ctx.actor.accountId,
        action: open ? 'OpenDnsSync' : 'CloseDnsSync',
        fromStatus: conn.status,
        toStatus: conn.status,
        detail: `${role} dnsStatus ${end.dnsStatus} -> ${changed.dnsStatus}`,
      },
    ],
  };
}

export function switchDeleteProtect(conn: PeerConn, ctx: OperationContext, deleteProtect: boolean): Outcome {
  requireInitiatorAcrossAccounts(conn, ctx, 'change delete protection');
  checkNotBusy(conn);
  if (conn.status === 'deleted') {
    throw operationDenied('InvalidPeerConnStatus', `peer connection ${conn.id} is deleted`);
  }
  if (conn.deleteProtect === deleteProtect) return { conn, events: [] };
  return {
    conn: { ...conn, deleteProtect },
    events: [
      {
        at: ctx.now,
        actor: ctx.actor.accountId,
        action: 'SwitchDeleteProtect',
        fromStatus: conn.status,
        toStatus: conn.status,
        detail: `deleteProtect ${deleteProtect}`,
      },
    ],
  };
}

/** Update of the caller's own side, named by its interface id; an asynchronous step (`updating`). */
export function updatePeerConnEnd(
  conn: PeerConn,
  ctx: OperationContext,
  change: { localIfId: string; localIfName?: string; description?: string },
): Outcome {
  const role = visibleRoles(conn, ctx.actor).find((r) => endOf(conn, r).ifId === change.localIfId);
  if (!role) {
    throw new DomainError(
      'NoSuchObject',
      'PeerConnEndNotFound',
      `interface ${change.localIfId} is not a side of ${conn.id} that this account owns here`,
    );
  }
  requireStatus(conn, ['active', 'consulting'], 'update');
  const end = endOf(conn, role);
  const changed = {
    ...end,
    ...(change.localIfName !== undefined ? { ifName: checkName('localIfName', change.localIfName) } : {}),
    ...(change.description !== undefined ? { description: checkDescription(change.description) } : {}),
  };
  return startStep({ ...conn, [role]: changed }, ctx, 'Update', 'updating', conn.status);
}
