import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../testing/harness.js';
import { rawSignedGet } from '../../../../testing/raw-request.js';
import { refusal } from '../../../../testing/refusal.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ overrides: { quotas: { vpcsPerRegion: 4 } } });
});
afterAll(() => t.close());

describe('VPC API', () => {
  it('creates a VPC that reads back wrapped, with relay, subnets and a default route table', async () => {
    const { vpc, route } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({
      name: 'prod-网络',
      cidr: '10.1.0.0/16',
      description: 'main',
      tags: [{ tagKey: 'env', tagValue: 'prod' }],
    });
    expect(vpcId).toMatch(/^vpc-[0-9a-z]{12}$/);
    const shown = await vpc.getVpc(vpcId);
    expect(shown).toMatchObject({
      vpcId,
      name: 'prod-网络',
      cidr: '10.1.0.0/16',
      description: 'main',
      isDefault: false,
      relay: false,
      secondaryCidr: [],
      subnets: [],
      ipv6Cidr: '',
      tags: [{ tagKey: 'env', tagValue: 'prod' }],
    });
    expect(shown.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const table = await route.getRouteTable({ vpcId });
    expect(table).toMatchObject({ vpcId, routeRules: [] });
    expect(table.routeTableId).toMatch(/^rt-/);
  });

  it('gives an IPv6 block only when asked', async () => {
    const { vpc } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'v6', cidr: '192.168.0.0/24', enableIpv6: true });
    expect((await vpc.getVpc(vpcId)).ipv6Cidr).toMatch(/^fd[0-9a-f:]+\/56$/);
  });

  it('refuses bad names and CIDRs with BadRequest and a reason', async () => {
    const { vpc } = await t.newAccount();
    for (const [args, reason] of [
      [{ name: 'default', cidr: '10.0.0.0/16' }, 'InvalidName'],
      [{ name: '1abc', cidr: '10.0.0.0/16' }, 'InvalidName'],
      [{ name: 'ok', cidr: '8.8.0.0/16' }, 'CidrNotPrivate'],
      [{ name: 'ok', cidr: '10.0.0.0/29' }, 'InvalidCidrMask'],
      [{ name: 'ok', cidr: '10.0.0.1/16' }, 'InvalidCidr'],
    ] as const) {
      const error = await refusal(vpc.createVpc(args));
      expect([error.statusCode, error.code, error.reason]).toEqual([400, 'BadRequest', reason]);
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const missing = await refusal(vpc.createVpc({ name: 'ok' } as never));
    expect([missing.statusCode, missing.code]).toEqual([400, 'InappropriateJSON']);
    expect(missing.message).toContain('cidr');
  });

  it('enforces the per-region quota, counting each region apart', async () => {
    const bj = await t.newAccount('bj');
    for (let i = 0; i < 4; i++) await bj.vpc.createVpc({ name: `q${i}`, cidr: `10.${i}.0.0/16` });
    const error = await refusal(bj.vpc.createVpc({ name: 'q5', cidr: '10.9.0.0/16' }));
    expect([error.statusCode, error.code, error.reason]).toEqual([413, 'LimitExceeded', 'VpcQuotaExceeded']);
    const gz = t.clients(bj.credentials, 'gz');
    await expect(gz.vpc.createVpc({ name: 'other-region', cidr: '10.9.0.0/16' })).resolves.toHaveProperty(
      'vpcId',
    );
  });

  it('keeps regions and accounts apart: another owner sees NoSuchObject', async () => {
    const owner = await t.newAccount();
    const stranger = await t.newAccount();
    const { vpcId } = await owner.vpc.createVpc({ name: 'mine', cidr: '172.16.0.0/16' });
    for (const attempt of [
      () => stranger.vpc.getVpc(vpcId),
      () => stranger.vpc.deleteVpc(vpcId),
      () => t.clients(owner.credentials, 'gz').vpc.getVpc(vpcId),
    ]) {
      const error = await refusal(attempt());
      expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
    }
    expect((await stranger.vpc.listVpcs()).vpcs).toEqual([]);
  });

  it('selects the region by Host bcc.<region>.… on any listener', async () => {
    const owner = await t.newAccount();
    const { vpcId } = await t
      .clients(owner.credentials, 'gz')
      .vpc.createVpc({ name: 'gz', cidr: '10.0.0.0/16' });
    const bjEndpoint = t.endpoint('bj');
    const port = new URL(bjEndpoint).port;
    // fetch derives Host from the URL, so this request goes over node:http with the Host set by hand.
    const answer = await rawSignedGet({
      port: Number(port),
      host: `bcc.gz.localhost:${port}`,
      path: `/v1/vpc/${vpcId}`,
      credentials: owner.credentials,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).vpc.vpcId).toBe(vpcId);
    const fromBj = await rawSignedGet({
      port: Number(port),
      host: `127.0.0.1:${port}`,
      path: `/v1/vpc/${vpcId}`,
      credentials: owner.credentials,
    });
    expect(fromBj.status).toBe(404);
  });

  it('lists in creation order with keyset pages, filters by ids and isDefault', async () => {
    const { vpc } = await t.newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await vpc.createVpc({ name: `p${i}`, cidr: `10.${i}.0.0/16` })).vpcId);
    const first = await vpc.listVpcs({ maxKeys: 3 });
    expect(first.vpcs.map((v) => v.vpcId)).toEqual(ids.slice(0, 3));
    expect(first).toMatchObject({ isTruncated: true, nextMarker: ids[3], maxKeys: 3, marker: ids[0] });
    const second = await vpc.listVpcs({ maxKeys: 3, marker: first.nextMarker! });
    expect(second.vpcs.map((v) => v.vpcId)).toEqual([ids[3]]);
    expect(second.isTruncated).toBe(false);
    expect(second).not.toHaveProperty('nextMarker');
    expect((await vpc.listVpcs({ vpcIds: [ids[1]!, ids[3]!] })).vpcs.map((v) => v.vpcId)).toEqual([
      ids[1],
      ids[3],
    ]);
    expect((await vpc.listVpcs({ isDefault: true })).vpcs).toEqual([]);
    expect((await vpc.listVpcs({ isDefault: false })).vpcs).toHaveLength(4);
    // A marker stays valid after its VPC is gone.
    await vpc.deleteVpc(ids[3]!);
    expect((await vpc.listVpcs({ marker: ids[3]! })).vpcs).toEqual([]);
  });

  it('updates name, description, IPv6 and secondary CIDRs with modifyAttribute', async () => {
    const { vpc } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'before', cidr: '10.0.0.0/16' });
    await vpc.updateVpc(vpcId, {
      name: 'after',
      description: 'd',
      enableIpv6: true,
      secondaryCidr: ['10.1.0.0/16'],
    });
    const shown = await vpc.getVpc(vpcId);
    expect(shown).toMatchObject({ name: 'after', description: 'd', secondaryCidr: ['10.1.0.0/16'] });
    expect(shown.ipv6Cidr).not.toBe('');
    const overlap = await refusal(vpc.updateVpc(vpcId, { secondaryCidr: ['10.0.128.0/17'] }));
    expect([overlap.statusCode, overlap.code]).toEqual([409, 'CidrConflict']);
    expect((await vpc.getVpc(vpcId)).secondaryCidr).toEqual(['10.1.0.0/16']);
  });

  it('refuses to delete a VPC still in use, then deletes it with its route table', async () => {
    const { vpc, subnet, route } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'busy', cidr: '10.0.0.0/16' });
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
    });
    const busy = await refusal(vpc.deleteVpc(vpcId));
    expect([busy.statusCode, busy.code, busy.reason]).toEqual([409, 'ResourceNeedRelease', 'VpcInUse']);
    expect(busy.message).toContain('1 subnet(s)');
    await subnet.deleteSubnet(subnetId);
    await vpc.deleteVpc(vpcId);
    expect((await refusal(vpc.getVpc(vpcId))).code).toBe('NoSuchObject');
    expect((await refusal(route.getRouteTable({ vpcId }))).code).toBe('NoSuchObject');
  });

  it('opens and shuts the relay, idempotently', async () => {
    const { vpc } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'relay', cidr: '10.0.0.0/16' });
    await vpc.openRelay(vpcId);
    await vpc.openRelay(vpcId);
    expect((await vpc.getVpc(vpcId)).relay).toBe(true);
    await vpc.shutdownRelay(vpcId);
    expect((await vpc.getVpc(vpcId)).relay).toBe(false);
  });
});

describe('clientToken idempotency', () => {
  it('answers a retry with the first result and no second VPC', async () => {
    const { vpc } = await t.newAccount();
    const args = { name: 'once', cidr: '10.0.0.0/16', clientToken: 'token-1' };
    const first = await vpc.createVpc(args);
    const again = await vpc.createVpc({ cidr: '10.0.0.0/16', clientToken: 'token-1', name: 'once' });
    expect(again.vpcId).toBe(first.vpcId);
    expect((await vpc.listVpcs()).vpcs).toHaveLength(1);
  });

  it('refuses the same token for a different request with 403 IdempotentParameterMismatch', async () => {
    const { vpc } = await t.newAccount();
    await vpc.createVpc({ name: 'a', cidr: '10.0.0.0/16', clientToken: 'token-2' });
    const error = await refusal(vpc.createVpc({ name: 'b', cidr: '10.0.0.0/16', clientToken: 'token-2' }));
    expect([error.statusCode, error.code]).toEqual([403, 'IdempotentParameterMismatch']);
    expect((await vpc.listVpcs()).vpcs).toHaveLength(1);
  });

  it('scopes tokens per account and per operation', async () => {
    const one = await t.newAccount();
    const two = await t.newAccount();
    const a = await one.vpc.createVpc({ name: 'a', cidr: '10.0.0.0/16', clientToken: 'shared' });
    const b = await two.vpc.createVpc({ name: 'a', cidr: '10.0.0.0/16', clientToken: 'shared' });
    expect(a.vpcId).not.toBe(b.vpcId);
    await one.vpc.updateVpc(a.vpcId, { name: 'renamed', clientToken: 'shared' });
    expect((await one.vpc.getVpc(a.vpcId)).name).toBe('renamed');
  });

  it('does not record a refused request, so a corrected retry with the token succeeds', async () => {
    const { vpc } = await t.newAccount();
    await refusal(vpc.createVpc({ name: 'x', cidr: '8.8.0.0/16', clientToken: 'token-3' }));
    await expect(
      vpc.createVpc({ name: 'x', cidr: '10.0.0.0/16', clientToken: 'token-3' }),
    ).resolves.toHaveProperty('vpcId');
  });
});
