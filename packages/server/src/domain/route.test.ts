import { describe, expect, it, vi } from 'vitest';
import { refused } from '../testing/domain-errors.js';
import { DomainError } from './errors.js';
import { type Ipv4Cidr, parseIpv4Cidr } from './net/cidr.js';
import {
  checkRouteRule,
  checkRouteRuleQuota,
  DEFAULT_ROUTE_RULES_PER_TABLE,
  NEXTHOP_TYPES,
  type RouteRule,
  type RouteRuleFields,
  type RouteTableFacts,
} from './route.js';
import type { Subnet } from './subnet.js';
import type { Vpc } from './vpc.js';

const VPC: Vpc = {
  id: 'vpc-000000010001',
  accountId: 'acc-1',
  region: 'bj',
  name: 'vpc1',
  description: '',
  cidr: '192.168.0.0/16',
  ipv6Cidr: null,
  secondaryCidrs: ['172.16.0.0/24'],
  isDefault: false,
  relay: false,
  tags: [],
  createdAt: 1,
};

const subnet = (id: string, cidr: string): Subnet => ({
  id,
  accountId: 'acc-1',
  region: 'bj',
  vpcId: VPC.id,
  name: id,
  zoneName: 'cn-bj-a',
  cidr,
  subnetType: 'BCC',
  description: '',
  tags: [],
  createdAt: 1,
});

const SUBNETS = [
  subnet('sbn-a', '192.168.1.0/24'),
  subnet('sbn-b', '192.168.2.0/24'),
  subnet('sbn-c', '172.16.0.0/25'),
];

const rule = (id: string, sourceAddress: string, destinationAddress: string): RouteRule => ({
  id,
  routeTableId: 'rt-000000000001',
  accountId: 'acc-1',
  sourceAddress,
  destinationAddress,
  nexthopId: 'i-abc',
  nexthopType: 'custom',
  description: '',
  ipVersion: 4,
  pathType: 'normal',
  createdAt: 1,
});

const refuseAllPeerConns = () => {
  throw new Error('checkPeerConnNexthop must not be called for this rule');
};

const facts = (overrides: Partial<RouteTableFacts> = {}): RouteTableFacts => ({
  vpc: VPC,
  subnets: SUBNETS,
  otherRules: [],
  checkPeerConnNexthop: refuseAllPeerConns,
  ...overrides,
});

const fields = (overrides: Partial<RouteRuleFields> = {}): RouteRuleFields => ({
  sourceAddress: '192.168.1.0/24',
  destinationAddress: '10.0.0.0/8',
  nexthopId: 'i-abc',
  nexthopType: 'custom',
  ...overrides,
});

const check = (f: Partial<RouteRuleFields> = {}, t: Partial<RouteTableFacts> = {}) =>
  checkRouteRule(fields(f), facts(t));

describe('route rules', () => {
  it('return the checked fields, with the description defaulted to empty', () => {
    expect(check()).toEqual({
      sourceAddress: '192.168.1.0/24',
      destinationAddress: '10.0.0.0/8',
      nexthopId: 'i-abc',
      nexthopType: 'custom',
      description: '',
    });
    expect(check({ description: 'to the office' }).description).toBe('to the office');
  });

  it('refuse a description over 200 characters', () => {
    expect(() => check({ description: 'x'.repeat(201) })).toThrow(
      refused('BadRequest', 'InvalidDescription'),
    );
  });

  describe('source address', () => {
    it('may be 0.0.0.0/0', () => {
      expect(check({ sourceAddress: '0.0.0.0/0' }).sourceAddress).toBe('0.0.0.0/0');
      expect(check({ sourceAddress: '0.0.0.0/0' }, { subnets: [] }).sourceAddress).toBe('0.0.0.0/0');
    });

    it('may be a subnet, part of one, or one address in it, in the primary or a secondary block', () => {
      for (const source of ['192.168.1.0/24', '192.168.2.64/26', '192.168.1.7/32', '172.16.0.0/25']) {
        expect(check({ sourceAddress: source }).sourceAddress, source).toBe(source);
      }
    });

    it('must lie inside one subnet, not merely inside the VPC', () => {
      for (const source of [
        '192.168.3.0/24',
        '192.168.0.0/16',
        '192.168.0.0/22',
        '172.16.0.128/25',
        '8.8.8.8/32',
      ]) {
        expect(() => check({ sourceAddress: source }), source).toThrow(
          refused('BadRequest', 'SourceOutsideSubnets'),
        );
      }
    });

    it('is refused when the VPC has no subnets', () => {
      expect(() => check({}, { subnets: [] })).toThrow(refused('BadRequest', 'SourceOutsideSubnets'));
    });

    it('must be a network in a.b.c.d/n form', () => {
      for (const source of ['192.168.1.1/24', '192.168.1.0', '', 'any']) {
        expect(() => check({ sourceAddress: source }), source).toThrow(refused('BadRequest', 'InvalidCidr'));
      }
    });
  });

  describe('destination address', () => {
    it('may be 0.0.0.0/0 although that covers the VPC', () => {
      expect(check({ destinationAddress: '0.0.0.0/0' }).destinationAddress).toBe('0.0.0.0/0');
    });

    it('may be any block outside the VPC, private or public', () => {
      for (const destination of ['10.0.0.0/8', '172.16.1.0/24', '192.169.0.0/16', '8.8.8.8/32']) {
        expect(check({ destinationAddress: destination }).destinationAddress, destination).toBe(destination);
      }
    });

    it('may not overlap the primary block, inside it or around it', () => {
      for (const destination of ['192.168.0.0/16', '192.168.5.0/24', '192.168.1.1/32', '192.0.0.0/8']) {
        expect(() => check({ destinationAddress: destination }), destination).toThrow(
          refused('BadRequest', 'DestinationInsideVpc'),
        );
      }
    });

    it('may not overlap a secondary block either', () => {
      for (const destination of ['172.16.0.0/24', '172.16.0.200/32', '172.16.0.0/12']) {
        expect(() => check({ destinationAddress: destination }), destination).toThrow(
          refused('BadRequest', 'DestinationInsideVpc'),
        );
      }
    });

    it('must be a network in a.b.c.d/n form', () => {
      expect(() => check({ destinationAddress: '10.0.0.1/8' })).toThrow(refused('BadRequest', 'InvalidCidr'));
      expect(() => check({ destinationAddress: '10.0.0.0/40' })).toThrow(
        refused('BadRequest', 'InvalidCidr'),
      );
    });
  });

  describe('(source, destination) pair', () => {
    it('appears once per table', () => {
      const otherRules = [rule('rr-1', '192.168.1.0/24', '10.0.0.0/8')];
      expect(() => check({}, { otherRules })).toThrow(refused('OperationDenied', 'RouteRuleExists'));
    });

    it('names the existing rule in the refusal', () => {
      const otherRules = [rule('rr-000000000009', '192.168.1.0/24', '10.0.0.0/8')];
      expect(() => check({}, { otherRules })).toThrow(/rr-000000000009/);
    });

    it('may share its source or its destination with another rule', () => {
      const otherRules = [
        rule('rr-1', '192.168.1.0/24', '10.1.0.0/16'),
        rule('rr-2', '192.168.2.0/24', '10.0.0.0/8'),
      ];
      expect(check({}, { otherRules }).destinationAddress).toBe('10.0.0.0/8');
    });

    it('is compared across 0.0.0.0/0 sources and destinations too', () => {
      const otherRules = [rule('rr-1', '0.0.0.0/0', '0.0.0.0/0')];
      expect(() =>
        check({ sourceAddress: '0.0.0.0/0', destinationAddress: '0.0.0.0/0' }, { otherRules }),
      ).toThrow(refused('OperationDenied', 'RouteRuleExists'));
    });
  });

  describe('next hop', () => {
    it(`accepts each documented type: ${NEXTHOP_TYPES.join(', ')}`, () => {
      expect(NEXTHOP_TYPES).toEqual([
        'custom',
        'vpn',
        'nat',
        'dcGateway',
        'peerConn',
        'ipv6gateway',
        'enic',
        'havip',
      ]);
      for (const nexthopType of NEXTHOP_TYPES.filter((t) => t !== 'peerConn')) {
        expect(check({ nexthopType }).nexthopType).toBe(nexthopType);
      }
    });

    it('refuses an unknown type, including a different spelling', () => {
      for (const nexthopType of ['gateway', 'peerconn', 'Custom', '']) {
        expect(() => check({ nexthopType }), nexthopType).toThrow(
          refused('BadRequest', 'InvalidNexthopType'),
        );
      }
    });

    it('refuses an empty or blank next hop id', () => {
      for (const nexthopId of ['', '   ']) {
        expect(() => check({ nexthopId }), JSON.stringify(nexthopId)).toThrow(
          refused('BadRequest', 'InvalidNexthopId'),
        );
      }
    });
  });

  describe('peerConn next hop', () => {
    it('is delegated to checkPeerConnNexthop with the next hop id and the destination', () => {
      const checkPeerConnNexthop = vi.fn<(nexthopId: string, destination: Ipv4Cidr) => void>();
      const result = check(
        { nexthopType: 'peerConn', nexthopId: 'qpif-000000000001', destinationAddress: '10.8.0.0/16' },
        { checkPeerConnNexthop },
      );
      expect(checkPeerConnNexthop).toHaveBeenCalledTimes(1);
      expect(checkPeerConnNexthop).toHaveBeenCalledWith('qpif-000000000001', parseIpv4Cidr('10.8.0.0/16'));
      expect(result).toEqual({
        sourceAddress: '192.168.1.0/24',
        destinationAddress: '10.8.0.0/16',
        nexthopId: 'qpif-000000000001',
        nexthopType: 'peerConn',
        description: '',
      });
    });

    it('fails with whatever checkPeerConnNexthop throws', () => {
      const denial = new DomainError('NoSuchObject', 'NoSuchPeerConnInterface', 'no such interface');
      const checkPeerConnNexthop = vi.fn(() => {
        throw denial;
      });
      let thrown: unknown;
      try {
        check({ nexthopType: 'peerConn', nexthopId: 'qpif-x' }, { checkPeerConnNexthop });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBe(denial);
      expect(checkPeerConnNexthop).toHaveBeenCalledWith('qpif-x', parseIpv4Cidr('10.0.0.0/8'));
    });

    it('is not consulted for other next hop types', () => {
      const checkPeerConnNexthop = vi.fn();
      for (const nexthopType of ['custom', 'vpn', 'nat']) {
        check({ nexthopType }, { checkPeerConnNexthop });
      }
      expect(checkPeerConnNexthop).not.toHaveBeenCalled();
    });

    it('is not consulted when the rule already fails the table checks', () => {
      const checkPeerConnNexthop = vi.fn();
      const otherRules = [rule('rr-1', '192.168.1.0/24', '10.0.0.0/8')];
      expect(() => check({ nexthopType: 'peerConn' }, { checkPeerConnNexthop, otherRules })).toThrow(
        refused('OperationDenied', 'RouteRuleExists'),
      );
      expect(() =>
        check({ nexthopType: 'peerConn', destinationAddress: '192.168.9.0/24' }, { checkPeerConnNexthop }),
      ).toThrow(refused('BadRequest', 'DestinationInsideVpc'));
      expect(checkPeerConnNexthop).not.toHaveBeenCalled();
    });
  });
});

describe('route rule quota', () => {
  it('is 50 rules per table by default', () => {
    expect(DEFAULT_ROUTE_RULES_PER_TABLE).toBe(50);
  });

  it('allows a rule while the table is below its quota and refuses one at the quota', () => {
    expect(() => checkRouteRuleQuota(0, 50)).not.toThrow();
    expect(() => checkRouteRuleQuota(49, 50)).not.toThrow();
    expect(() => checkRouteRuleQuota(50, 50)).toThrow(refused('LimitExceeded', 'RouteRuleQuotaExceeded'));
    expect(() => checkRouteRuleQuota(51, 50)).toThrow(refused('LimitExceeded', 'RouteRuleQuotaExceeded'));
  });
});
