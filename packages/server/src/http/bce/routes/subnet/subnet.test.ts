import { SignedTransport } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../testing/harness.js';
import { refusal } from '../../../../testing/refusal.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ overrides: { quotas: { subnetsPerVpc: 3 } } });
});
afterAll(() => t.close());

/** A new account with one VPC of 10.0.0.0/16. */
async function accountWithVpc(cidr = '10.0.0.0/16') {
  const account = await t.newAccount();
  const { vpcId } = await account.vpc.createVpc({ name: 'net', cidr });
  return { ...account, vpcId };
}

describe('subnet API', () => {
  it('creates a subnet that reads back wrapped with every field', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'web-子网',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      subnetType: 'BCC',
      description: 'front',
      tags: [{ tagKey: 'tier', tagValue: 'web' }],
    });
    expect(subnetId).toMatch(/^sbn-[0-9a-z]{12}$/);
    const shown = await subnet.getSubnet(subnetId);
    expect(Object.keys(shown).sort()).toEqual(
      [
        'availableIp',
        'cidr',
        'createdTime',
        'description',
        'ipv6Cidr',
        'name',
        'subnetId',
        'subnetType',
        'tags',
        'vpcId',
        'zoneName',
      ].sort(),
    );
    expect(shown).toMatchObject({
      subnetId,
      name: 'web-子网',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      vpcId,
      subnetType: 'BCC',
      description: 'front',
      availableIp: 253,
      ipv6Cidr: '',
      tags: [{ tagKey: 'tier', tagValue: 'web' }],
    });
    expect(shown.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers GET /v1/subnet/{id} as {"subnet": …} on the wire', async () => {
    const { subnet, vpcId, credentials } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
    });
    const raw = await new SignedTransport({ endpoint: t.endpoint(), credentials }).send<{
      subnet: { subnetId: string };
    }>('GET', `/v1/subnet/${subnetId}`);
    expect(raw.subnet.subnetId).toBe(subnetId);
  });

  it('defaults subnetType to BCC and description to empty; a /29 has 5 usable addresses', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'tiny',
      zoneName: 'cn-bj-b',
      cidr: '10.0.0.8/29',
    });
    expect(await subnet.getSubnet(subnetId)).toMatchObject({
      subnetType: 'BCC',
      description: '',
      tags: [],
      availableIp: 5,
    });
  });

  it('places subnets in the primary or a secondary CIDR of the VPC, and nowhere else', async () => {
    const { vpc, subnet, vpcId } = await accountWithVpc();
    await vpc.updateVpc(vpcId, { secondaryCidr: ['10.1.0.0/16'] });
    const inPrimary = await subnet.createSubnet({
      vpcId,
      name: 'p',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
    });
    const inSecondary = await subnet.createSubnet({
      vpcId,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.1.2.0/24',
    });
    expect((await subnet.getSubnet(inSecondary.subnetId)).cidr).toBe('10.1.2.0/24');
    expect(inPrimary.subnetId).not.toBe(inSecondary.subnetId);
    for (const cidr of ['10.2.0.0/24', '192.168.0.0/24', '10.0.0.0/15']) {
      const error = await refusal(subnet.createSubnet({ vpcId, name: 'out', zoneName: 'cn-bj-a', cidr }));
      expect([error.statusCode, error.code, error.reason]).toEqual([400, 'BadRequest', 'CidrOutsideVpc']);
      expect(error.message).toContain(vpcId);
    }
  });

  it('refuses a CIDR overlapping a sibling subnet with 409 CidrConflict', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'a',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
    });
    for (const cidr of ['10.0.0.0/24', '10.0.0.128/25', '10.0.0.0/23']) {
      const error = await refusal(subnet.createSubnet({ vpcId, name: 'b', zoneName: 'cn-bj-b', cidr }));
      expect([error.statusCode, error.code]).toEqual([409, 'CidrConflict']);
      expect(error.message).toContain(subnetId);
    }
    // The same block in another VPC is no conflict.
    const other = await accountWithVpc();
    await expect(
      other.subnet.createSubnet({ vpcId: other.vpcId, name: 'b', zoneName: 'cn-bj-a', cidr: '10.0.0.0/24' }),
    ).resolves.toHaveProperty('subnetId');
  });

  it('refuses bad masks, CIDRs, zone names, subnet types and names with BadRequest and a reason', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const base = { vpcId, name: 'ok', zoneName: 'cn-bj-a', cidr: '10.0.0.0/24' };
    for (const [change, reason] of [
      [{ cidr: '10.0.0.0/30' }, 'InvalidCidrMask'],
      [{ cidr: '10.0.0.0/32' }, 'InvalidCidrMask'],
      [{ cidr: '10.0.0.1/24' }, 'InvalidCidr'],
      [{ cidr: 'ten/24' }, 'InvalidCidr'],
      [{ zoneName: 'Zone A' }, 'InvalidZoneName'],
      [{ zoneName: '' }, 'InvalidZoneName'],
      [{ subnetType: 'GPU' }, 'InvalidSubnetType'],
      [{ name: '1abc' }, 'InvalidName'],
    ] as const) {
      const error = await refusal(subnet.createSubnet({ ...base, ...change }));
      expect([error.statusCode, error.code, error.reason]).toEqual([400, 'BadRequest', reason]);
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const missing = await refusal(subnet.createSubnet({ vpcId, name: 'ok', cidr: '10.0.0.0/24' } as never));
    expect([missing.statusCode, missing.code]).toEqual([400, 'InappropriateJSON']);
    expect(missing.message).toContain('zoneName');
    expect((await subnet.listSubnets()).subnets).toEqual([]);
  });

  it('answers 404 NoSuchObject for an unknown VPC or subnet', async () => {
    const { subnet } = await t.newAccount();
    for (const attempt of [
      () =>
        subnet.createSubnet({
          vpcId: 'vpc-000000000000',
          name: 's',
          zoneName: 'cn-bj-a',
          cidr: '10.0.0.0/24',
        }),
      () => subnet.getSubnet('sbn-000000000000'),
      () => subnet.updateSubnet('sbn-000000000000', { name: 'x' }),
      () => subnet.deleteSubnet('sbn-000000000000'),
    ]) {
      const error = await refusal(attempt());
      expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
    }
  });

  it("hides another account's VPC and subnets as NoSuchObject", async () => {
    const owner = await accountWithVpc();
    const stranger = await t.newAccount();
    const { subnetId } = await owner.subnet.createSubnet({
      vpcId: owner.vpcId,
      name: 'mine',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
    });
    for (const attempt of [
      () => stranger.subnet.getSubnet(subnetId),
      () => stranger.subnet.updateSubnet(subnetId, { name: 'stolen' }),
      () => stranger.subnet.deleteSubnet(subnetId),
      () =>
        stranger.subnet.createSubnet({
          vpcId: owner.vpcId,
          name: 'intruder',
          zoneName: 'cn-bj-a',
          cidr: '10.0.9.0/24',
        }),
      () => t.clients(owner.credentials, 'gz').subnet.getSubnet(subnetId),
    ]) {
      const error = await refusal(attempt());
      expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
    }
    expect((await stranger.subnet.listSubnets({ vpcId: owner.vpcId })).subnets).toEqual([]);
    expect((await owner.subnet.getSubnet(subnetId)).name).toBe('mine');
  });

  it('lists in creation order with keyset pages', async () => {
    const { vpc, subnet } = await t.newAccount();
    const one = (await vpc.createVpc({ name: 'one', cidr: '10.0.0.0/16' })).vpcId;
    const two = (await vpc.createVpc({ name: 'two', cidr: '10.1.0.0/16' })).vpcId;
    const ids: string[] = [];
    for (const [vpcId, cidr] of [
      [one, '10.0.0.0/24'],
      [two, '10.1.0.0/24'],
      [one, '10.0.1.0/24'],
      [two, '10.1.1.0/24'],
      [one, '10.0.2.0/24'],
    ] as const) {
      ids.push((await subnet.createSubnet({ vpcId, name: 's', zoneName: 'cn-bj-a', cidr })).subnetId);
    }
    const all = await subnet.listSubnets();
    expect(all.subnets.map((s) => s.subnetId)).toEqual(ids);
    expect(all).toMatchObject({ marker: ids[0], isTruncated: false, maxKeys: 1000 });
    expect(all).not.toHaveProperty('nextMarker');

    const first = await subnet.listSubnets({ maxKeys: 2 });
    expect(first.subnets.map((s) => s.subnetId)).toEqual(ids.slice(0, 2));
    expect(first).toMatchObject({ isTruncated: true, nextMarker: ids[2], maxKeys: 2, marker: ids[0] });
    const second = await subnet.listSubnets({ maxKeys: 2, marker: first.nextMarker! });
    expect(second.subnets.map((s) => s.subnetId)).toEqual(ids.slice(2, 4));
    expect(second).toMatchObject({ isTruncated: true, nextMarker: ids[4], marker: ids[2] });
    const third = await subnet.listSubnets({ maxKeys: 2, marker: second.nextMarker! });
    expect(third.subnets.map((s) => s.subnetId)).toEqual([ids[4]]);
    expect(third.isTruncated).toBe(false);
    expect(third).not.toHaveProperty('nextMarker');

    // Pages combine with a filter.
    const ofOne = await subnet.listSubnets({ vpcId: one, maxKeys: 2 });
    expect(ofOne.subnets.map((s) => s.subnetId)).toEqual([ids[0], ids[2]]);
    expect(ofOne).toMatchObject({ isTruncated: true, nextMarker: ids[4] });
    const restOfOne = await subnet.listSubnets({ vpcId: one, maxKeys: 2, marker: ofOne.nextMarker! });
    expect(restOfOne.subnets.map((s) => s.subnetId)).toEqual([ids[4]]);
    expect(restOfOne.isTruncated).toBe(false);

    // A marker stays valid after its subnet is gone; a marker of another kind is refused.
    await subnet.deleteSubnet(ids[4]!);
    const afterGone = await subnet.listSubnets({ marker: ids[4]! });
    expect(afterGone.subnets).toEqual([]);
    expect(afterGone).not.toHaveProperty('marker');
    const badMarker = await refusal(subnet.listSubnets({ marker: one }));
    expect([badMarker.statusCode, badMarker.code]).toEqual([400, 'BadRequest']);
  });

  it('filters by vpcId, zoneName and subnetType', async () => {
    const { vpc, subnet } = await t.newAccount();
    const one = (await vpc.createVpc({ name: 'one', cidr: '10.0.0.0/16' })).vpcId;
    const two = (await vpc.createVpc({ name: 'two', cidr: '10.1.0.0/16' })).vpcId;
    const a = await subnet.createSubnet({ vpcId: one, name: 'a', zoneName: 'cn-bj-a', cidr: '10.0.0.0/24' });
    const b = await subnet.createSubnet({
      vpcId: one,
      name: 'b',
      zoneName: 'cn-bj-b',
      cidr: '10.0.1.0/24',
      subnetType: 'BBC',
    });
    const c = await subnet.createSubnet({ vpcId: two, name: 'c', zoneName: 'cn-bj-a', cidr: '10.1.0.0/24' });
    const ids = async (filter: Parameters<typeof subnet.listSubnets>[0]) =>
      (await subnet.listSubnets(filter)).subnets.map((s) => s.subnetId);
    expect(await ids({ vpcId: one })).toEqual([a.subnetId, b.subnetId]);
    expect(await ids({ vpcId: two })).toEqual([c.subnetId]);
    expect(await ids({ zoneName: 'cn-bj-a' })).toEqual([a.subnetId, c.subnetId]);
    expect(await ids({ subnetType: 'BBC' })).toEqual([b.subnetId]);
    expect(await ids({ subnetType: 'BCC', vpcId: one })).toEqual([a.subnetId]);
    expect(await ids({ zoneName: 'cn-bj-c' })).toEqual([]);
  });

  it('appears in GET /v1/vpc/{id} subnets', async () => {
    const { vpc, subnet, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'listed',
      zoneName: 'cn-bj-a',
      cidr: '10.0.3.0/24',
    });
    const shown = await vpc.getVpc(vpcId);
    expect(shown.subnets).toEqual([await subnet.getSubnet(subnetId)]);
    await subnet.deleteSubnet(subnetId);
    expect((await vpc.getVpc(vpcId)).subnets).toEqual([]);
  });

  it('updates name and description with modifyAttribute, keeping what is not given', async () => {
    const { subnet, vpcId, credentials } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'before',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
      description: 'old',
    });
    await subnet.updateSubnet(subnetId, { name: 'after' });
    expect(await subnet.getSubnet(subnetId)).toMatchObject({ name: 'after', description: 'old' });
    await subnet.updateSubnet(subnetId, { description: 'new' });
    expect(await subnet.getSubnet(subnetId)).toMatchObject({
      name: 'after',
      description: 'new',
      cidr: '10.0.0.0/24',
      zoneName: 'cn-bj-a',
    });
    const badName = await refusal(subnet.updateSubnet(subnetId, { name: '-dash' }));
    expect([badName.statusCode, badName.code, badName.reason]).toEqual([400, 'BadRequest', 'InvalidName']);

    // PUT without ?modifyAttribute is not an update.
    const transport = new SignedTransport({ endpoint: t.endpoint(), credentials });
    const noFlag = await refusal(
      transport.send('PUT', `/v1/subnet/${subnetId}`, {
        query: { clientToken: 'no-flag' },
        body: { name: 'x' },
      }),
    );
    expect(noFlag.statusCode).toBe(400);
    expect(noFlag.message).toContain('modifyAttribute');
    expect((await subnet.getSubnet(subnetId)).name).toBe('after');
  });

  it('refuses to delete a subnet that is the source of a route rule, then deletes it', async () => {
    const { subnet, route, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
    });
    const spare = await subnet.createSubnet({ vpcId, name: 't', zoneName: 'cn-bj-a', cidr: '10.0.2.0/24' });
    const { routeTableId } = await route.getRouteTable({ vpcId });
    const { routeRuleId } = await route.createRouteRule({
      routeTableId,
      sourceAddress: '10.0.1.0/25',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
    });
    // A rule from 0.0.0.0/0 does not pin any subnet.
    await route.createRouteRule({
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.16.0.0/12',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
    });
    const busy = await refusal(subnet.deleteSubnet(subnetId));
    expect([busy.statusCode, busy.code, busy.reason]).toEqual([409, 'ResourceNeedRelease', 'SubnetInUse']);
    expect(busy.message).toContain(subnetId);
    expect(await subnet.getSubnet(subnetId)).toHaveProperty('subnetId', subnetId);
    await subnet.deleteSubnet(spare.subnetId);
    await route.deleteRouteRule(routeRuleId);
    await subnet.deleteSubnet(subnetId);
    expect((await refusal(subnet.getSubnet(subnetId))).code).toBe('NoSuchObject');
    expect((await subnet.listSubnets({ vpcId })).subnets).toEqual([]);
  });

  it('enforces the per-VPC subnet quota, counting each VPC apart', async () => {
    const { vpc, subnet, vpcId } = await accountWithVpc();
    for (let i = 0; i < 3; i++) {
      await subnet.createSubnet({ vpcId, name: `q${i}`, zoneName: 'cn-bj-a', cidr: `10.0.${i}.0/24` });
    }
    const error = await refusal(
      subnet.createSubnet({ vpcId, name: 'q3', zoneName: 'cn-bj-a', cidr: '10.0.9.0/24' }),
    );
    expect([error.statusCode, error.code, error.reason]).toEqual([
      413,
      'LimitExceeded',
      'SubnetQuotaExceeded',
    ]);
    const other = (await vpc.createVpc({ name: 'other', cidr: '10.1.0.0/16' })).vpcId;
    await expect(
      subnet.createSubnet({ vpcId: other, name: 'fits', zoneName: 'cn-bj-a', cidr: '10.1.0.0/24' }),
    ).resolves.toHaveProperty('subnetId');
    // Releasing one makes room again.
    const [firstSubnet] = (await subnet.listSubnets({ vpcId })).subnets;
    await subnet.deleteSubnet(firstSubnet!.subnetId);
    await expect(
      subnet.createSubnet({ vpcId, name: 'again', zoneName: 'cn-bj-a', cidr: '10.0.9.0/24' }),
    ).resolves.toHaveProperty('subnetId');
  });
});

describe('subnet clientToken idempotency', () => {
  it('answers a retried create with the first subnet and makes no second one', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const args = {
      vpcId,
      name: 'once',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
      clientToken: 'sbn-token-1',
    };
    const first = await subnet.createSubnet(args);
    const again = await subnet.createSubnet({ ...args });
    expect(again.subnetId).toBe(first.subnetId);
    expect((await subnet.listSubnets({ vpcId })).subnets).toHaveLength(1);
  });

  it('refuses the same token for a different create with 403 IdempotentParameterMismatch', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    await subnet.createSubnet({
      vpcId,
      name: 'a',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
      clientToken: 'sbn-2',
    });
    const error = await refusal(
      subnet.createSubnet({
        vpcId,
        name: 'b',
        zoneName: 'cn-bj-a',
        cidr: '10.0.1.0/24',
        clientToken: 'sbn-2',
      }),
    );
    expect([error.statusCode, error.code]).toEqual([403, 'IdempotentParameterMismatch']);
    expect((await subnet.listSubnets({ vpcId })).subnets).toHaveLength(1);
  });

  it('does not record a refused create, so a corrected retry with the token succeeds', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const refused = await refusal(
      subnet.createSubnet({
        vpcId,
        name: 'x',
        zoneName: 'cn-bj-a',
        cidr: '10.9.0.0/24',
        clientToken: 'sbn-3',
      }),
    );
    expect(refused.reason).toBe('CidrOutsideVpc');
    await expect(
      subnet.createSubnet({
        vpcId,
        name: 'x',
        zoneName: 'cn-bj-a',
        cidr: '10.0.0.0/24',
        clientToken: 'sbn-3',
      }),
    ).resolves.toHaveProperty('subnetId');
  });

  it('answers a retried delete with success', async () => {
    const { subnet, vpcId } = await accountWithVpc();
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'd',
      zoneName: 'cn-bj-a',
      cidr: '10.0.0.0/24',
    });
    await subnet.deleteSubnet(subnetId, { clientToken: 'sbn-del' });
    await subnet.deleteSubnet(subnetId, { clientToken: 'sbn-del' });
    expect((await refusal(subnet.deleteSubnet(subnetId))).code).toBe('NoSuchObject');
  });
});
