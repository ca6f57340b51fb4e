import { BceServiceError, PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingDriver } from '../../../testing/dataplane.js';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { signedRequest } from '../../../testing/signed-request.js';

let t: TestServer;
const driver = new RecordingDriver();
type Account = Awaited<ReturnType<TestServer['newAccount']>>;
let alice: Account;
let bob: Account;
beforeAll(async () => {
  t = await startTestServer({ dataplaneDriver: driver });
  alice = await t.newAccount();
  bob = await t.newAccount();
});
afterAll(() => t.close());

async function refusal(call: () => Promise<unknown>): Promise<[number, string, string | undefined]> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError) && !(error instanceof BceServiceError))
    throw new Error(`expected an API refusal, got ${String(error)}`);
  return [error.statusCode, error.code, error.reason];
}

async function vpcWithSubnet(owner: Account, cidr = '10.1.0.0/16', subnetCidr = '10.1.0.0/24') {
  const { vpcId } = await owner.vpc.createVpc({ name: 'v', cidr });
  const { subnetId } = await owner.subnet.createSubnet({
    name: 's',
    zoneName: 'cn-bj-a',
    cidr: subnetCidr,
    vpcId,
  });
  return { vpcId, subnetId };
}

describe('/api/v1/dataplane/endpoints', () => {
  it('creates, gets, lists and deletes endpoints, taking the lowest free address', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(alice);
    const web = await alice.dataplane.createEndpoint({ subnetId, name: 'web' });
    expect(web).toEqual({
      endpointId: expect.stringMatching(/^ep-[0-9a-z]{12}$/),
      subnetId,
      vpcId,
      name: 'web',
      ip: '10.1.0.2',
      netns: `tst-${web.endpointId}`,
      createdAt: expect.stringMatching(/^\d{4}-/),
    });
    const db = await alice.dataplane.createEndpoint({ subnetId, name: 'db' });
    expect(db.ip).toBe('10.1.0.3');
    expect(await alice.dataplane.getEndpoint(web.endpointId)).toEqual(web);
    expect((await alice.dataplane.listEndpoints({ vpcId })).endpoints).toEqual([web, db]);
    expect((await alice.dataplane.listEndpoints({ subnetId })).endpoints).toEqual([web, db]);

    const first = await alice.dataplane.listEndpoints({ vpcId, maxKeys: 1 });
    expect(first).toEqual({ endpoints: [web], isTruncated: true, nextMarker: db.endpointId });
    const second = await alice.dataplane.listEndpoints({ vpcId, maxKeys: 1, marker: db.endpointId });
    expect(second).toEqual({ endpoints: [db], isTruncated: false });

    await alice.dataplane.deleteEndpoint(web.endpointId);
    expect(await refusal(() => alice.dataplane.getEndpoint(web.endpointId))).toEqual([
      404,
      'NoSuchObject',
      'EndpointNotFound',
    ]);
    // The freed address is the lowest free one again.
    expect((await alice.dataplane.createEndpoint({ subnetId, name: 'cache' })).ip).toBe('10.1.0.2');
  });

  it("refuses another account's subnet, VPC and endpoint as not found", async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(alice, '10.7.0.0/16', '10.7.0.0/24');
    const ep = await alice.dataplane.createEndpoint({ subnetId, name: 'own' });
    expect(await refusal(() => bob.dataplane.createEndpoint({ subnetId, name: 'x' }))).toEqual([
      404,
      'NoSuchObject',
      'SubnetNotFound',
    ]);
    expect(await refusal(() => bob.dataplane.getEndpoint(ep.endpointId))).toEqual([
      404,
      'NoSuchObject',
      'EndpointNotFound',
    ]);
    expect(await refusal(() => bob.dataplane.deleteEndpoint(ep.endpointId))).toEqual([
      404,
      'NoSuchObject',
      'EndpointNotFound',
    ]);
    expect(await refusal(() => bob.dataplane.listEndpoints({ vpcId }))).toEqual([
      404,
      'NoSuchObject',
      'VpcNotFound',
    ]);
    expect((await bob.dataplane.listEndpoints()).endpoints).toEqual([]);
    expect((await alice.dataplane.getEndpoint(ep.endpointId)).name).toBe('own');
  });

  it('allocates distinct addresses to concurrent creates', async () => {
    const { subnetId } = await vpcWithSubnet(alice, '10.2.0.0/16', '10.2.0.0/24');
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => alice.dataplane.createEndpoint({ subnetId, name: `n${i}` })),
    );
    const ips = created.map((ep) => ep.ip).sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]));
    expect(ips).toEqual(Array.from({ length: 12 }, (_, i) => `10.2.0.${i + 2}`));
  });

  it('refuses a full subnet, a taken name and bad input', async () => {
    // A /29: network, gateway, five endpoints, broadcast.
    const { subnetId } = await vpcWithSubnet(alice, '10.3.0.0/16', '10.3.0.0/29');
    for (let i = 0; i < 5; i++) await alice.dataplane.createEndpoint({ subnetId, name: `h${i}` });
    expect(await refusal(() => alice.dataplane.createEndpoint({ subnetId, name: 'h5' }))).toEqual([
      413,
      'LimitExceeded',
      'SubnetAddressesExhausted',
    ]);
    const { subnetId: other } = await vpcWithSubnet(alice, '10.4.0.0/16', '10.4.0.0/24');
    await alice.dataplane.createEndpoint({ subnetId: other, name: 'dup' });
    expect(await refusal(() => alice.dataplane.createEndpoint({ subnetId: other, name: 'dup' }))).toEqual([
      409,
      'OperationDenied',
      'EndpointNameTaken',
    ]);
    expect(
      await refusal(() => alice.dataplane.createEndpoint({ subnetId: other, name: 'Bad_Name' })),
    ).toEqual([400, 'BadRequest', 'InvalidEndpointName']);
    const missing = await signedRequest({
      endpoint: t.endpoint(),
      credentials: alice.credentials,
      method: 'POST',
      path: '/api/v1/dataplane/endpoints',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(missing.status).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(missing.text)).toMatchObject({ code: 'InappropriateJSON', status: 400 });
    expect(await refusal(() => alice.dataplane.listEndpoints({ marker: 'nope' }))).toEqual([
      400,
      'BadRequest',
      'InvalidMarker',
    ]);
    expect(await refusal(() => alice.dataplane.listEndpoints({ vpcId: 'vpc-x', subnetId: other }))).toEqual([
      400,
      'BadRequest',
      'InvalidFilter',
    ]);
  });

  it('keeps a subnet and its VPC in use while they have endpoints', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(alice, '10.5.0.0/16', '10.5.0.0/24');
    const ep = await alice.dataplane.createEndpoint({ subnetId, name: 'pinned' });
    expect(await refusal(() => alice.subnet.deleteSubnet(subnetId))).toEqual([
      409,
      'ResourceNeedRelease',
      'SubnetInUse',
    ]);
    expect(await refusal(() => alice.vpc.deleteVpc(vpcId))).toEqual([409, 'ResourceNeedRelease', 'VpcInUse']);
    await alice.dataplane.deleteEndpoint(ep.endpointId);
    await alice.subnet.deleteSubnet(subnetId);
    await alice.vpc.deleteVpc(vpcId);
  });

  it('needs a signature', async () => {
    const response = await fetch(`${t.endpoint()}/api/v1/dataplane/endpoints`);
    expect(response.status).toBe(403);
  });
});
