import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../testing/domain-errors.js';
import { parseIpv4Cidr } from './net/cidr.js';
import {
  type CreateVpcCommand,
  type CreateVpcFacts,
  checkVpcCidr,
  checkVpcDeletable,
  createVpc,
  SECONDARY_CIDRS_MAX,
  updateVpc,
  VPC_MAX_PREFIX,
  type Vpc,
  vpcBlocks,
} from './vpc.js';

const IPV6 = '240c:4082:0:100::/56';

const facts = (overrides: Partial<CreateVpcFacts> = {}): CreateVpcFacts => ({
  id: 'vpc-000000010001',
  accountId: 'acc-1',
  region: 'bj',
  now: 1_700_000_000_000,
  ipv6CidrCandidate: IPV6,
  vpcsInRegion: 0,
  quota: 10,
  ...overrides,
});

const create = (command: Partial<CreateVpcCommand> = {}, overrides: Partial<CreateVpcFacts> = {}) =>
  createVpc({ name: 'vpc1', cidr: '192.168.0.0/16', ...command }, facts(overrides));

const vpc = (overrides: Partial<Vpc> = {}): Vpc => ({ ...create({ cidr: '10.0.0.0/16' }), ...overrides });

describe('creating a VPC', () => {
  it('builds the VPC field by field from the command and the facts', () => {
    const made = createVpc(
      {
        name: 'prod',
        description: 'production',
        cidr: '172.16.0.0/12',
        tags: [{ tagKey: 'env', tagValue: 'prod' }],
      },
      facts(),
    );
    expect(made).toEqual({
      id: 'vpc-000000010001',
      accountId: 'acc-1',
      region: 'bj',
      name: 'prod',
      description: 'production',
      cidr: '172.16.0.0/12',
      ipv6Cidr: null,
      secondaryCidrs: [],
      isDefault: false,
      relay: false,
      tags: [{ tagKey: 'env', tagValue: 'prod' }],
      createdAt: 1_700_000_000_000,
    });
  });

  it('defaults description and tags to empty', () => {
    const made = create();
    expect(made.description).toBe('');
    expect(made.tags).toEqual([]);
  });

  it('takes the IPv6 candidate only when enableIpv6 is true', () => {
    expect(create({ enableIpv6: true }).ipv6Cidr).toBe(IPV6);
    expect(create({ enableIpv6: false }).ipv6Cidr).toBeNull();
    expect(create().ipv6Cidr).toBeNull();
  });

  describe('name', () => {
    it('must start with a letter', () => {
      expect(() => create({ name: '1vpc' })).toThrow(refused('BadRequest', 'InvalidName'));
      expect(() => create({ name: '_vpc' })).toThrow(refused('BadRequest', 'InvalidName'));
    });

    it('may be up to 65 characters', () => {
      expect(create({ name: 'v'.repeat(65) }).name).toBe('v'.repeat(65));
      expect(() => create({ name: 'v'.repeat(66) })).toThrow(refused('BadRequest', 'InvalidName'));
    });

    it('may be Chinese', () => {
      expect(create({ name: '生产网络' }).name).toBe('生产网络');
    });

    it('may not be "default", in any case', () => {
      for (const name of ['default', 'Default', 'DEFAULT']) {
        expect(() => create({ name }), name).toThrow(refused('BadRequest', 'InvalidName'));
      }
      expect(create({ name: 'default2' }).name).toBe('default2');
    });
  });

  it('refuses a description over 200 characters', () => {
    expect(() => create({ description: 'x'.repeat(201) })).toThrow(
      refused('BadRequest', 'InvalidDescription'),
    );
  });

  it('refuses invalid tags', () => {
    expect(() => create({ tags: [{ tagKey: '', tagValue: 'x' }] })).toThrow(
      refused('BadRequest', 'InvalidTag'),
    );
  });

  it('refuses a new VPC once the region quota is reached', () => {
    expect(create({}, { vpcsInRegion: 9, quota: 10 }).id).toBe('vpc-000000010001');
    const error = domainRefusal(() => create({}, { vpcsInRegion: 10, quota: 10 }));
    expect(error).toMatchObject({ kind: 'LimitExceeded', reason: 'VpcQuotaExceeded' });
    expect(error.message).toContain('bj');
    expect(() => create({}, { vpcsInRegion: 12, quota: 10 })).toThrow(
      refused('LimitExceeded', 'VpcQuotaExceeded'),
    );
  });

  it('checks the name before the quota', () => {
    expect(() => create({ name: '1x' }, { vpcsInRegion: 10, quota: 10 })).toThrow(
      refused('BadRequest', 'InvalidName'),
    );
  });
});

describe('VPC CIDR blocks', () => {
  it('accept each RFC 1918 range at its own mask and down to /28', () => {
    expect(VPC_MAX_PREFIX).toBe(28);
    for (const text of [
      '10.0.0.0/8',
      '10.255.255.240/28',
      '172.16.0.0/12',
      '172.31.255.0/24',
      '192.168.0.0/16',
      '192.168.100.16/28',
    ]) {
      expect(checkVpcCidr('cidr', text), text).toEqual(parseIpv4Cidr(text));
      expect(create({ cidr: text }).cidr, text).toBe(text);
    }
  });

  it('refuse public and other non-RFC 1918 blocks', () => {
    for (const text of ['8.8.8.0/24', '172.32.0.0/16', '192.169.0.0/16', '100.64.0.0/10', '11.0.0.0/16']) {
      expect(() => checkVpcCidr('cidr', text), text).toThrow(refused('BadRequest', 'CidrNotPrivate'));
    }
  });

  it("refuse masks wider than the private range's own", () => {
    for (const text of ['10.0.0.0/7', '192.168.0.0/15', '172.0.0.0/8', '0.0.0.0/0']) {
      expect(() => checkVpcCidr('cidr', text), text).toThrow(refused('BadRequest', 'CidrNotPrivate'));
    }
  });

  it('refuse masks narrower than /28', () => {
    for (const text of ['10.0.0.0/29', '192.168.1.0/30', '172.16.0.1/32']) {
      expect(() => checkVpcCidr('cidr', text), text).toThrow(refused('BadRequest', 'InvalidCidrMask'));
    }
  });

  it('refuse blocks with host bits set and malformed text', () => {
    for (const text of ['192.168.1.0/16', '10.0.0.1/8', '10.0.0.0', '10.0.0.0/33', 'ten/8', '']) {
      expect(() => checkVpcCidr('cidr', text), text).toThrow(refused('BadRequest', 'InvalidCidr'));
    }
    expect(() => create({ cidr: '192.168.1.0/16' })).toThrow(refused('BadRequest', 'InvalidCidr'));
  });

  it('name the field in the message', () => {
    expect(() => checkVpcCidr('secondaryCidr', '8.8.8.0/24')).toThrow(/secondaryCidr "8.8.8.0\/24"/);
  });

  it('list the primary block first, then the secondary ones', () => {
    const blocks = vpcBlocks(vpc({ secondaryCidrs: ['172.16.0.0/16', '192.168.0.0/24'] }));
    expect(blocks).toEqual(['10.0.0.0/16', '172.16.0.0/16', '192.168.0.0/24'].map((t) => parseIpv4Cidr(t)));
  });
});

describe('updating a VPC', () => {
  const noSubnets = { ipv6CidrCandidate: IPV6, subnetCidrs: [] };

  it('changes only the fields given and leaves the original untouched', () => {
    const before = vpc({ description: 'old' });
    const snapshot = structuredClone(before);
    const after = updateVpc(before, { name: 'renamed' }, noSubnets);
    expect(after).toEqual({ ...snapshot, name: 'renamed' });
    expect(before).toEqual(snapshot);
    expect(updateVpc(before, {}, noSubnets)).toEqual(snapshot);
  });

  it('checks a new name like creation does', () => {
    expect(() => updateVpc(vpc(), { name: '9lives' }, noSubnets)).toThrow(
      refused('BadRequest', 'InvalidName'),
    );
    expect(() => updateVpc(vpc(), { name: 'n'.repeat(66) }, noSubnets)).toThrow(
      refused('BadRequest', 'InvalidName'),
    );
    expect(updateVpc(vpc(), { name: '新名字' }, noSubnets).name).toBe('新名字');
  });

  it('refuses renaming an ordinary VPC to "default" but lets the default VPC keep it', () => {
    expect(() => updateVpc(vpc(), { name: 'Default' }, noSubnets)).toThrow(
      refused('BadRequest', 'InvalidName'),
    );
    const defaultVpc = vpc({ name: 'default', isDefault: true });
    expect(updateVpc(defaultVpc, { name: 'default' }, noSubnets).name).toBe('default');
  });

  it('sets and checks the description; an empty one clears it', () => {
    expect(updateVpc(vpc(), { description: 'new' }, noSubnets).description).toBe('new');
    expect(updateVpc(vpc({ description: 'old' }), { description: '' }, noSubnets).description).toBe('');
    expect(() => updateVpc(vpc(), { description: 'x'.repeat(201) }, noSubnets)).toThrow(
      refused('BadRequest', 'InvalidDescription'),
    );
  });

  it('turns IPv6 on with the candidate, keeps an existing block, and turns it off', () => {
    expect(updateVpc(vpc(), { enableIpv6: true }, noSubnets).ipv6Cidr).toBe(IPV6);
    const withIpv6 = vpc({ ipv6Cidr: '240c:1::/56' });
    expect(updateVpc(withIpv6, { enableIpv6: true }, noSubnets).ipv6Cidr).toBe('240c:1::/56');
    expect(updateVpc(withIpv6, { enableIpv6: false }, noSubnets).ipv6Cidr).toBeNull();
    expect(updateVpc(withIpv6, { name: 'other' }, noSubnets).ipv6Cidr).toBe('240c:1::/56');
  });

  describe('secondary CIDRs', () => {
    it('replaces the list with the given blocks, which may lie in any private range', () => {
      const after = updateVpc(
        vpc(),
        { secondaryCidr: ['10.1.0.0/16', '172.16.0.0/24', '192.168.0.0/28'] },
        noSubnets,
      );
      expect(after.secondaryCidrs).toEqual(['10.1.0.0/16', '172.16.0.0/24', '192.168.0.0/28']);
      expect(updateVpc(after, { secondaryCidr: [] }, noSubnets).secondaryCidrs).toEqual([]);
    });

    it('leaves the list alone when secondaryCidr is not given', () => {
      const withSecondary = vpc({ secondaryCidrs: ['10.1.0.0/16'] });
      expect(updateVpc(withSecondary, { name: 'x' }, noSubnets).secondaryCidrs).toEqual(['10.1.0.0/16']);
    });

    it(`allows ${SECONDARY_CIDRS_MAX} blocks and refuses more`, () => {
      expect(SECONDARY_CIDRS_MAX).toBe(5);
      const five = ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16'];
      expect(updateVpc(vpc(), { secondaryCidr: five }, noSubnets).secondaryCidrs).toEqual(five);
      expect(() => updateVpc(vpc(), { secondaryCidr: [...five, '10.6.0.0/16'] }, noSubnets)).toThrow(
        refused('LimitExceeded', 'SecondaryCidrQuotaExceeded'),
      );
    });

    it('refuses a block that overlaps the primary one', () => {
      for (const text of ['10.0.0.0/16', '10.0.5.0/24', '10.0.0.0/8']) {
        expect(() => updateVpc(vpc(), { secondaryCidr: [text] }, noSubnets), text).toThrow(
          refused('CidrConflict', 'SecondaryCidrOverlap'),
        );
      }
    });

    it('refuses blocks that overlap each other, duplicates included', () => {
      expect(() =>
        updateVpc(vpc(), { secondaryCidr: ['172.16.0.0/16', '172.16.3.0/24'] }, noSubnets),
      ).toThrow(refused('CidrConflict', 'SecondaryCidrOverlap'));
      expect(() =>
        updateVpc(vpc(), { secondaryCidr: ['172.16.3.0/24', '172.16.0.0/16'] }, noSubnets),
      ).toThrow(refused('CidrConflict', 'SecondaryCidrOverlap'));
      expect(() =>
        updateVpc(vpc(), { secondaryCidr: ['192.168.0.0/24', '192.168.0.0/24'] }, noSubnets),
      ).toThrow(refused('CidrConflict', 'SecondaryCidrOverlap'));
    });

    it('names the clashing block in the overlap message', () => {
      const error = domainRefusal(() => updateVpc(vpc(), { secondaryCidr: ['10.0.1.0/24'] }, noSubnets));
      expect(error.message).toContain('10.0.0.0/16');
    });

    it('applies the VPC block rules to each secondary block', () => {
      expect(() => updateVpc(vpc(), { secondaryCidr: ['8.8.8.0/24'] }, noSubnets)).toThrow(
        refused('BadRequest', 'CidrNotPrivate'),
      );
      expect(() => updateVpc(vpc(), { secondaryCidr: ['172.16.0.0/29'] }, noSubnets)).toThrow(
        refused('BadRequest', 'InvalidCidrMask'),
      );
      expect(() => updateVpc(vpc(), { secondaryCidr: ['172.16.0.1/24'] }, noSubnets)).toThrow(
        refused('BadRequest', 'InvalidCidr'),
      );
    });

    it('refuses removing a secondary block that a subnet uses', () => {
      const withSecondary = vpc({ secondaryCidrs: ['172.16.0.0/16', '192.168.0.0/24'] });
      const facts = { ipv6CidrCandidate: IPV6, subnetCidrs: ['10.0.1.0/24', '172.16.1.0/24'] };
      expect(() => updateVpc(withSecondary, { secondaryCidr: ['192.168.0.0/24'] }, facts)).toThrow(
        refused('ResourceNeedRelease', 'SecondaryCidrInUse'),
      );
      expect(() => updateVpc(withSecondary, { secondaryCidr: [] }, facts)).toThrow(
        refused('ResourceNeedRelease', 'SecondaryCidrInUse'),
      );
      const error = domainRefusal(() => updateVpc(withSecondary, { secondaryCidr: [] }, facts));
      expect(error.message).toContain('172.16.1.0/24');
    });

    it('allows removing a secondary block no subnet uses, and keeping or widening a used one', () => {
      const withSecondary = vpc({ secondaryCidrs: ['172.16.0.0/16', '192.168.0.0/24'] });
      const facts = { ipv6CidrCandidate: IPV6, subnetCidrs: ['10.0.1.0/24', '172.16.1.0/24'] };
      expect(updateVpc(withSecondary, { secondaryCidr: ['172.16.0.0/16'] }, facts).secondaryCidrs).toEqual([
        '172.16.0.0/16',
      ]);
      expect(updateVpc(withSecondary, { secondaryCidr: ['172.16.0.0/12'] }, facts).secondaryCidrs).toEqual([
        '172.16.0.0/12',
      ]);
    });

    it('refuses shrinking a secondary block so that a subnet no longer fits inside it', () => {
      // The subnet 172.16.1.0/24 would only partly lie in 172.16.1.0/28: part of its addresses are removed.
      const withSecondary = vpc({ secondaryCidrs: ['172.16.0.0/16'] });
      const facts = { ipv6CidrCandidate: IPV6, subnetCidrs: ['172.16.1.0/24'] };
      expect(() => updateVpc(withSecondary, { secondaryCidr: ['172.16.1.0/28'] }, facts)).toThrow(
        refused('ResourceNeedRelease', 'SecondaryCidrInUse'),
      );
    });
  });
});

describe('deleting a VPC', () => {
  it('is allowed when nothing uses it', () => {
    expect(() => checkVpcDeletable(vpc(), { subnets: 0, customRouteRules: 0, peerConns: 0 })).not.toThrow();
  });

  it('is refused while subnets, custom route rules or peer connections remain', () => {
    for (const dependents of [
      { subnets: 1, customRouteRules: 0, peerConns: 0 },
      { subnets: 0, customRouteRules: 1, peerConns: 0 },
      { subnets: 0, customRouteRules: 0, peerConns: 1 },
    ]) {
      expect(() => checkVpcDeletable(vpc(), dependents), JSON.stringify(dependents)).toThrow(
        refused('ResourceNeedRelease', 'VpcInUse'),
      );
    }
  });

  it('lists in its message what remains, and only that', () => {
    const error = domainRefusal(() =>
      checkVpcDeletable(vpc(), { subnets: 2, customRouteRules: 0, peerConns: 3 }),
    );
    expect(error.message).toContain('vpc-000000010001');
    expect(error.message).toContain('2 subnet(s)');
    expect(error.message).toContain('3 peer connection(s)');
    expect(error.message).not.toContain('route rule');
  });
});
