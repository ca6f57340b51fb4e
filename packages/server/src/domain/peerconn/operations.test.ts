import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../../testing/domain-errors.js';
import type { Region } from '../regions.js';
import { advancePeerConn } from './advance.js';
import { addMonths, type BillingInput } from './billing.js';
import {
  type Actor,
  DEFAULT_TIMINGS,
  type DnsStatus,
  type PeerConn,
  type PeerConnEnd,
  type PeerConnEvent,
  type PeerConnStatus,
  type Role,
} from './model.js';
import {
  acceptPeerConn,
  checkNotBusy,
  type OperationContext,
  refundPeerConn,
  rejectPeerConn,
  releasePeerConn,
  renewPeerConn,
  resizePeerConn,
  switchDeleteProtect,
  switchDnsSync,
  updatePeerConnEnd,
} from './operations.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2024, 0, 10, 9);
const STEP = DEFAULT_TIMINGS.stepMs;

// ---- fixtures --------------------------------------------------------------------------------

/** Account acc-a in bj initiates every connection below. */
const A_BJ: Actor = { accountId: 'acc-a', region: 'bj' };
const A_GZ: Actor = { accountId: 'acc-a', region: 'gz' };
const B_GZ: Actor = { accountId: 'acc-b', region: 'gz' };
const B_BJ: Actor = { accountId: 'acc-b', region: 'bj' };

type Pair = 'sameRegion' | 'crossRegion' | 'crossAccount';

const ACCEPTOR_SIDE: Record<Pair, Actor> = { sameRegion: A_BJ, crossRegion: A_GZ, crossAccount: B_GZ };

const end = (role: Role, owner: Actor, vpcId: string, ifId: string): PeerConnEnd => ({
  role,
  accountId: owner.accountId,
  region: owner.region,
  vpcId,
  ifId,
  ifName: `int-${ifId.slice(-8)}`,
  description: role === 'initiator' ? 'from acc-a' : '',
  dnsStatus: 'close',
  dnsDueAt: null,
});

/** A settled (nothing in flight), postpaid, active connection of the given kind. */
const conn = (pair: Pair, overrides: Partial<PeerConn> = {}): PeerConn => ({
  id: 'peerconn-000000000001',
  status: 'active',
  nextStatus: null,
  statusDueAt: null,
  bandwidthInMbps: 10,
  paymentTiming: 'Postpaid',
  reservationMonths: null,
  expiresAt: null,
  consultDeadline: null,
  deleteProtect: false,
  tags: [],
  createdAt: T0 - 10 * DAY,
  deletedAt: null,
  initiator: end('initiator', A_BJ, 'vpc-a00000000001', 'qpif-initiator01'),
  acceptor: end('acceptor', ACCEPTOR_SIDE[pair], 'vpc-x00000000002', 'qpif-acceptor001'),
  ...overrides,
});

/** A prepaid connection bought for one month, with 20 days of it left. */
const prepaid = (pair: Exclude<Pair, 'sameRegion'>, overrides: Partial<PeerConn> = {}): PeerConn =>
  conn(pair, { paymentTiming: 'Prepaid', reservationMonths: 1, expiresAt: T0 + 20 * DAY, ...overrides });

/** A cross-account request waiting for acc-b, made a day ago. */
const consulting = (overrides: Partial<PeerConn> = {}): PeerConn =>
  conn('crossAccount', { status: 'consulting', consultDeadline: T0 + 6 * DAY, ...overrides });

/** The connection with one end's DNS sync in the given state. */
const withDns = (
  c: PeerConn,
  role: Role,
  dnsStatus: DnsStatus,
  dnsDueAt: number | null = null,
): PeerConn => ({
  ...c,
  [role]: { ...c[role], dnsStatus, dnsDueAt },
});

/** The connection in the middle of a step that ends in `then`. */
const inFlight = (c: PeerConn, status: PeerConnStatus, then: PeerConnStatus): PeerConn => ({
  ...c,
  status,
  nextStatus: then,
  statusDueAt: T0 + STEP,
});

/** A connection in a region other than bj, for the cross-border rule. */
const between = (initiatorRegion: Region, acceptorRegion: Region): PeerConn => {
  const c = prepaid('crossRegion');
  return {
    ...c,
    initiator: { ...c.initiator, region: initiatorRegion },
    acceptor: { ...c.acceptor, region: acceptorRegion },
  };
};

const ctx = (actor: Actor, now = T0): OperationContext => ({ actor, now, timings: DEFAULT_TIMINGS });

const event = (
  actor: string,
  action: string,
  fromStatus: PeerConnStatus,
  toStatus: PeerConnStatus,
  extra: Partial<PeerConnEvent> = {},
): PeerConnEvent => ({ at: T0, actor, action, fromStatus, toStatus, ...extra });

const RENEW_3: BillingInput = { reservation: { reservationLength: 3, reservationTimeUnit: 'Month' } };

/** Lets the reconciler finish whatever the operation started. */
const settle = (c: PeerConn, now = T0 + STEP) => advancePeerConn(c, now, DEFAULT_TIMINGS);

// ---- accept / reject (R2, R8) ----------------------------------------------------------------

describe('accept', () => {
  it('starts the connection when the acceptor accepts a consulting request', () => {
    const { conn: accepted, events } = acceptPeerConn(consulting(), ctx(B_GZ));
    expect(accepted).toMatchObject({
      status: 'starting',
      nextStatus: 'active',
      statusDueAt: T0 + STEP,
      consultDeadline: null,
    });
    expect(events).toEqual([event('acc-b', 'Accept', 'consulting', 'starting')]);
  });

  it('then becomes active', () => {
    const settled = settle(acceptPeerConn(consulting(), ctx(B_GZ)).conn);
    expect(settled.conn).toMatchObject({ status: 'active', nextStatus: null, statusDueAt: null });
    expect(settled.events).toEqual([
      { at: T0 + STEP, actor: 'system', action: 'Complete', fromStatus: 'starting', toStatus: 'active' },
    ]);
  });

  it('starts the paid period of a prepaid connection when it becomes active (R16)', () => {
    const request = consulting({ paymentTiming: 'Prepaid', reservationMonths: 3, expiresAt: null });
    const settled = settle(acceptPeerConn(request, ctx(B_GZ)).conn);
    expect(settled.conn.status).toBe('active');
    expect(settled.conn.expiresAt).toBe(addMonths(T0 + STEP, 3));
  });

  it('is refused to the initiator (R8)', () => {
    expect(domainRefusal(() => acceptPeerConn(consulting(), ctx(A_BJ)))).toEqual(
      refused('OperationDenied', 'AcceptorOnly'),
    );
  });

  it('is refused to the acceptor account calling from another region', () => {
    expect(domainRefusal(() => acceptPeerConn(consulting(), ctx(B_BJ)))).toEqual(
      refused('OperationDenied', 'AcceptorOnly'),
    );
  });

  it.each(['sameRegion', 'crossRegion'] as const)('is refused on a %s same-account connection', (pair) => {
    const c = conn(pair);
    expect(domainRefusal(() => acceptPeerConn(c, ctx(ACCEPTOR_SIDE[pair])))).toEqual(
      refused('OperationDenied', 'SameAccountAutoAccepted'),
    );
  });

  it.each(['active', 'consult_failed', 'expired', 'down', 'error', 'deleted'] as const)(
    'is refused on a %s connection',
    (status) => {
      expect(domainRefusal(() => acceptPeerConn(conn('crossAccount', { status }), ctx(B_GZ)))).toEqual(
        refused('OperationDenied', 'InvalidPeerConnStatus'),
      );
    },
  );
});

describe('reject', () => {
  it('fails the request for the initiator (R8)', () => {
    const { conn: rejected, events } = rejectPeerConn(consulting(), ctx(B_GZ));
    expect(rejected).toMatchObject({
      status: 'consult_failed',
      nextStatus: null,
      statusDueAt: null,
      consultDeadline: null,
    });
    expect(events).toEqual([event('acc-b', 'Reject', 'consulting', 'consult_failed')]);
  });

  it('leaves nothing for the reconciler to do', () => {
    const { conn: rejected } = rejectPeerConn(consulting(), ctx(B_GZ));
    const later = advancePeerConn(rejected, T0 + 30 * DAY, DEFAULT_TIMINGS);
    expect(later).toEqual({ conn: rejected, events: [], purge: false });
  });

  it('is refused to the initiator', () => {
    expect(domainRefusal(() => rejectPeerConn(consulting(), ctx(A_BJ)))).toEqual(
      refused('OperationDenied', 'AcceptorOnly'),
    );
  });

  it.each(['sameRegion', 'crossRegion'] as const)('is refused on a %s same-account connection', (pair) => {
    expect(domainRefusal(() => rejectPeerConn(conn(pair), ctx(ACCEPTOR_SIDE[pair])))).toEqual(
      refused('OperationDenied', 'SameAccountAutoAccepted'),
    );
  });

  it.each(['active', 'consult_failed', 'expired'] as const)('is refused on a %s connection', (status) => {
    expect(domainRefusal(() => rejectPeerConn(conn('crossAccount', { status }), ctx(B_GZ)))).toEqual(
      refused('OperationDenied', 'InvalidPeerConnStatus'),
    );
  });
});

// ---- release (R9, R10) -----------------------------------------------------------------------

describe('release', () => {
  it('starts deleting an active postpaid connection', () => {
    const { conn: releasing, events } = releasePeerConn(conn('sameRegion'), ctx(A_BJ));
    expect(releasing).toMatchObject({ status: 'deleting', nextStatus: 'deleted', statusDueAt: T0 + STEP });
    expect(events).toEqual([event('acc-a', 'Release', 'active', 'deleting')]);
  });

  it('then becomes deleted, and is purged once its retention is over', () => {
    const deleted = settle(releasePeerConn(conn('sameRegion'), ctx(A_BJ)).conn);
    expect(deleted.conn).toMatchObject({ status: 'deleted', deletedAt: T0 + STEP, nextStatus: null });
    expect(deleted.events).toEqual([
      { at: T0 + STEP, actor: 'system', action: 'Complete', fromStatus: 'deleting', toStatus: 'deleted' },
    ]);
    expect(deleted.purge).toBe(false);
    const retention = T0 + STEP + DEFAULT_TIMINGS.deletedRetentionMs;
    expect(advancePeerConn(deleted.conn, retention - 1, DEFAULT_TIMINGS).purge).toBe(false);
    expect(advancePeerConn(deleted.conn, retention, DEFAULT_TIMINGS)).toEqual({
      conn: deleted.conn,
      events: [],
      purge: true,
    });
  });

  it('lets the initiator release a cross-account connection', () => {
    const { events } = releasePeerConn(conn('crossAccount'), ctx(A_BJ));
    expect(events).toEqual([event('acc-a', 'Release', 'active', 'deleting')]);
  });

  it('refuses the acceptor of a cross-account connection (R9)', () => {
    expect(domainRefusal(() => releasePeerConn(conn('crossAccount'), ctx(B_GZ)))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
    expect(domainRefusal(() => releasePeerConn(consulting(), ctx(B_GZ)))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
  });

  it('lets the owner release a same-account connection from the acceptor side', () => {
    const { conn: releasing, events } = releasePeerConn(conn('crossRegion'), ctx(A_GZ));
    expect(releasing.status).toBe('deleting');
    expect(events).toEqual([event('acc-a', 'Release', 'active', 'deleting')]);
  });

  it('lets the initiator withdraw a consulting request', () => {
    const { conn: releasing, events } = releasePeerConn(consulting(), ctx(A_BJ));
    expect(releasing.status).toBe('deleting');
    expect(events).toEqual([event('acc-a', 'Release', 'consulting', 'deleting')]);
  });

  it('refuses a connection with delete protection on', () => {
    expect(
      domainRefusal(() => releasePeerConn(conn('sameRegion', { deleteProtect: true }), ctx(A_BJ))),
    ).toEqual(refused('OperationDenied', 'DeleteProtected'));
  });

  it('refuses an active prepaid connection that has not expired (R10)', () => {
    expect(domainRefusal(() => releasePeerConn(prepaid('crossRegion'), ctx(A_BJ)))).toEqual(
      refused('OperationDenied', 'PrepaidNotExpired'),
    );
    expect(
      domainRefusal(() => releasePeerConn(prepaid('crossRegion', { expiresAt: T0 + 1 }), ctx(A_BJ))),
    ).toEqual(refused('OperationDenied', 'PrepaidNotExpired'));
  });

  it('releases an active prepaid connection whose paid period has ended', () => {
    const { conn: releasing, events } = releasePeerConn(prepaid('crossRegion', { expiresAt: T0 }), ctx(A_BJ));
    expect(releasing.status).toBe('deleting');
    expect(events).toEqual([event('acc-a', 'Release', 'active', 'deleting')]);
  });

  it('releases an expired prepaid connection', () => {
    const expired = prepaid('crossRegion', { status: 'expired', expiresAt: T0 - DAY });
    expect(releasePeerConn(expired, ctx(A_BJ)).events).toEqual([
      event('acc-a', 'Release', 'expired', 'deleting'),
    ]);
  });

  it('releases a prepaid connection whose request failed (R10)', () => {
    const failed = prepaid('crossAccount', { status: 'consult_failed', expiresAt: null });
    const { conn: releasing, events } = releasePeerConn(failed, ctx(A_BJ));
    expect(releasing).toMatchObject({ status: 'deleting', nextStatus: 'deleted' });
    expect(events).toEqual([event('acc-a', 'Release', 'consult_failed', 'deleting')]);
  });

  it.each(['deleting', 'deleted'] as const)('changes nothing on a %s connection', (status) => {
    const gone = conn('crossAccount', { status, deleteProtect: true });
    const outcome = releasePeerConn(gone, ctx(A_BJ));
    expect(outcome.conn).toBe(gone);
    expect(outcome.events).toEqual([]);
  });

  it.each(['deleting', 'deleted'] as const)('still refuses the acceptor on a %s connection', (status) => {
    const gone = conn('crossAccount', { status });
    expect(() => releasePeerConn(gone, ctx(B_GZ))).toThrow(
      expect.objectContaining({ kind: 'OperationDenied', reason: 'InitiatorOnly' }),
    );
  });
});

// ---- refund (R14) ----------------------------------------------------------------------------

describe('refund', () => {
  it('releases a prepaid connection and ends its paid period now', () => {
    const { conn: refunding, events } = refundPeerConn(prepaid('crossRegion'), ctx(A_BJ));
    expect(refunding).toMatchObject({
      status: 'deleting',
      nextStatus: 'deleted',
      statusDueAt: T0 + STEP,
      expiresAt: T0,
    });
    expect(events).toEqual([event('acc-a', 'Refund', 'active', 'deleting')]);
    expect(settle(refunding).conn.status).toBe('deleted');
  });

  it('lets the initiator refund a cross-account connection', () => {
    expect(refundPeerConn(prepaid('crossAccount'), ctx(A_BJ)).events).toEqual([
      event('acc-a', 'Refund', 'active', 'deleting'),
    ]);
  });

  it('refuses the acceptor of a cross-account connection', () => {
    expect(domainRefusal(() => refundPeerConn(prepaid('crossAccount'), ctx(B_GZ)))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
  });

  it.each(['sameRegion', 'crossRegion', 'crossAccount'] as const)(
    'refuses a postpaid %s connection',
    (pair) => {
      expect(domainRefusal(() => refundPeerConn(conn(pair), ctx(A_BJ)))).toEqual(
        refused('OperationDenied', 'PostpaidNotRefundable'),
      );
    },
  );

  it.each([
    ['bj', 'hkg'],
    ['hkg', 'gz'],
    ['sin', 'bj'],
  ] as const)('refuses a cross-border connection %s <-> %s', (from, to) => {
    expect(
      domainRefusal(() => refundPeerConn(between(from, to), ctx({ accountId: 'acc-a', region: from }))),
    ).toEqual(refused('OperationDenied', 'CrossBorderNotRefundable'));
  });

  it('refunds a connection between two overseas regions', () => {
    const { conn: refunding } = refundPeerConn(
      between('hkg', 'sin'),
      ctx({ accountId: 'acc-a', region: 'hkg' }),
    );
    expect(refunding.status).toBe('deleting');
  });

  it('refunds a prepaid connection whose request failed or whose period expired', () => {
    const failed = prepaid('crossAccount', { status: 'consult_failed', expiresAt: null });
    expect(refundPeerConn(failed, ctx(A_BJ)).events).toEqual([
      event('acc-a', 'Refund', 'consult_failed', 'deleting'),
    ]);
    const expired = prepaid('crossRegion', { status: 'expired', expiresAt: T0 - DAY });
    expect(refundPeerConn(expired, ctx(A_BJ)).events).toEqual([
      event('acc-a', 'Refund', 'expired', 'deleting'),
    ]);
  });

  it('refuses a connection with delete protection on', () => {
    expect(
      domainRefusal(() => refundPeerConn(prepaid('crossRegion', { deleteProtect: true }), ctx(A_BJ))),
    ).toEqual(refused('OperationDenied', 'DeleteProtected'));
  });

  it('refuses a deleted connection', () => {
    expect(
      domainRefusal(() => refundPeerConn(prepaid('crossRegion', { status: 'deleted' }), ctx(A_BJ))),
    ).toEqual(refused('OperationDenied', 'InvalidPeerConnStatus'));
  });
});

// ---- resize (R11) ----------------------------------------------------------------------------

describe('resize', () => {
  it('updates the bandwidth of an active connection, then becomes active again', () => {
    const { conn: resizing, events } = resizePeerConn(conn('sameRegion'), ctx(A_BJ), 20);
    expect(resizing).toMatchObject({
      status: 'updating',
      nextStatus: 'active',
      statusDueAt: T0 + STEP,
      bandwidthInMbps: 20,
    });
    expect(events).toEqual([event('acc-a', 'Resize', 'active', 'updating', { detail: '10 -> 20 Mbps' })]);
    const settled = settle(resizing);
    expect(settled.conn).toMatchObject({ status: 'active', bandwidthInMbps: 20, nextStatus: null });
    expect(settled.events).toEqual([
      { at: T0 + STEP, actor: 'system', action: 'Complete', fromStatus: 'updating', toStatus: 'active' },
    ]);
  });

  it('lets a postpaid connection shrink', () => {
    const { conn: resizing } = resizePeerConn(conn('crossRegion', { bandwidthInMbps: 100 }), ctx(A_BJ), 5);
    expect(resizing.bandwidthInMbps).toBe(5);
  });

  it('lets a prepaid connection grow or stay', () => {
    expect(resizePeerConn(prepaid('crossRegion'), ctx(A_BJ), 50).conn.bandwidthInMbps).toBe(50);
    expect(resizePeerConn(prepaid('crossRegion'), ctx(A_BJ), 10).conn.bandwidthInMbps).toBe(10);
  });

  it('refuses to shrink a prepaid connection (R11)', () => {
    expect(domainRefusal(() => resizePeerConn(prepaid('crossRegion'), ctx(A_BJ), 9))).toEqual(
      refused('OperationDenied', 'PrepaidDowngrade'),
    );
  });

  it.each([1, 10_000])('accepts %i Mbps', (mbps) => {
    expect(resizePeerConn(conn('sameRegion'), ctx(A_BJ), mbps).conn.bandwidthInMbps).toBe(mbps);
  });

  it.each([0, -1, 10_001, 2.5])('refuses %s Mbps', (mbps) => {
    expect(domainRefusal(() => resizePeerConn(conn('sameRegion'), ctx(A_BJ), mbps))).toEqual(
      refused('BadRequest', 'InvalidBandwidth'),
    );
  });

  it('lets the initiator resize a cross-account connection and refuses the acceptor', () => {
    expect(resizePeerConn(conn('crossAccount'), ctx(A_BJ), 20).events).toEqual([
      event('acc-a', 'Resize', 'active', 'updating', { detail: '10 -> 20 Mbps' }),
    ]);
    expect(domainRefusal(() => resizePeerConn(conn('crossAccount'), ctx(B_GZ), 20))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
  });

  it('lets the owner resize a same-account connection from the acceptor side', () => {
    expect(resizePeerConn(conn('crossRegion'), ctx(A_GZ), 20).conn.status).toBe('updating');
  });

  it.each(['consulting', 'consult_failed', 'expired', 'down', 'error', 'deleted'] as const)(
    'refuses a %s connection',
    (status) => {
      expect(domainRefusal(() => resizePeerConn(conn('crossAccount', { status }), ctx(A_BJ), 20))).toEqual(
        refused('OperationDenied', 'InvalidPeerConnStatus'),
      );
    },
  );
});

// ---- renew (R12, R17) ------------------------------------------------------------------------

describe('renew', () => {
  it('extends the paid period of an active connection from its end', () => {
    const c = prepaid('crossRegion');
    const expiresAt = addMonths(T0 + 20 * DAY, 3);
    const { conn: renewed, events } = renewPeerConn(c, ctx(A_BJ), RENEW_3);
    expect(renewed).toEqual({ ...c, expiresAt, reservationMonths: 3 });
    expect(events).toEqual([
      event('acc-a', 'Renew', 'active', 'active', {
        detail: `+3 month(s), expires ${new Date(expiresAt).toISOString()}`,
      }),
    ]);
  });

  it('extends from now when the paid period has already ended', () => {
    const c = prepaid('crossRegion', { expiresAt: T0 - DAY });
    expect(renewPeerConn(c, ctx(A_BJ), RENEW_3).conn.expiresAt).toBe(addMonths(T0, 3));
  });

  it('revives an expired connection', () => {
    const expired = prepaid('crossRegion', { status: 'expired', expiresAt: T0 - 5 * DAY });
    const expiresAt = addMonths(T0, 1);
    const { conn: renewed, events } = renewPeerConn(expired, ctx(A_BJ), {
      paymentTiming: 'Prepaid',
      reservation: { reservationLength: 1, reservationTimeUnit: 'month' },
    });
    expect(renewed).toMatchObject({ status: 'active', expiresAt, reservationMonths: 1, nextStatus: null });
    expect(events).toEqual([
      event('acc-a', 'Renew', 'expired', 'active', {
        detail: `+1 month(s), expires ${new Date(expiresAt).toISOString()}`,
      }),
    ]);
  });

  it('keeps a renewed connection from expiring at its old end', () => {
    const { conn: renewed } = renewPeerConn(prepaid('crossRegion'), ctx(A_BJ), RENEW_3);
    const atOldEnd = advancePeerConn(renewed, T0 + 20 * DAY, DEFAULT_TIMINGS);
    expect(atOldEnd.conn.status).toBe('active');
    expect(atOldEnd.events).toEqual([]);
  });

  it('lets the initiator renew a cross-account connection and refuses the acceptor (R12)', () => {
    expect(renewPeerConn(prepaid('crossAccount'), ctx(A_BJ), RENEW_3).conn.reservationMonths).toBe(3);
    expect(domainRefusal(() => renewPeerConn(prepaid('crossAccount'), ctx(B_GZ), RENEW_3))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
  });

  it('refuses a postpaid connection (R12)', () => {
    expect(domainRefusal(() => renewPeerConn(conn('crossRegion'), ctx(A_BJ), RENEW_3))).toEqual(
      refused('OperationDenied', 'PostpaidNotRenewable'),
    );
  });

  it('refuses a Postpaid billing, as the Go SDK test sends', () => {
    expect(
      domainRefusal(() => renewPeerConn(conn('crossRegion'), ctx(A_BJ), { paymentTiming: 'Postpaid' })),
    ).toEqual(refused('OperationDenied', 'PostpaidNotRenewable'));
    expect(
      domainRefusal(() =>
        renewPeerConn(prepaid('crossRegion'), ctx(A_BJ), { ...RENEW_3, paymentTiming: 'postpaid' }),
      ),
    ).toEqual(refused('OperationDenied', 'PostpaidNotRenewable'));
  });

  it('requires billing with a valid reservation', () => {
    expect(domainRefusal(() => renewPeerConn(prepaid('crossRegion'), ctx(A_BJ), undefined))).toEqual(
      refused('BadRequest', 'BillingRequired'),
    );
    expect(
      domainRefusal(() => renewPeerConn(prepaid('crossRegion'), ctx(A_BJ), { paymentTiming: 'Prepaid' })),
    ).toEqual(refused('BadRequest', 'ReservationRequired'));
    expect(
      domainRefusal(() =>
        renewPeerConn(prepaid('crossRegion'), ctx(A_BJ), { reservation: { reservationLength: 10 } }),
      ),
    ).toEqual(refused('BadRequest', 'InvalidReservationLength'));
  });

  it.each(['consulting', 'consult_failed', 'down', 'deleted'] as const)(
    'refuses a %s connection',
    (status) => {
      expect(
        domainRefusal(() => renewPeerConn(prepaid('crossAccount', { status }), ctx(A_BJ), RENEW_3)),
      ).toEqual(refused('OperationDenied', 'InvalidPeerConnStatus'));
    },
  );
});

// ---- DNS sync (R13) --------------------------------------------------------------------------

describe('DNS sync', () => {
  it('opens the sync of the actor own end: syncing, then open', () => {
    const { conn: opening, events } = switchDnsSync(conn('crossAccount'), ctx(A_BJ), 'initiator', true);
    expect(opening.initiator).toMatchObject({ dnsStatus: 'syncing', dnsDueAt: T0 + STEP });
    expect(opening.acceptor).toMatchObject({ dnsStatus: 'close', dnsDueAt: null });
    expect(opening.status).toBe('active');
    expect(events).toEqual([
      event('acc-a', 'OpenDnsSync', 'active', 'active', { detail: 'initiator dnsStatus close -> syncing' }),
    ]);
    const settled = settle(opening);
    expect(settled.conn.initiator).toMatchObject({ dnsStatus: 'open', dnsDueAt: null });
    expect(settled.events).toEqual([
      {
        at: T0 + STEP,
        actor: 'system',
        action: 'DnsSyncComplete',
        fromStatus: 'active',
        toStatus: 'active',
        detail: 'initiator dnsStatus syncing -> open',
      },
    ]);
  });

  it('closes an open sync: closing, then close', () => {
    const open = withDns(conn('crossAccount'), 'acceptor', 'open');
    const { conn: closing, events } = switchDnsSync(open, ctx(B_GZ), 'acceptor', false);
    expect(closing.acceptor).toMatchObject({ dnsStatus: 'closing', dnsDueAt: T0 + STEP });
    expect(events).toEqual([
      event('acc-b', 'CloseDnsSync', 'active', 'active', { detail: 'acceptor dnsStatus open -> closing' }),
    ]);
    const settled = settle(closing);
    expect(settled.conn.acceptor).toMatchObject({ dnsStatus: 'close', dnsDueAt: null });
    expect(settled.events).toEqual([
      {
        at: T0 + STEP,
        actor: 'system',
        action: 'DnsSyncComplete',
        fromStatus: 'active',
        toStatus: 'active',
        detail: 'acceptor dnsStatus closing -> close',
      },
    ]);
  });

  it('lets the owner of a same-region connection switch either end', () => {
    const c = conn('sameRegion');
    expect(switchDnsSync(c, ctx(A_BJ), 'initiator', true).conn.initiator.dnsStatus).toBe('syncing');
    expect(switchDnsSync(c, ctx(A_BJ), 'acceptor', true).conn.acceptor.dnsStatus).toBe('syncing');
  });

  it('lets the owner of a cross-region connection switch only the end of the region it calls', () => {
    const c = conn('crossRegion');
    expect(switchDnsSync(c, ctx(A_GZ), 'acceptor', true).conn.acceptor.dnsStatus).toBe('syncing');
    expect(domainRefusal(() => switchDnsSync(c, ctx(A_BJ), 'acceptor', true))).toEqual(
      refused('NoSuchObject', 'PeerConnEndNotFound'),
    );
    expect(domainRefusal(() => switchDnsSync(c, ctx(A_GZ), 'initiator', true))).toEqual(
      refused('NoSuchObject', 'PeerConnEndNotFound'),
    );
  });

  it("treats the other account's end of a cross-account connection as not found", () => {
    const c = conn('crossAccount');
    expect(domainRefusal(() => switchDnsSync(c, ctx(B_GZ), 'initiator', true))).toEqual(
      refused('NoSuchObject', 'PeerConnEndNotFound'),
    );
    expect(
      domainRefusal(() => switchDnsSync(withDns(c, 'acceptor', 'open'), ctx(A_BJ), 'acceptor', false)),
    ).toEqual(refused('NoSuchObject', 'PeerConnEndNotFound'));
  });

  it.each([undefined, '', 'both', 'Initiator'])('refuses the role %j', (role) => {
    expect(domainRefusal(() => switchDnsSync(conn('sameRegion'), ctx(A_BJ), role, true))).toEqual(
      refused('BadRequest', 'InvalidRole'),
    );
  });

  it.each(['consulting', 'consult_failed', 'expired', 'down', 'error', 'deleted'] as const)(
    'refuses a %s connection',
    (status) => {
      const c = conn('crossAccount', { status });
      expect(domainRefusal(() => switchDnsSync(c, ctx(A_BJ), 'initiator', true))).toEqual(
        refused('OperationDenied', 'InvalidPeerConnStatus'),
      );
      expect(
        domainRefusal(() => switchDnsSync(withDns(c, 'initiator', 'open'), ctx(A_BJ), 'initiator', false)),
      ).toEqual(refused('OperationDenied', 'InvalidPeerConnStatus'));
    },
  );

  it.each(['open', 'wait'] as const)('refuses to open a sync that is %s', (dnsStatus) => {
    const c = withDns(conn('sameRegion'), 'acceptor', dnsStatus);
    expect(domainRefusal(() => switchDnsSync(c, ctx(A_BJ), 'acceptor', true))).toEqual(
      refused('OperationDenied', 'DnsSyncAlreadyOpen'),
    );
  });

  it.each(['close', 'wait'] as const)('refuses to close a sync that is %s', (dnsStatus) => {
    const c = withDns(conn('sameRegion'), 'acceptor', dnsStatus);
    expect(domainRefusal(() => switchDnsSync(c, ctx(A_BJ), 'acceptor', false))).toEqual(
      refused('OperationDenied', 'DnsSyncNotOpen'),
    );
  });

  it('switches each end on its own', () => {
    const c = withDns(conn('sameRegion'), 'initiator', 'open');
    const { conn: both } = switchDnsSync(c, ctx(A_BJ), 'acceptor', true);
    expect(both.initiator.dnsStatus).toBe('open');
    expect(both.acceptor.dnsStatus).toBe('syncing');
  });
});

// ---- delete protection -----------------------------------------------------------------------

describe('delete protection', () => {
  it('switches on', () => {
    const { conn: c, events } = switchDeleteProtect(conn('sameRegion'), ctx(A_BJ), true);
    expect(c.deleteProtect).toBe(true);
    expect(events).toEqual([
      event('acc-a', 'SwitchDeleteProtect', 'active', 'active', { detail: 'deleteProtect true' }),
    ]);
  });

  it('switches off, after which the connection can be released', () => {
    const protectedConn = conn('sameRegion', { deleteProtect: true });
    const { conn: c, events } = switchDeleteProtect(protectedConn, ctx(A_BJ), false);
    expect(c.deleteProtect).toBe(false);
    expect(events).toEqual([
      event('acc-a', 'SwitchDeleteProtect', 'active', 'active', { detail: 'deleteProtect false' }),
    ]);
    expect(releasePeerConn(c, ctx(A_BJ)).conn.status).toBe('deleting');
  });

  it('changes nothing when the value is already set', () => {
    const c = conn('sameRegion', { deleteProtect: true });
    const outcome = switchDeleteProtect(c, ctx(A_BJ), true);
    expect(outcome.conn).toBe(c);
    expect(outcome.events).toEqual([]);
  });

  it.each(['consulting', 'consult_failed', 'expired'] as const)('switches on a %s connection', (status) => {
    const { events } = switchDeleteProtect(conn('crossAccount', { status }), ctx(A_BJ), true);
    expect(events).toEqual([
      event('acc-a', 'SwitchDeleteProtect', status, status, { detail: 'deleteProtect true' }),
    ]);
  });

  it('refuses the acceptor of a cross-account connection', () => {
    expect(domainRefusal(() => switchDeleteProtect(conn('crossAccount'), ctx(B_GZ), true))).toEqual(
      refused('OperationDenied', 'InitiatorOnly'),
    );
  });

  it('refuses a deleted connection', () => {
    expect(
      domainRefusal(() => switchDeleteProtect(conn('sameRegion', { status: 'deleted' }), ctx(A_BJ), true)),
    ).toEqual(refused('OperationDenied', 'InvalidPeerConnStatus'));
  });
});

// ---- update of one's own end -----------------------------------------------------------------

describe('update', () => {
  it("changes the actor's own end, then returns to active", () => {
    const c = conn('crossAccount');
    const { conn: updating, events } = updatePeerConnEnd(c, ctx(A_BJ), {
      localIfId: 'qpif-initiator01',
      localIfName: 'renamed',
      description: 'new text',
    });
    expect(updating).toMatchObject({ status: 'updating', nextStatus: 'active', statusDueAt: T0 + STEP });
    expect(updating.initiator).toEqual({ ...c.initiator, ifName: 'renamed', description: 'new text' });
    expect(updating.acceptor).toEqual(c.acceptor);
    expect(events).toEqual([event('acc-a', 'Update', 'active', 'updating')]);
    const settled = settle(updating);
    expect(settled.conn.status).toBe('active');
    expect(settled.events).toEqual([
      { at: T0 + STEP, actor: 'system', action: 'Complete', fromStatus: 'updating', toStatus: 'active' },
    ]);
  });

  it('keeps absent fields unchanged', () => {
    const c = conn('crossAccount');
    const { conn: updating } = updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-initiator01' });
    expect(updating.initiator).toEqual(c.initiator);
    const { conn: described } = updatePeerConnEnd(c, ctx(A_BJ), {
      localIfId: 'qpif-initiator01',
      description: '',
    });
    expect(described.initiator).toEqual({ ...c.initiator, description: '' });
  });

  it('lets the acceptor update its end of a consulting request, which then consults again', () => {
    const request = consulting();
    const { conn: updating, events } = updatePeerConnEnd(request, ctx(B_GZ), {
      localIfId: 'qpif-acceptor001',
      localIfName: 'theirs',
    });
    expect(updating).toMatchObject({ status: 'updating', nextStatus: 'consulting' });
    expect(updating.acceptor.ifName).toBe('theirs');
    expect(events).toEqual([event('acc-b', 'Update', 'consulting', 'updating')]);
    const settled = settle(updating);
    expect(settled.conn.status).toBe('consulting');
    expect(settled.events).toEqual([
      { at: T0 + STEP, actor: 'system', action: 'Complete', fromStatus: 'updating', toStatus: 'consulting' },
    ]);
  });

  it('keeps the 7-day deadline of a request across an update', () => {
    const request = consulting();
    const { conn: updating } = updatePeerConnEnd(request, ctx(B_GZ), { localIfId: 'qpif-acceptor001' });
    const settled = settle(updating);
    expect(settled.conn.consultDeadline).toBe(request.consultDeadline);
  });

  it('lets the owner of a same-region connection update either end by its interface id', () => {
    const c = conn('sameRegion');
    const a = updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-initiator01', localIfName: 'one' }).conn;
    const b = updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-acceptor001', localIfName: 'two' }).conn;
    expect([a.initiator.ifName, a.acceptor.ifName]).toEqual(['one', c.acceptor.ifName]);
    expect([b.initiator.ifName, b.acceptor.ifName]).toEqual([c.initiator.ifName, 'two']);
  });

  it.each([
    ['the other account', 'crossAccount', A_BJ, 'qpif-acceptor001'],
    ['the other account', 'crossAccount', B_GZ, 'qpif-initiator01'],
    ['another region', 'crossRegion', A_BJ, 'qpif-acceptor001'],
    ['no end at all', 'sameRegion', A_BJ, 'qpif-unknown0001'],
  ] as const)('treats an interface of %s as not found', (_, pair, actor, localIfId) => {
    expect(
      domainRefusal(() => updatePeerConnEnd(conn(pair), ctx(actor), { localIfId, localIfName: 'x' })),
    ).toEqual(refused('NoSuchObject', 'PeerConnEndNotFound'));
  });

  it('checks the new name and description', () => {
    const c = conn('sameRegion');
    expect(
      domainRefusal(() =>
        updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-initiator01', localIfName: '9' }),
      ),
    ).toEqual(refused('BadRequest', 'InvalidName'));
    expect(
      domainRefusal(() =>
        updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-initiator01', description: 'x'.repeat(201) }),
      ),
    ).toEqual(refused('BadRequest', 'InvalidDescription'));
  });

  it.each(['consult_failed', 'expired', 'down', 'error', 'deleted'] as const)(
    'refuses a %s connection',
    (status) => {
      expect(
        domainRefusal(() =>
          updatePeerConnEnd(conn('crossAccount', { status }), ctx(A_BJ), { localIfId: 'qpif-initiator01' }),
        ),
      ).toEqual(refused('OperationDenied', 'InvalidPeerConnStatus'));
    },
  );
});

// ---- one operation at a time -----------------------------------------------------------------

describe('busy rule', () => {
  /** A prepaid cross-account connection (bj -> gz), so that every operation passes its other checks. */
  const base = prepaid('crossAccount');

  const BUSY: [string, PeerConn][] = [
    ['creating', inFlight({ ...base, expiresAt: null }, 'creating', 'consulting')],
    ['starting', inFlight({ ...base, expiresAt: null }, 'starting', 'active')],
    ['updating', inFlight(base, 'updating', 'active')],
    ['stopping', inFlight(base, 'stopping', 'down')],
    ['deleting', inFlight(base, 'deleting', 'deleted')],
    ['syncing DNS (initiator)', withDns(base, 'initiator', 'syncing', T0 + STEP)],
    ['syncing DNS (acceptor)', withDns(base, 'acceptor', 'syncing', T0 + STEP)],
    ['closing DNS (initiator)', withDns(base, 'initiator', 'closing', T0 + STEP)],
    ['closing DNS (acceptor)', withDns(base, 'acceptor', 'closing', T0 + STEP)],
  ];

  const OPERATIONS: [string, (c: PeerConn) => unknown][] = [
    ['accept', (c) => acceptPeerConn(c, ctx(B_GZ))],
    ['reject', (c) => rejectPeerConn(c, ctx(B_GZ))],
    ['release', (c) => releasePeerConn(c, ctx(A_BJ))],
    ['refund', (c) => refundPeerConn(c, ctx(A_BJ))],
    ['resize', (c) => resizePeerConn(c, ctx(A_BJ), 20)],
    ['renew', (c) => renewPeerConn(c, ctx(A_BJ), RENEW_3)],
    ['open DNS sync', (c) => switchDnsSync(c, ctx(A_BJ), 'initiator', true)],
    ['close DNS sync', (c) => switchDnsSync(c, ctx(B_GZ), 'acceptor', false)],
    ['switch delete protection', (c) => switchDeleteProtect(c, ctx(A_BJ), true)],
    ['update', (c) => updatePeerConnEnd(c, ctx(A_BJ), { localIfId: 'qpif-initiator01', description: 'x' })],
  ];

  const cases = BUSY.flatMap(([state, c]) =>
    OPERATIONS.filter(([operation]) => !(state === 'deleting' && operation === 'release')).map(
      ([operation, run]) => [operation, state, c, run] as const,
    ),
  );

  it.each(cases)('refuses to %s while %s', (_operation, _state, c, run) => {
    expect(domainRefusal(() => run(c))).toEqual(refused('OperationDenied', 'PeerConnBusy'));
  });

  it.each(BUSY)('checkNotBusy refuses while %s', (_state, c) => {
    expect(domainRefusal(() => checkNotBusy(c))).toEqual(refused('OperationDenied', 'PeerConnBusy'));
  });

  it.each(['active', 'consulting', 'consult_failed', 'expired', 'down', 'error', 'deleted'] as const)(
    'checkNotBusy lets a settled %s connection through',
    (status) => {
      expect(() => checkNotBusy(withDns(conn('sameRegion', { status }), 'initiator', 'open'))).not.toThrow();
    },
  );

  it('names what the connection is busy with', () => {
    expect(domainRefusal(() => checkNotBusy(BUSY[0]![1])).message).toContain('creating');
    expect(domainRefusal(() => checkNotBusy(BUSY[6]![1])).message).toContain('acceptor');
  });
});
