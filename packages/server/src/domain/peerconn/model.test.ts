import { describe, expect, it } from 'vitest';
import type { Region } from '../regions.js';
import {
  type Actor,
  DEFAULT_TIMINGS,
  DNS_STATUSES,
  endOf,
  holdsPair,
  isCrossAccount,
  isCrossBorder,
  otherRole,
  PEER_CONN_STATUSES,
  type PeerConn,
  type PeerConnEnd,
  type PeerConnStatus,
  pairKey,
  RELEASED_STATUSES,
  ROLES,
  type Role,
  visibleRoles,
} from './model.js';

const T0 = Date.UTC(2024, 0, 10);

interface EndSpec {
  accountId: string;
  region: Region;
  vpcId: string;
}

const end = (role: Role, spec: EndSpec): PeerConnEnd => ({
  role,
  ...spec,
  ifId: role === 'initiator' ? 'qpif-initiator01' : 'qpif-acceptor001',
  ifName: `int-${role}`,
  description: '',
  dnsStatus: 'close',
  dnsDueAt: null,
});

/** A connection from `initiator` to `acceptor`; active, postpaid, nothing in flight. */
const conn = (initiator: EndSpec, acceptor: EndSpec, overrides: Partial<PeerConn> = {}): PeerConn => ({
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
  createdAt: T0,
  deletedAt: null,
  initiator: end('initiator', initiator),
  acceptor: end('acceptor', acceptor),
  ...overrides,
});

const A_BJ_1 = { accountId: 'acc-a', region: 'bj', vpcId: 'vpc-a00000000001' } as const;
const A_BJ_2 = { accountId: 'acc-a', region: 'bj', vpcId: 'vpc-a00000000002' } as const;
const A_GZ = { accountId: 'acc-a', region: 'gz', vpcId: 'vpc-a00000000003' } as const;
const B_GZ = { accountId: 'acc-b', region: 'gz', vpcId: 'vpc-b00000000001' } as const;
const B_BJ = { accountId: 'acc-b', region: 'bj', vpcId: 'vpc-b00000000002' } as const;

const sameRegion = conn(A_BJ_1, A_BJ_2);
const crossRegion = conn(A_BJ_1, A_GZ);
const crossAccount = conn(A_BJ_1, B_GZ);

const actor = (accountId: string, region: Region): Actor => ({ accountId, region });

describe('enumerations', () => {
  it('has exactly the statuses of the SDKs PeerConnStatus enum', () => {
    expect([...PEER_CONN_STATUSES]).toEqual([
      'creating',
      'consulting',
      'consult_failed',
      'active',
      'down',
      'starting',
      'stopping',
      'deleting',
      'deleted',
      'expired',
      'error',
      'updating',
    ]);
  });

  it('has the DnsStatus values and the two roles', () => {
    expect([...DNS_STATUSES]).toEqual(['close', 'wait', 'syncing', 'open', 'closing']);
    expect([...ROLES]).toEqual(['initiator', 'acceptor']);
  });

  it('waits 7 days for an acceptor by default (R8)', () => {
    expect(DEFAULT_TIMINGS.consultTimeoutMs).toBe(7 * 24 * 60 * 60 * 1000);
  });
});

describe('holdsPair', () => {
  const released: PeerConnStatus[] = ['consult_failed', 'deleting', 'deleted'];

  it('lists consult_failed, deleting and deleted as released', () => {
    expect([...RELEASED_STATUSES].sort()).toEqual([...released].sort());
  });

  it.each(released)('a %s connection no longer holds its VPC pair', (status) => {
    expect(holdsPair({ ...sameRegion, status })).toBe(false);
  });

  it.each(PEER_CONN_STATUSES.filter((status) => !released.includes(status)))(
    'a %s connection holds its VPC pair',
    (status) => {
      expect(holdsPair({ ...sameRegion, status })).toBe(true);
    },
  );
});

describe('isCrossAccount', () => {
  it('is false when both ends belong to one account, in one region or two', () => {
    expect(isCrossAccount(sameRegion)).toBe(false);
    expect(isCrossAccount(crossRegion)).toBe(false);
  });

  it('is true when the ends belong to different accounts, even in one region', () => {
    expect(isCrossAccount(crossAccount)).toBe(true);
    expect(isCrossAccount(conn(A_BJ_1, B_BJ))).toBe(true);
  });
});

describe('isCrossBorder', () => {
  const between = (a: Region, b: Region) =>
    isCrossBorder(conn({ ...A_BJ_1, region: a }, { ...A_BJ_2, region: b }, { paymentTiming: 'Prepaid' }));

  it.each([
    ['bj', 'gz'],
    ['su', 'fwh'],
    ['bd', 'cd'],
    ['bj', 'bj'],
  ] as const)('%s <-> %s is within the mainland', (a, b) => {
    expect(between(a, b)).toBe(false);
  });

  it.each([
    ['hkg', 'sin'],
    ['hkg', 'hkg'],
  ] as const)('%s <-> %s is within the overseas regions', (a, b) => {
    expect(between(a, b)).toBe(false);
  });

  it.each([
    ['bj', 'hkg'],
    ['hkg', 'gz'],
    ['sin', 'bj'],
    ['su', 'sin'],
  ] as const)('%s <-> %s crosses the border', (a, b) => {
    expect(between(a, b)).toBe(true);
  });
});

describe('ends and roles', () => {
  it('endOf picks the end of the given role', () => {
    expect(endOf(crossAccount, 'initiator')).toBe(crossAccount.initiator);
    expect(endOf(crossAccount, 'acceptor')).toBe(crossAccount.acceptor);
    expect(endOf(crossAccount, 'acceptor').accountId).toBe('acc-b');
  });

  it('otherRole swaps initiator and acceptor', () => {
    expect(otherRole('initiator')).toBe('acceptor');
    expect(otherRole('acceptor')).toBe('initiator');
  });
});

describe('pairKey', () => {
  it('is the same in both directions', () => {
    expect(pairKey('vpc-a', 'vpc-b')).toBe(pairKey('vpc-b', 'vpc-a'));
    expect(pairKey('vpc-b', 'vpc-a')).toBe('vpc-a|vpc-b');
  });

  it('differs between different pairs', () => {
    expect(pairKey('vpc-a', 'vpc-b')).not.toBe(pairKey('vpc-a', 'vpc-c'));
    expect(pairKey('vpc-a', 'vpc-bc')).not.toBe(pairKey('vpc-ab', 'vpc-c'));
  });
});

describe('visibleRoles', () => {
  it('shows both ends, initiator first, to the account in the region of a same-region connection', () => {
    expect(visibleRoles(sameRegion, actor('acc-a', 'bj'))).toEqual(['initiator', 'acceptor']);
  });

  it('shows nothing of a same-region connection through another region or to another account', () => {
    expect(visibleRoles(sameRegion, actor('acc-a', 'gz'))).toEqual([]);
    expect(visibleRoles(sameRegion, actor('acc-b', 'bj'))).toEqual([]);
  });

  it('shows one end per region of a same-account cross-region connection', () => {
    expect(visibleRoles(crossRegion, actor('acc-a', 'bj'))).toEqual(['initiator']);
    expect(visibleRoles(crossRegion, actor('acc-a', 'gz'))).toEqual(['acceptor']);
    expect(visibleRoles(crossRegion, actor('acc-a', 'su'))).toEqual([]);
  });

  it('shows each account only its own end of a cross-account connection', () => {
    expect(visibleRoles(crossAccount, actor('acc-a', 'bj'))).toEqual(['initiator']);
    expect(visibleRoles(crossAccount, actor('acc-b', 'gz'))).toEqual(['acceptor']);
    expect(visibleRoles(crossAccount, actor('acc-a', 'gz'))).toEqual([]);
    expect(visibleRoles(crossAccount, actor('acc-b', 'bj'))).toEqual([]);
  });

  it('tells the two accounts of a cross-account same-region connection apart', () => {
    const sameRegionCrossAccount = conn(A_BJ_1, B_BJ);
    expect(visibleRoles(sameRegionCrossAccount, actor('acc-a', 'bj'))).toEqual(['initiator']);
    expect(visibleRoles(sameRegionCrossAccount, actor('acc-b', 'bj'))).toEqual(['acceptor']);
  });
});
