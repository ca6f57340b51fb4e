import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../../testing/domain-errors.js';
import type { Region } from '../regions.js';
import type { Vpc } from '../vpc.js';
import {
  BANDWIDTH_MAX_MBPS,
  BANDWIDTH_MIN_MBPS,
  type CreatePeerConnCommand,
  type CreatePeerConnFacts,
  type CreatePeerConnInput,
  checkBandwidth,
  checkCreateInput,
  createPeerConn,
} from './create.js';
import { type Actor, DEFAULT_TIMINGS } from './model.js';

const T0 = Date.UTC(2024, 0, 10, 9);
const ACTOR: Actor = { accountId: 'acc-a', region: 'bj' };
const POSTPAID = { paymentTiming: 'Postpaid' };
const PREPAID_3 = {
  paymentTiming: 'Prepaid',
  reservation: { reservationLength: 3, reservationTimeUnit: 'Month' },
};

const vpc = (id: string, cidr: string, overrides: Partial<Vpc> = {}): Vpc => ({
  id,
  accountId: 'acc-a',
  region: 'bj',
  name: id,
  description: '',
  cidr,
  ipv6Cidr: null,
  secondaryCidrs: [],
  isDefault: false,
  relay: false,
  tags: [],
  createdAt: 1,
  ...overrides,
});

/** The initiator's VPC (acc-a, bj) and candidate acceptor VPCs for the three kinds of pair. */
const LOCAL = vpc('vpc-a00000000001', '192.168.0.0/16');
const SAME_REGION_PEER = vpc('vpc-a00000000002', '172.16.0.0/16');
const CROSS_REGION_PEER = vpc('vpc-a00000000003', '172.17.0.0/16', { region: 'gz' });
const CROSS_ACCOUNT_PEER = vpc('vpc-b00000000001', '10.0.0.0/16', { accountId: 'acc-b', region: 'gz' });

const command = (overrides: Partial<CreatePeerConnCommand> = {}): CreatePeerConnCommand => ({
  bandwidthInMbps: 10,
  localVpcId: LOCAL.id,
  peerVpcId: SAME_REGION_PEER.id,
  peerRegion: 'bj',
  billing: POSTPAID,
  ...overrides,
});

const input = (overrides: Partial<CreatePeerConnInput> = {}): CreatePeerConnInput => ({
  bandwidthInMbps: 10,
  description: 'to the peer',
  localVpcId: LOCAL.id,
  peerVpcId: SAME_REGION_PEER.id,
  peerRegion: 'bj',
  billing: { paymentTiming: 'Postpaid', reservationMonths: null },
  tags: [],
  deleteProtect: false,
  ...overrides,
});

const facts = (overrides: Partial<CreatePeerConnFacts> = {}): CreatePeerConnFacts => ({
  id: 'peerconn-000000000001',
  initiatorIfId: 'qpif-initiator01',
  acceptorIfId: 'qpif-acceptor001',
  now: T0,
  actor: ACTOR,
  localVpc: LOCAL,
  peerVpc: SAME_REGION_PEER,
  pairTaken: false,
  live: { localVpc: 0, peerVpc: 0, initiatorAccount: 0 },
  peersOfLocal: [],
  peersOfPeer: [],
  quotas: { perVpc: 10, perAccount: 10 },
  timings: DEFAULT_TIMINGS,
  ...overrides,
});

/** Facts for creating towards `peerVpc` (input and facts agree on the peer). */
const towards = (peerVpc: Vpc, overrides: Partial<CreatePeerConnFacts> = {}) =>
  facts({ peerVpc, ...overrides });
const inputTowards = (peerVpc: Vpc, overrides: Partial<CreatePeerConnInput> = {}) =>
  input({ peerVpcId: peerVpc.id, peerRegion: peerVpc.region, ...overrides });

describe('checkCreateInput', () => {
  it('returns the checked values of a full command', () => {
    expect(
      checkCreateInput(
        command({
          bandwidthInMbps: 100,
          description: 'to gz',
          localIfName: 'local-if',
          peerVpcId: CROSS_REGION_PEER.id,
          peerRegion: 'gz',
          peerIfName: 'peer-if',
          peerAccountId: 'acc-a',
          billing: PREPAID_3,
          tags: [{ tagKey: 'env', tagValue: 'prod' }],
          deleteProtect: true,
        }),
        ACTOR,
      ),
    ).toEqual({
      bandwidthInMbps: 100,
      description: 'to gz',
      localIfName: 'local-if',
      peerIfName: 'peer-if',
      localVpcId: LOCAL.id,
      peerVpcId: CROSS_REGION_PEER.id,
      peerRegion: 'gz',
      peerAccountId: 'acc-a',
      billing: { paymentTiming: 'Prepaid', reservationMonths: 3 },
      tags: [{ tagKey: 'env', tagValue: 'prod' }],
      deleteProtect: true,
    });
  });

  it('defaults description, tags and delete protection, and leaves out absent names and account', () => {
    expect(checkCreateInput(command(), ACTOR)).toEqual({
      bandwidthInMbps: 10,
      description: '',
      localVpcId: LOCAL.id,
      peerVpcId: SAME_REGION_PEER.id,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid', reservationMonths: null },
      tags: [],
      deleteProtect: false,
    });
  });

  it('treats empty interface names and account as absent', () => {
    const checked = checkCreateInput(command({ localIfName: '', peerIfName: '', peerAccountId: '' }), ACTOR);
    expect(checked).not.toHaveProperty('localIfName');
    expect(checked).not.toHaveProperty('peerIfName');
    expect(checked).not.toHaveProperty('peerAccountId');
  });

  describe('bandwidth', () => {
    it('runs from 1 to 10000 Mbps', () => {
      expect(BANDWIDTH_MIN_MBPS).toBe(1);
      expect(BANDWIDTH_MAX_MBPS).toBe(10_000);
    });

    it.each([1, 10_000])('accepts %i Mbps', (bandwidthInMbps) => {
      expect(checkCreateInput(command({ bandwidthInMbps }), ACTOR).bandwidthInMbps).toBe(bandwidthInMbps);
    });

    it.each([0, -5, 10_001, 2.5, Number.NaN])(
      'refuses %s Mbps (Go sends 0 when unset)',
      (bandwidthInMbps) => {
        expect(domainRefusal(() => checkCreateInput(command({ bandwidthInMbps }), ACTOR))).toEqual(
          refused('BadRequest', 'InvalidBandwidth'),
        );
      },
    );

    it('names the field it checks', () => {
      expect(domainRefusal(() => checkBandwidth('newBandwidthInMbps', 0)).message).toContain(
        'newBandwidthInMbps',
      );
      expect(checkBandwidth('newBandwidthInMbps', 42)).toBe(42);
    });
  });

  it('refuses a peer region Peerlink does not serve', () => {
    expect(domainRefusal(() => checkCreateInput(command({ peerRegion: 'us-east-1' }), ACTOR))).toEqual(
      refused('BadRequest', 'InvalidRegion'),
    );
  });

  describe('billing', () => {
    it('is required, even within one region (R1)', () => {
      const { billing: _, ...withoutBilling } = command();
      expect(domainRefusal(() => checkCreateInput(withoutBilling, ACTOR))).toEqual(
        refused('BadRequest', 'BillingRequired'),
      );
    });

    it('refuses Prepaid within one region (R1)', () => {
      expect(domainRefusal(() => checkCreateInput(command({ billing: PREPAID_3 }), ACTOR))).toEqual(
        refused('OperationDenied', 'SameRegionPrepaid'),
      );
    });

    it('accepts Postpaid within one region, ignoring the reservation Python sends', () => {
      const billing = {
        paymentTiming: 'Postpaid',
        reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
      };
      expect(checkCreateInput(command({ billing }), ACTOR).billing).toEqual({
        paymentTiming: 'Postpaid',
        reservationMonths: null,
      });
    });

    it('accepts Prepaid across regions, with the unit spelled Month or month', () => {
      const month = {
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 12, reservationTimeUnit: 'month' },
      };
      expect(checkCreateInput(command({ peerRegion: 'gz', billing: PREPAID_3 }), ACTOR).billing).toEqual({
        paymentTiming: 'Prepaid',
        reservationMonths: 3,
      });
      expect(checkCreateInput(command({ peerRegion: 'gz', billing: month }), ACTOR).billing).toEqual({
        paymentTiming: 'Prepaid',
        reservationMonths: 12,
      });
    });

    it('refuses Prepaid across regions without a valid reservation', () => {
      expect(
        domainRefusal(() =>
          checkCreateInput(command({ peerRegion: 'gz', billing: { paymentTiming: 'Prepaid' } }), ACTOR),
        ),
      ).toEqual(refused('BadRequest', 'ReservationRequired'));
      const tenMonths = { paymentTiming: 'Prepaid', reservation: { reservationLength: 10 } };
      expect(
        domainRefusal(() => checkCreateInput(command({ peerRegion: 'gz', billing: tenMonths }), ACTOR)),
      ).toEqual(refused('BadRequest', 'InvalidReservationLength'));
    });
  });

  it('checks names, description and tags', () => {
    expect(domainRefusal(() => checkCreateInput(command({ localIfName: '1abc' }), ACTOR))).toEqual(
      refused('BadRequest', 'InvalidName'),
    );
    expect(domainRefusal(() => checkCreateInput(command({ peerIfName: 'has space' }), ACTOR))).toEqual(
      refused('BadRequest', 'InvalidName'),
    );
    expect(domainRefusal(() => checkCreateInput(command({ description: 'x'.repeat(201) }), ACTOR))).toEqual(
      refused('BadRequest', 'InvalidDescription'),
    );
    expect(
      domainRefusal(() => checkCreateInput(command({ tags: [{ tagKey: '', tagValue: 'v' }] }), ACTOR)),
    ).toEqual(refused('BadRequest', 'InvalidTag'));
  });
});

describe('createPeerConn', () => {
  describe('builds a creating connection', () => {
    it('between two VPCs of one account in one region, which will become active (R3)', () => {
      const outcome = createPeerConn(
        input({ localIfName: 'mine', peerIfName: 'theirs', tags: [{ tagKey: 'k', tagValue: 'v' }] }),
        facts(),
      );
      expect(outcome.conn).toEqual({
        id: 'peerconn-000000000001',
        status: 'creating',
        nextStatus: 'active',
        statusDueAt: T0 + DEFAULT_TIMINGS.stepMs,
        bandwidthInMbps: 10,
        paymentTiming: 'Postpaid',
        reservationMonths: null,
        expiresAt: null,
        consultDeadline: null,
        deleteProtect: false,
        tags: [{ tagKey: 'k', tagValue: 'v' }],
        createdAt: T0,
        deletedAt: null,
        initiator: {
          role: 'initiator',
          accountId: 'acc-a',
          region: 'bj',
          vpcId: LOCAL.id,
          ifId: 'qpif-initiator01',
          ifName: 'mine',
          description: 'to the peer',
          dnsStatus: 'close',
          dnsDueAt: null,
        },
        acceptor: {
          role: 'acceptor',
          accountId: 'acc-a',
          region: 'bj',
          vpcId: SAME_REGION_PEER.id,
          ifId: 'qpif-acceptor001',
          ifName: 'theirs',
          description: '',
          dnsStatus: 'close',
          dnsDueAt: null,
        },
      });
      expect(outcome.events).toEqual([
        { at: T0, actor: 'acc-a', action: 'Create', fromStatus: 'creating', toStatus: 'creating' },
      ]);
    });

    it('between two regions of one account, prepaid, which starts its paid period only once active', () => {
      const { conn } = createPeerConn(
        inputTowards(CROSS_REGION_PEER, {
          billing: { paymentTiming: 'Prepaid', reservationMonths: 3 },
          deleteProtect: true,
        }),
        towards(CROSS_REGION_PEER),
      );
      expect(conn).toMatchObject({
        status: 'creating',
        nextStatus: 'active',
        paymentTiming: 'Prepaid',
        reservationMonths: 3,
        expiresAt: null,
        deleteProtect: true,
      });
      expect(conn.initiator).toMatchObject({ accountId: 'acc-a', region: 'bj', vpcId: LOCAL.id });
      expect(conn.acceptor).toMatchObject({ accountId: 'acc-a', region: 'gz', vpcId: CROSS_REGION_PEER.id });
    });

    it('across accounts, which will wait for the acceptor (R2)', () => {
      const outcome = createPeerConn(
        inputTowards(CROSS_ACCOUNT_PEER, { peerAccountId: 'acc-b', localIfName: 'mine' }),
        towards(CROSS_ACCOUNT_PEER),
      );
      expect(outcome.conn).toMatchObject({
        status: 'creating',
        nextStatus: 'consulting',
        statusDueAt: T0 + DEFAULT_TIMINGS.stepMs,
        consultDeadline: null,
      });
      expect(outcome.conn.initiator).toMatchObject({ accountId: 'acc-a', region: 'bj', ifName: 'mine' });
      expect(outcome.conn.acceptor).toMatchObject({
        accountId: 'acc-b',
        region: 'gz',
        vpcId: CROSS_ACCOUNT_PEER.id,
        ifName: 'int-eptor001',
      });
      expect(outcome.events).toEqual([
        { at: T0, actor: 'acc-a', action: 'Create', fromStatus: 'creating', toStatus: 'creating' },
      ]);
    });
  });

  it('names unnamed interfaces after the last 8 characters of their ids', () => {
    const { conn } = createPeerConn(input(), facts({ initiatorIfId: 'qpif-ken2yc9j8x56' }));
    expect(conn.initiator.ifName).toBe('int-yc9j8x56');
    expect(conn.acceptor.ifName).toBe('int-eptor001');
  });

  it('takes the step duration from the timings', () => {
    const { conn } = createPeerConn(input(), facts({ timings: { ...DEFAULT_TIMINGS, stepMs: 2000 } }));
    expect(conn.statusDueAt).toBe(T0 + 2000);
  });

  it('refuses to peer a VPC with itself (R5)', () => {
    expect(domainRefusal(() => createPeerConn(inputTowards(LOCAL), towards(LOCAL)))).toEqual(
      refused('OperationDenied', 'SameVpc'),
    );
  });

  it('refuses peerIfName across accounts (R7)', () => {
    expect(
      domainRefusal(() =>
        createPeerConn(
          inputTowards(CROSS_ACCOUNT_PEER, { peerIfName: 'theirs' }),
          towards(CROSS_ACCOUNT_PEER),
        ),
      ),
    ).toEqual(refused('OperationDenied', 'PeerIfNameCrossAccount'));
  });

  it('allows peerIfName between VPCs of one account in two regions', () => {
    const { conn } = createPeerConn(
      inputTowards(CROSS_REGION_PEER, { peerIfName: 'theirs' }),
      towards(CROSS_REGION_PEER),
    );
    expect(conn.acceptor.ifName).toBe('theirs');
  });

  it('refuses to peer two relay VPCs (R6)', () => {
    const relayPeer = { ...SAME_REGION_PEER, relay: true };
    expect(
      domainRefusal(() =>
        createPeerConn(input(), facts({ localVpc: { ...LOCAL, relay: true }, peerVpc: relayPeer })),
      ),
    ).toEqual(refused('OperationDenied', 'BothRelayVpcs'));
  });

  it('allows one relay VPC on either side', () => {
    expect(() => createPeerConn(input(), facts({ localVpc: { ...LOCAL, relay: true } }))).not.toThrow();
    expect(() =>
      createPeerConn(input(), facts({ peerVpc: { ...SAME_REGION_PEER, relay: true } })),
    ).not.toThrow();
  });

  it('refuses a second connection between the same two VPCs (R4)', () => {
    expect(domainRefusal(() => createPeerConn(input(), facts({ pairTaken: true })))).toEqual(
      refused('OperationDenied', 'PeerConnPairExists'),
    );
  });

  describe('address blocks', () => {
    it('refuses two VPCs whose primary blocks overlap', () => {
      const overlapping = vpc('vpc-a00000000009', '192.168.128.0/17');
      const error = domainRefusal(() => createPeerConn(inputTowards(overlapping), towards(overlapping)));
      expect(error).toEqual(refused('OperationDenied', 'CidrOverlap'));
      expect(error.message).toContain('192.168.0.0/16');
    });

    it('refuses two VPCs whose secondary blocks overlap the other side', () => {
      const local = { ...LOCAL, secondaryCidrs: ['10.8.0.0/16'] };
      const peer = vpc('vpc-b00000000009', '10.0.0.0/12', { accountId: 'acc-b', region: 'gz' });
      expect(
        domainRefusal(() => createPeerConn(inputTowards(peer), towards(peer, { localVpc: local }))),
      ).toEqual(refused('OperationDenied', 'CidrOverlap'));
    });

    it('refuses a peer that overlaps a VPC already peered with the local VPC', () => {
      const alreadyPeered = vpc('vpc-c00000000001', '172.16.128.0/20');
      expect(domainRefusal(() => createPeerConn(input(), facts({ peersOfLocal: [alreadyPeered] })))).toEqual(
        refused('OperationDenied', 'PeerCidrConflict'),
      );
    });

    it('refuses when the local VPC overlaps a VPC already peered with the peer', () => {
      const alreadyPeered = vpc('vpc-c00000000001', '192.168.10.0/24', { accountId: 'acc-c' });
      expect(domainRefusal(() => createPeerConn(input(), facts({ peersOfPeer: [alreadyPeered] })))).toEqual(
        refused('OperationDenied', 'PeerCidrConflict'),
      );
    });

    it('allows peers of either side whose blocks do not clash', () => {
      const { conn } = createPeerConn(
        input(),
        facts({
          peersOfLocal: [vpc('vpc-c00000000001', '10.1.0.0/16')],
          peersOfPeer: [vpc('vpc-c00000000002', '10.2.0.0/16')],
        }),
      );
      expect(conn.status).toBe('creating');
    });
  });

  describe('quotas (R15)', () => {
    const quotas = { perVpc: 10, perAccount: 10 };

    it('refuses when the local VPC has its quota of connections', () => {
      const error = domainRefusal(() =>
        createPeerConn(input(), facts({ quotas, live: { localVpc: 10, peerVpc: 0, initiatorAccount: 0 } })),
      );
      expect(error).toEqual(refused('LimitExceeded', 'PeerConnPerVpcQuotaExceeded'));
      expect(error.message).toContain(LOCAL.id);
    });

    it('refuses when the peer VPC has its quota of connections', () => {
      const error = domainRefusal(() =>
        createPeerConn(input(), facts({ quotas, live: { localVpc: 0, peerVpc: 10, initiatorAccount: 0 } })),
      );
      expect(error).toEqual(refused('LimitExceeded', 'PeerConnPerVpcQuotaExceeded'));
      expect(error.message).toContain(SAME_REGION_PEER.id);
    });

    it('refuses when the initiating account has its quota of connections', () => {
      expect(
        domainRefusal(() =>
          createPeerConn(input(), facts({ quotas, live: { localVpc: 0, peerVpc: 0, initiatorAccount: 10 } })),
        ),
      ).toEqual(refused('LimitExceeded', 'PeerConnPerAccountQuotaExceeded'));
    });

    it('allows the last connection under every quota', () => {
      const { conn } = createPeerConn(
        input(),
        facts({ quotas, live: { localVpc: 9, peerVpc: 9, initiatorAccount: 9 } }),
      );
      expect(conn.status).toBe('creating');
    });

    it('uses the quotas it is given', () => {
      expect(
        domainRefusal(() =>
          createPeerConn(
            input(),
            facts({
              quotas: { perVpc: 2, perAccount: 10 },
              live: { localVpc: 0, peerVpc: 2, initiatorAccount: 0 },
            }),
          ),
        ),
      ).toEqual(refused('LimitExceeded', 'PeerConnPerVpcQuotaExceeded'));
    });
  });

  it('creates for a region other than bj as the local one', () => {
    const region: Region = 'hkg';
    const local = vpc('vpc-a0000000000h', '192.168.0.0/16', { region });
    const peer = vpc('vpc-a0000000000i', '172.16.0.0/16', { region: 'sin' });
    const { conn } = createPeerConn(
      inputTowards(peer, { localVpcId: local.id }),
      facts({ localVpc: local, peerVpc: peer, actor: { accountId: 'acc-a', region } }),
    );
    expect(conn.initiator.region).toBe('hkg');
    expect(conn.acceptor.region).toBe('sin');
  });
});
