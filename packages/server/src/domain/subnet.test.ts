import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../testing/domain-errors.js';
import {
  availableIps,
  type CreateSubnetCommand,
  checkSubnetDeletable,
  createSubnet,
  SUBNET_MAX_PREFIX,
  SUBNET_TYPES,
  type Subnet,
} from './subnet.js';
import type { Vpc } from './vpc.js';

const VPC: Vpc = {
  id: 'vpc-000000010001',
  accountId: 'acc-1',
  region: 'gz',
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
  region: 'gz',
  vpcId: VPC.id,
  name: id,
  zoneName: 'cn-gz-a',
  cidr,
  subnetType: 'BCC',
  description: '',
  tags: [],
  createdAt: 1,
});

interface Facts {
  id: string;
  vpc: Vpc;
  siblings: Subnet[];
  quota: number;
  now: number;
}

const create = (command: Partial<CreateSubnetCommand> = {}, facts: Partial<Facts> = {}) =>
  createSubnet(
    { name: 'sbn1', zoneName: 'cn-gz-a', cidr: '192.168.1.0/24', ...command },
    { id: 'sbn-000000020002', vpc: VPC, siblings: [], quota: 100, now: 1_700_000_000_000, ...facts },
  );

describe('creating a subnet', () => {
  it('builds the subnet field by field, taking account and region from the VPC', () => {
    const made = createSubnet(
      {
        name: 'web',
        zoneName: 'cn-gz-c',
        cidr: '192.168.8.0/21',
        subnetType: 'BBC',
        description: 'web tier',
        tags: [{ tagKey: 'tier', tagValue: 'web' }],
      },
      { id: 'sbn-000000020002', vpc: VPC, siblings: [], quota: 100, now: 1_700_000_000_000 },
    );
    expect(made).toEqual({
      id: 'sbn-000000020002',
      accountId: 'acc-1',
      region: 'gz',
      vpcId: 'vpc-000000010001',
      name: 'web',
      zoneName: 'cn-gz-c',
      cidr: '192.168.8.0/21',
      subnetType: 'BBC',
      description: 'web tier',
      tags: [{ tagKey: 'tier', tagValue: 'web' }],
      createdAt: 1_700_000_000_000,
    });
  });

  it('defaults the subnet type to BCC and description and tags to empty', () => {
    const made = create();
    expect(made.subnetType).toBe('BCC');
    expect(made.description).toBe('');
    expect(made.tags).toEqual([]);
  });

  it('checks the name like any resource name', () => {
    expect(create({ name: '子网一' }).name).toBe('子网一');
    expect(() => create({ name: '1sbn' })).toThrow(refused('BadRequest', 'InvalidName'));
    expect(() => create({ name: 's'.repeat(66) })).toThrow(refused('BadRequest', 'InvalidName'));
  });

  it('checks description and tags', () => {
    expect(() => create({ description: 'x'.repeat(201) })).toThrow(
      refused('BadRequest', 'InvalidDescription'),
    );
    expect(() => create({ tags: [{ tagKey: 'a b', tagValue: '' }] })).toThrow(
      refused('BadRequest', 'InvalidTag'),
    );
  });

  describe('zone name', () => {
    it('accepts lowercase zone names such as cn-gz-a', () => {
      for (const zoneName of ['cn-gz-a', 'cn-bj-d', 'zone1']) {
        expect(create({ zoneName }).zoneName, zoneName).toBe(zoneName);
      }
    });

    it('refuses empty, uppercase, digit-first, underscored or overlong zone names', () => {
      for (const zoneName of ['', 'CN-GZ-A', '1cn-gz', 'cn_gz_a', 'cn gz a', `c${'n'.repeat(64)}`]) {
        expect(() => create({ zoneName }), zoneName).toThrow(refused('BadRequest', 'InvalidZoneName'));
      }
    });
  });

  describe('subnet type', () => {
    it(`accepts ${SUBNET_TYPES.join(', ')}`, () => {
      expect(SUBNET_TYPES).toEqual(['BCC', 'BBC', 'BCC_NAT']);
      for (const subnetType of SUBNET_TYPES) {
        expect(create({ subnetType }).subnetType).toBe(subnetType);
      }
    });

    it('refuses any other type, including a lowercase spelling', () => {
      for (const subnetType of ['GPU', 'bcc', '']) {
        expect(() => create({ subnetType }), subnetType).toThrow(refused('BadRequest', 'InvalidSubnetType'));
      }
    });
  });

  describe('CIDR', () => {
    it('may lie in the primary block, or be all of it', () => {
      expect(create({ cidr: '192.168.200.0/24' }).cidr).toBe('192.168.200.0/24');
      expect(create({ cidr: '192.168.0.0/16' }).cidr).toBe('192.168.0.0/16');
    });

    it('may lie in a secondary block', () => {
      expect(create({ cidr: '172.16.0.128/25' }).cidr).toBe('172.16.0.128/25');
      expect(create({ cidr: '172.16.0.0/24' }).cidr).toBe('172.16.0.0/24');
    });

    it('must lie wholly inside one block of the VPC', () => {
      for (const cidr of ['10.0.0.0/24', '172.16.1.0/24', '172.16.0.0/23', '192.168.0.0/15']) {
        expect(() => create({ cidr }), cidr).toThrow(refused('BadRequest', 'CidrOutsideVpc'));
      }
    });

    it(`has a mask of /${SUBNET_MAX_PREFIX} at most`, () => {
      expect(SUBNET_MAX_PREFIX).toBe(29);
      expect(create({ cidr: '192.168.1.8/29' }).cidr).toBe('192.168.1.8/29');
      for (const cidr of ['192.168.1.0/30', '192.168.1.1/32']) {
        expect(() => create({ cidr }), cidr).toThrow(refused('BadRequest', 'InvalidCidrMask'));
      }
    });

    it('refuses host bits and malformed text', () => {
      for (const cidr of ['192.168.1.1/24', '192.168.1.0', 'x/24', '192.168.1.0/33']) {
        expect(() => create({ cidr }), cidr).toThrow(refused('BadRequest', 'InvalidCidr'));
      }
    });

    it('may not overlap a sibling subnet', () => {
      const siblings = [subnet('sbn-a', '192.168.1.0/24'), subnet('sbn-b', '172.16.0.0/25')];
      for (const cidr of ['192.168.1.0/24', '192.168.1.128/25', '192.168.0.0/23', '172.16.0.64/26']) {
        expect(() => create({ cidr }, { siblings }), cidr).toThrow(
          refused('CidrConflict', 'SubnetCidrOverlap'),
        );
      }
      expect(create({ cidr: '192.168.2.0/24' }, { siblings }).cidr).toBe('192.168.2.0/24');
      expect(create({ cidr: '172.16.0.128/25' }, { siblings }).cidr).toBe('172.16.0.128/25');
    });

    it('names the sibling it overlaps', () => {
      const error = domainRefusal(() =>
        create({ cidr: '192.168.1.0/25' }, { siblings: [subnet('sbn-a', '192.168.1.0/24')] }),
      );
      expect(error.message).toContain('sbn-a');
      expect(error.message).toContain('192.168.1.0/24');
    });
  });

  it('refuses a new subnet once the VPC has its quota of subnets', () => {
    const siblings = [subnet('sbn-a', '192.168.1.0/24'), subnet('sbn-b', '192.168.2.0/24')];
    expect(create({ cidr: '192.168.3.0/24' }, { siblings: siblings.slice(0, 1), quota: 2 }).id).toBe(
      'sbn-000000020002',
    );
    expect(() => create({ cidr: '192.168.3.0/24' }, { siblings, quota: 2 })).toThrow(
      refused('LimitExceeded', 'SubnetQuotaExceeded'),
    );
  });
});

describe('available IPs', () => {
  it('are the block size less the network, gateway and broadcast addresses', () => {
    expect(availableIps(subnet('s', '192.168.1.0/24'))).toBe(253);
    expect(availableIps(subnet('s', '192.168.0.0/16'))).toBe(65_533);
    expect(availableIps(subnet('s', '192.168.1.8/29'))).toBe(5);
  });
});

describe('deleting a subnet', () => {
  it('is allowed when no route rule uses it as source', () => {
    expect(() => checkSubnetDeletable(subnet('sbn-a', '192.168.1.0/24'), 0)).not.toThrow();
  });

  it('is refused while route rules use it as source', () => {
    const error = domainRefusal(() => checkSubnetDeletable(subnet('sbn-a', '192.168.1.0/24'), 2));
    expect(error).toMatchObject({ kind: 'ResourceNeedRelease', reason: 'SubnetInUse' });
    expect(error.message).toContain('sbn-a');
    expect(error.message).toContain('2 route rules');
  });
});
