import { describe, expect, it } from 'vitest';
import type { Vpc } from '../vpc.js';
import { advancePeerConn, nextDueAt } from './advance.js';
import { addMonths } from './billing.js';
import { type CreatePeerConnInput, createPeerConn } from './create.js';
import {
  type Actor,
  DEFAULT_TIMINGS,
  type DnsStatus,
  type PeerConn,
  type PeerConnEvent,
  type PeerConnStatus,
  type PeerConnTimings,
  type Role,
} from './model.js';
import { acceptPeerConn } from './operations.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2024, 0, 10, 9);
const TIMINGS = DEFAULT_TIMINGS;
const STEP = TIMINGS.stepMs;
const CONSULT = TIMINGS.consultTimeoutMs;
const RETENTION = TIMINGS.deletedRetentionMs;

// ---- fixtures: connections made the way the API makes them -----------------------------------

const A_BJ: Actor = { accountId: 'acc-a', region: 'bj' };
const B_GZ: Actor = { accountId: 'acc-b', region: 'gz' };

const vpc = (id: string, accountId: string, region: Vpc['region'], cidr: string): Vpc => ({
  id,
  accountId,
  region,
  name: id,
  description: '',
  cidr,
  ipv6Cidr: null,
  secondaryCidrs: [],
  isDefault: false,
  relay: false,
  tags: [],
  createdAt: 1,
});

const LOCAL = vpc('vpc-a00000000001', 'acc-a', 'bj', '192.168.0.0/16');
const PEERS = {
  sameRegion: vpc('vpc-a00000000002', 'acc-a', 'bj', '172.16.0.0/16'),
  crossRegion: vpc('vpc-a00000000003', 'acc-a', 'gz', '172.17.0.0/16'),
  crossAccount: vpc('vpc-b00000000001', 'acc-b', 'gz', '10.0.0.0/16'),
};
type Pair = keyof typeof PEERS;

/** A connection just created at T0 (status `creating`), postpaid unless `months` is given. */
const created = (pair: Pair, months?: number, timings: PeerConnTimings = TIMINGS): PeerConn => {
  const peer = PEERS[pair];
  const input: CreatePeerConnInput = {
    bandwidthInMbps: 10,
    description: '',
    localVpcId: LOCAL.id,
    peerVpcId: peer.id,
    peerRegion: peer.region,
    billing:
      months === undefined
        ? { paymentTiming: 'Postpaid', reservationMonths: null }
        : { paymentTiming: 'Prepaid', reservationMonths: months },
    tags: [],
    deleteProtect: false,
  };
  return createPeerConn(input, {
    id: 'peerconn-000000000001',
    initiatorIfId: 'qpif-initiator01',
    acceptorIfId: 'qpif-acceptor001',
    now: T0,
    actor: A_BJ,
    localVpc: LOCAL,
    peerVpc: peer,
    pairTaken: false,
    live: { localVpc: 0, peerVpc: 0, initiatorAccount: 0 },
    peersOfLocal: [],
    peersOfPeer: [],
    quotas: { perVpc: 10, perAccount: 10 },
    timings,
  }).conn;
};

/** A settled connection in `status`, by overriding a created one. */
const settled = (pair: Pair, status: PeerConnStatus, overrides: Partial<PeerConn> = {}): PeerConn => ({
  ...created(pair),
  status,
  nextStatus: null,
  statusDueAt: null,
  ...overrides,
});

const withDns = (c: PeerConn, role: Role, dnsStatus: DnsStatus, dnsDueAt: number | null): PeerConn => ({
  ...c,
  [role]: { ...c[role], dnsStatus, dnsDueAt },
});

const systemEvent = (
  at: number,
  action: string,
  fromStatus: PeerConnStatus,
  toStatus: PeerConnStatus,
  detail?: string,
): PeerConnEvent => ({ at, actor: 'system', action, fromStatus, toStatus, ...(detail ? { detail } : {}) });

// ---- nextDueAt -------------------------------------------------------------------------------

describe('nextDueAt', () => {
  it('is the end of the step in flight', () => {
    expect(nextDueAt(created('sameRegion'), TIMINGS)).toBe(T0 + STEP);
  });

  it.each(['active', 'consult_failed', 'expired', 'down', 'error'] as const)(
    'is null for a settled postpaid %s connection',
    (status) => {
      expect(nextDueAt(settled('crossAccount', status), TIMINGS)).toBeNull();
    },
  );

  it('is the consult deadline of a consulting request, and only while it consults', () => {
    const deadline = T0 + CONSULT;
    expect(nextDueAt(settled('crossAccount', 'consulting', { consultDeadline: deadline }), TIMINGS)).toBe(
      deadline,
    );
    expect(
      nextDueAt(settled('crossAccount', 'consult_failed', { consultDeadline: deadline }), TIMINGS),
    ).toBeNull();
  });

  it('is the end of the paid period of an active prepaid connection, and only while it is active', () => {
    const prepaid = { paymentTiming: 'Prepaid' as const, reservationMonths: 1, expiresAt: T0 + 30 * DAY };
    expect(nextDueAt(settled('crossRegion', 'active', prepaid), TIMINGS)).toBe(T0 + 30 * DAY);
    expect(nextDueAt(settled('crossRegion', 'expired', prepaid), TIMINGS)).toBeNull();
    expect(nextDueAt(settled('crossRegion', 'consult_failed', prepaid), TIMINGS)).toBeNull();
  });

  it('ignores expiresAt on a postpaid connection', () => {
    expect(nextDueAt(settled('crossRegion', 'active', { expiresAt: T0 }), TIMINGS)).toBeNull();
  });

  it('is the end of the retention of a deleted connection', () => {
    expect(nextDueAt(settled('sameRegion', 'deleted', { deletedAt: T0 }), TIMINGS)).toBe(T0 + RETENTION);
  });

  it('is the earliest of everything due', () => {
    const c = withDns(
      withDns(
        settled('sameRegion', 'updating', { nextStatus: 'active', statusDueAt: T0 + 300 }),
        'initiator',
        'syncing',
        T0 + 200,
      ),
      'acceptor',
      'closing',
      T0 + 400,
    );
    expect(nextDueAt(c, TIMINGS)).toBe(T0 + 200);
  });
});

// ---- creation and the start of a connection --------------------------------------------------

describe('advancing a new connection', () => {
  it('does nothing before the step is due', () => {
    const c = created('sameRegion');
    expect(advancePeerConn(c, T0 + STEP - 1, TIMINGS)).toEqual({ conn: c, events: [], purge: false });
  });

  it('makes a same-account connection active (R3), with no paid period when postpaid', () => {
    const { conn, events, purge } = advancePeerConn(created('sameRegion'), T0 + STEP, TIMINGS);
    expect(conn).toMatchObject({
      status: 'active',
      nextStatus: null,
      statusDueAt: null,
      expiresAt: null,
      consultDeadline: null,
    });
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'creating', 'active')]);
    expect(purge).toBe(false);
    expect(nextDueAt(conn, TIMINGS)).toBeNull();
  });

  it('starts the paid period of a prepaid connection when it becomes active', () => {
    const { conn, events } = advancePeerConn(created('crossRegion', 3), T0 + DAY, TIMINGS);
    expect(conn).toMatchObject({
      status: 'active',
      reservationMonths: 3,
      expiresAt: addMonths(T0 + STEP, 3),
    });
    expect(conn.expiresAt).toBe(Date.UTC(2024, 3, 10, 9) + STEP);
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'creating', 'active')]);
    expect(nextDueAt(conn, TIMINGS)).toBe(conn.expiresAt);
  });

  it('makes a cross-account connection consult for 7 days (R2, R8)', () => {
    const { conn, events } = advancePeerConn(created('crossAccount'), T0 + STEP, TIMINGS);
    expect(conn).toMatchObject({
      status: 'consulting',
      nextStatus: null,
      consultDeadline: T0 + STEP + CONSULT,
    });
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'creating', 'consulting')]);
    expect(nextDueAt(conn, TIMINGS)).toBe(T0 + STEP + CONSULT);
  });

  it('keeps consulting until the very moment of the deadline, then fails (R8)', () => {
    const consulting = advancePeerConn(created('crossAccount'), T0 + STEP, TIMINGS).conn;
    const deadline = T0 + STEP + CONSULT;
    expect(advancePeerConn(consulting, deadline - 1, TIMINGS)).toEqual({
      conn: consulting,
      events: [],
      purge: false,
    });
    const { conn, events } = advancePeerConn(consulting, deadline, TIMINGS);
    expect(conn).toMatchObject({ status: 'consult_failed', consultDeadline: null });
    expect(events).toEqual([systemEvent(deadline, 'ConsultTimeout', 'consulting', 'consult_failed')]);
    expect(nextDueAt(conn, TIMINGS)).toBeNull();
  });

  it('creates, consults and times out in one call when the clock jumps 8 days', () => {
    const { conn, events, purge } = advancePeerConn(created('crossAccount'), T0 + 8 * DAY, TIMINGS);
    expect(conn).toMatchObject({ status: 'consult_failed', consultDeadline: null, nextStatus: null });
    expect(events).toEqual([
      systemEvent(T0 + STEP, 'Complete', 'creating', 'consulting'),
      systemEvent(T0 + STEP + CONSULT, 'ConsultTimeout', 'consulting', 'consult_failed'),
    ]);
    expect(purge).toBe(false);
  });

  it('uses the timings it is given', () => {
    const timings = { stepMs: 10, consultTimeoutMs: 1000, deletedRetentionMs: 5 };
    const { events } = advancePeerConn(created('crossAccount', undefined, timings), T0 + 2000, timings);
    expect(events).toEqual([
      systemEvent(T0 + 10, 'Complete', 'creating', 'consulting'),
      systemEvent(T0 + 1010, 'ConsultTimeout', 'consulting', 'consult_failed'),
    ]);
  });

  it('starts an accepted request and its paid period', () => {
    const consulting = advancePeerConn(created('crossAccount', 12), T0 + DAY, TIMINGS).conn;
    const accepted = acceptPeerConn(consulting, { actor: B_GZ, now: T0 + 2 * DAY, timings: TIMINGS }).conn;
    const { conn, events } = advancePeerConn(accepted, T0 + 3 * DAY, TIMINGS);
    expect(conn).toMatchObject({
      status: 'active',
      consultDeadline: null,
      expiresAt: addMonths(T0 + 2 * DAY + STEP, 12),
    });
    expect(events).toEqual([systemEvent(T0 + 2 * DAY + STEP, 'Complete', 'starting', 'active')]);
  });
});

// ---- later steps -----------------------------------------------------------------------------

describe('advancing an existing connection', () => {
  const prepaidActive = (expiresAt: number) =>
    settled('crossRegion', 'active', { paymentTiming: 'Prepaid', reservationMonths: 1, expiresAt });

  it('expires a prepaid connection at the end of its paid period (R17)', () => {
    const c = prepaidActive(T0 + 30 * DAY);
    expect(advancePeerConn(c, T0 + 30 * DAY - 1, TIMINGS).events).toEqual([]);
    const { conn, events } = advancePeerConn(c, T0 + 30 * DAY, TIMINGS);
    expect(conn).toMatchObject({ status: 'expired', expiresAt: T0 + 30 * DAY });
    expect(events).toEqual([systemEvent(T0 + 30 * DAY, 'Expire', 'active', 'expired')]);
    expect(nextDueAt(conn, TIMINGS)).toBeNull();
  });

  it('creates and expires a prepaid connection in one call when the clock jumps past its period', () => {
    const { conn, events } = advancePeerConn(created('crossRegion', 1), T0 + 60 * DAY, TIMINGS);
    const expiresAt = addMonths(T0 + STEP, 1);
    expect(conn).toMatchObject({ status: 'expired', expiresAt });
    expect(events).toEqual([
      systemEvent(T0 + STEP, 'Complete', 'creating', 'active'),
      systemEvent(expiresAt, 'Expire', 'active', 'expired'),
    ]);
  });

  it('never expires a postpaid connection', () => {
    const c = settled('crossRegion', 'active');
    expect(advancePeerConn(c, T0 + 1000 * DAY, TIMINGS)).toEqual({ conn: c, events: [], purge: false });
  });

  it('finishes an update back to active', () => {
    const c = settled('sameRegion', 'updating', { nextStatus: 'active', statusDueAt: T0 + STEP });
    const { conn, events } = advancePeerConn(c, T0 + STEP, TIMINGS);
    expect(conn).toMatchObject({ status: 'active', nextStatus: null, statusDueAt: null });
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'updating', 'active')]);
  });

  it('finishes an update of a consulting request without restarting its 7 days', () => {
    const deadline = T0 + 3 * DAY;
    const c = settled('crossAccount', 'updating', {
      nextStatus: 'consulting',
      statusDueAt: T0 + STEP,
      consultDeadline: deadline,
    });
    const { conn, events } = advancePeerConn(c, T0 + STEP, TIMINGS);
    expect(conn).toMatchObject({ status: 'consulting', consultDeadline: deadline });
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'updating', 'consulting')]);
    const failed = advancePeerConn(conn, deadline, TIMINGS);
    expect(failed.conn.status).toBe('consult_failed');
    expect(failed.events).toEqual([systemEvent(deadline, 'ConsultTimeout', 'consulting', 'consult_failed')]);
  });

  it('does not expire a prepaid connection in the middle of a step, only once it is active again', () => {
    const c = {
      ...prepaidActive(T0 + 100),
      status: 'updating' as const,
      nextStatus: 'active' as const,
      statusDueAt: T0 + STEP,
    };
    expect(nextDueAt(c, TIMINGS)).toBe(T0 + STEP);
    const { conn, events } = advancePeerConn(c, T0 + STEP, TIMINGS);
    expect(conn.status).toBe('expired');
    expect(events.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['Complete', 'updating', 'active'],
      ['Expire', 'active', 'expired'],
    ]);
  });

  it('deletes, then purges once the retention is over', () => {
    const c = settled('sameRegion', 'deleting', { nextStatus: 'deleted', statusDueAt: T0 + STEP });
    const deleted = advancePeerConn(c, T0 + STEP, TIMINGS);
    expect(deleted.conn).toMatchObject({ status: 'deleted', deletedAt: T0 + STEP, nextStatus: null });
    expect(deleted.events).toEqual([systemEvent(T0 + STEP, 'Complete', 'deleting', 'deleted')]);
    expect(deleted.purge).toBe(false);
    expect(nextDueAt(deleted.conn, TIMINGS)).toBe(T0 + STEP + RETENTION);
    expect(advancePeerConn(deleted.conn, T0 + STEP + RETENTION - 1, TIMINGS).purge).toBe(false);
    expect(advancePeerConn(deleted.conn, T0 + STEP + RETENTION, TIMINGS)).toEqual({
      conn: deleted.conn,
      events: [],
      purge: true,
    });
  });

  it('deletes and purges in one call when the clock jumps past the retention', () => {
    const c = settled('sameRegion', 'deleting', { nextStatus: 'deleted', statusDueAt: T0 + STEP });
    const { conn, events, purge } = advancePeerConn(c, T0 + DAY, TIMINGS);
    expect(purge).toBe(true);
    expect(conn).toMatchObject({ status: 'deleted', deletedAt: T0 + STEP });
    expect(events).toEqual([systemEvent(T0 + STEP, 'Complete', 'deleting', 'deleted')]);
  });

  it('finishes DNS sync steps: syncing -> open and closing -> close', () => {
    const c = withDns(
      withDns(settled('sameRegion', 'active'), 'initiator', 'syncing', T0 + 100),
      'acceptor',
      'closing',
      T0 + 200,
    );
    const { conn, events } = advancePeerConn(c, T0 + 200, TIMINGS);
    expect(conn.initiator).toMatchObject({ dnsStatus: 'open', dnsDueAt: null });
    expect(conn.acceptor).toMatchObject({ dnsStatus: 'close', dnsDueAt: null });
    expect(conn.status).toBe('active');
    expect(events).toEqual([
      systemEvent(T0 + 100, 'DnsSyncComplete', 'active', 'active', 'initiator dnsStatus syncing -> open'),
      systemEvent(T0 + 200, 'DnsSyncComplete', 'active', 'active', 'acceptor dnsStatus closing -> close'),
    ]);
  });

  it('applies several due steps in the order they fell due, and stops at now', () => {
    const c = withDns(
      withDns(
        settled('sameRegion', 'updating', { nextStatus: 'active', statusDueAt: T0 + 300 }),
        'initiator',
        'syncing',
        T0 + 200,
      ),
      'acceptor',
      'closing',
      T0 + 400,
    );
    const first = advancePeerConn(c, T0 + 350, TIMINGS);
    expect(first.events).toEqual([
      systemEvent(T0 + 200, 'DnsSyncComplete', 'updating', 'updating', 'initiator dnsStatus syncing -> open'),
      systemEvent(T0 + 300, 'Complete', 'updating', 'active'),
    ]);
    expect(first.conn.acceptor.dnsStatus).toBe('closing');
    expect(nextDueAt(first.conn, TIMINGS)).toBe(T0 + 400);
    const second = advancePeerConn(first.conn, T0 + 400, TIMINGS);
    expect(second.events).toEqual([
      systemEvent(T0 + 400, 'DnsSyncComplete', 'active', 'active', 'acceptor dnsStatus closing -> close'),
    ]);
    expect(nextDueAt(second.conn, TIMINGS)).toBeNull();
  });

  it('completes a status step before a DNS step due at the same moment', () => {
    const c = withDns(
      settled('sameRegion', 'updating', { nextStatus: 'active', statusDueAt: T0 + STEP }),
      'initiator',
      'syncing',
      T0 + STEP,
    );
    const { events } = advancePeerConn(c, T0 + STEP, TIMINGS);
    expect(events.map((e) => e.action)).toEqual(['Complete', 'DnsSyncComplete']);
    expect(events[1]).toMatchObject({ fromStatus: 'active', toStatus: 'active' });
  });

  it('is idempotent: advancing again to the same moment changes nothing', () => {
    const once = advancePeerConn(created('crossAccount'), T0 + 8 * DAY, TIMINGS);
    expect(advancePeerConn(once.conn, T0 + 8 * DAY, TIMINGS)).toEqual({
      conn: once.conn,
      events: [],
      purge: false,
    });
  });
});
