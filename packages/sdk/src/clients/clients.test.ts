import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/src/testing/harness.js';
import type { Credentials } from '../auth/bce-signer.js';
import { BceServiceError, PeerlinkApiError, WaiterError } from '../errors.js';
import type { ClientConfig } from '../transport.js';
import { PeerConnClient } from './peerconn-client.js';
import type { PeerConn, PeerConnStatus } from './peerconn-types.js';
import { RouteClient } from './route-client.js';
import { SubnetClient } from './subnet-client.js';
import { VpcClient } from './vpc-client.js';

/**
 * Every public method of every SDK client against a real Peerlink server on loopback (the test
 * harness), with the real clock: peer connection steps take STEP_MS.
 */

const STEP_MS = 100;
let t: TestServer;
let admin: Credentials;
beforeAll(async () => {
  t = await startTestServer({ overrides: { peerConnStepMs: STEP_MS } });
  admin = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
});
afterAll(() => t.close());

/** Quick polling for the waiters, with a deadline far above the steps. */
const FAST = { minDelayMs: 20, maxDelayMs: 100, timeoutMs: 10_000 };
const BCE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function failureOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

/** A pass-through fetch that records each request as `METHOD /path?query`. */
function recordingFetch(): { calls: string[]; fetch: typeof fetch } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      const url = new URL(String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
      return fetch(input, init);
    },
  };
}

function config(credentials: Credentials, extra: Partial<ClientConfig> = {}, region: 'bj' | 'gz' = 'bj') {
  return { endpoint: t.endpoint(region), credentials, ...extra };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Statuses passed to onStatus, in order. */
function statusLog(): { seen: string[]; onStatus: (status: string) => void } {
  const seen: string[] = [];
  return { seen, onStatus: (status) => seen.push(status) };
}

/** Every element differs from the one before it, and all are among `allowed`, in that order. */
function expectProgression(seen: string[], allowed: string[]): void {
  for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
  const positions = seen.map((status) => allowed.indexOf(status));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

describe('VpcClient', () => {
  it('creates, lists, gets, updates, opens and shuts the relay of, and deletes a VPC', async () => {
    const { vpc } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({
      name: 'sdk-vpc',
      cidr: '10.0.0.0/16',
      description: 'made by the SDK',
      tags: [{ tagKey: 'env', tagValue: 'test' }],
    });
    expect(vpcId).toMatch(/^vpc-[0-9a-z]{12}$/);

    const listed = await vpc.listVpcs();
    expect(listed).toMatchObject({ isTruncated: false, maxKeys: 1000 });
    expect(listed.vpcs).toEqual([
      expect.objectContaining({
        vpcId,
        name: 'sdk-vpc',
        cidr: '10.0.0.0/16',
        description: 'made by the SDK',
        isDefault: false,
        secondaryCidr: [],
        tags: [{ tagKey: 'env', tagValue: 'test' }],
      }),
    ]);

    const shown = await vpc.getVpc(vpcId);
    expect(shown).toMatchObject({ ...listed.vpcs[0], relay: false, subnets: [] });
    expect(shown.createdTime).toMatch(BCE_TIME);

    await expect(
      vpc.updateVpc(vpcId, { name: 'renamed', description: 'd2', secondaryCidr: ['10.1.0.0/16'] }),
    ).resolves.toEqual({});
    expect(await vpc.getVpc(vpcId)).toMatchObject({
      name: 'renamed',
      description: 'd2',
      secondaryCidr: ['10.1.0.0/16'],
    });

    await vpc.openRelay(vpcId);
    expect((await vpc.getVpc(vpcId)).relay).toBe(true);
    await vpc.shutdownRelay(vpcId);
    expect((await vpc.getVpc(vpcId)).relay).toBe(false);

    await vpc.deleteVpc(vpcId);
    const gone = await failureOf(vpc.getVpc(vpcId), BceServiceError);
    expect([gone.statusCode, gone.code]).toEqual([404, 'NoSuchObject']);
    expect(gone.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await vpc.listVpcs()).vpcs).toEqual([]);
  });

  it('filters the list by vpcIds and isDefault', async () => {
    const { vpc } = await t.newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await vpc.createVpc({ name: `f${i}`, cidr: `10.${i}.0.0/16` })).vpcId);
    expect((await vpc.listVpcs({ vpcIds: [ids[0]!, ids[2]!] })).vpcs.map((v) => v.vpcId)).toEqual([
      ids[0],
      ids[2],
    ]);
    expect((await vpc.listVpcs({ isDefault: true })).vpcs).toEqual([]);
    expect((await vpc.listVpcs({ isDefault: false })).vpcs).toHaveLength(3);
  });

  it('paginateVpcs({ maxKeys: 2 }) walks 5 VPCs in creation order, each once, in 3 pages', async () => {
    const { credentials, vpc } = await t.newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await vpc.createVpc({ name: `p${i}`, cidr: `10.${i}.0.0/16` })).vpcId);
    const recorder = recordingFetch();
    const client = new VpcClient(config(credentials, { fetch: recorder.fetch }));
    expect((await collect(client.paginateVpcs({ maxKeys: 2 }))).map((v) => v.vpcId)).toEqual(ids);
    expect(recorder.calls).toEqual([
      'GET /v1/vpc?maxKeys=2',
      `GET /v1/vpc?marker=${ids[2]}&maxKeys=2`,
      `GET /v1/vpc?marker=${ids[4]}&maxKeys=2`,
    ]);
    // Filters apply to every page.
    expect(
      (await collect(client.paginateVpcs({ maxKeys: 1, vpcIds: [ids[1]!, ids[3]!] }))).map((v) => v.vpcId),
    ).toEqual([ids[1], ids[3]]);
  });

  it('fetches pages lazily: stopping after the first item fetches one page', async () => {
    const { credentials, vpc } = await t.newAccount();
    for (let i = 0; i < 3; i++) await vpc.createVpc({ name: `l${i}`, cidr: `10.${i}.0.0/16` });
    const recorder = recordingFetch();
    const client = new VpcClient(config(credentials, { fetch: recorder.fetch }));
    for await (const first of client.paginateVpcs({ maxKeys: 1 })) {
      expect(first.name).toBe('l0');
      break;
    }
    expect(recorder.calls).toHaveLength(1);
  });

  it('makes a create with the same explicit clientToken happen once', async () => {
    const { vpc, subnet } = await t.newAccount();
    const first = await vpc.createVpc({ name: 'once', cidr: '10.0.0.0/16', clientToken: 'sdk-token-1' });
    const again = await vpc.createVpc({ name: 'once', cidr: '10.0.0.0/16', clientToken: 'sdk-token-1' });
    expect(again.vpcId).toBe(first.vpcId);
    expect((await vpc.listVpcs()).vpcs.map((v) => v.vpcId)).toEqual([first.vpcId]);

    const args = {
      vpcId: first.vpcId,
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      clientToken: 'sdk-token-2',
    };
    const s1 = await subnet.createSubnet(args);
    const s2 = await subnet.createSubnet(args);
    expect(s2.subnetId).toBe(s1.subnetId);
    expect((await subnet.listSubnets({ vpcId: first.vpcId })).subnets).toHaveLength(1);
  });

  it('makes a create retried after a lost answer happen once, thanks to the generated clientToken', async () => {
    const { credentials, vpc } = await t.newAccount();
    const proxy = await lossyProxy(t.endpoint());
    try {
      const client = new VpcClient({ endpoint: proxy.endpoint, credentials, retry: { baseDelayMs: 10 } });
      const { vpcId } = await client.createVpc({ name: 'lost-answer', cidr: '10.0.0.0/16' });
      expect(proxy.urls).toHaveLength(2);
      expect(proxy.urls[1]).toBe(proxy.urls[0]);
      expect(proxy.urls[0]).toMatch(/^\/v1\/vpc\?clientToken=[0-9a-f-]{36}$/);
      // The server made the VPC on the first attempt; the retry was answered with the same one.
      expect((await vpc.listVpcs()).vpcs.map((v) => v.vpcId)).toEqual([vpcId]);
    } finally {
      await proxy.close();
    }
  });
});

/**
 * A loopback proxy to `target` that forwards every request, but answers the first one's client
 * with a 503 instead of the server's answer: the answer was lost on the way back.
 */
async function lossyProxy(
  target: string,
): Promise<{ endpoint: string; urls: string[]; close(): Promise<void> }> {
  const urls: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    urls.push(req.url ?? '');
    const lose = urls.length === 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = httpRequest(
        new URL(req.url ?? '/', target),
        { method: req.method ?? 'GET', headers: req.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (lose) {
              res.writeHead(503, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'lost', requestId: 'proxy' }));
              return;
            }
            const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('SubnetClient', () => {
  it('creates, lists, gets, updates and deletes a subnet', async () => {
    const { vpc, subnet } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'net', cidr: '10.0.0.0/16' });
    const { subnetId } = await subnet.createSubnet({
      vpcId,
      name: 'web',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      subnetType: 'BCC',
      description: 'front',
      tags: [{ tagKey: 'tier', tagValue: 'web' }],
    });
    expect(subnetId).toMatch(/^sbn-[0-9a-z]{12}$/);
    const shown = await subnet.getSubnet(subnetId);
    expect(shown).toMatchObject({
      subnetId,
      vpcId,
      name: 'web',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
      subnetType: 'BCC',
      description: 'front',
      availableIp: 253,
      tags: [{ tagKey: 'tier', tagValue: 'web' }],
    });
    expect(shown.createdTime).toMatch(BCE_TIME);
    expect(await subnet.listSubnets({ vpcId })).toMatchObject({ subnets: [shown], isTruncated: false });
    expect((await subnet.listSubnets({ zoneName: 'cn-bj-b' })).subnets).toEqual([]);
    expect((await vpc.getVpc(vpcId)).subnets.map((s) => s.subnetId)).toEqual([subnetId]);

    await subnet.updateSubnet(subnetId, { name: 'web2', description: 'back' });
    expect(await subnet.getSubnet(subnetId)).toMatchObject({
      name: 'web2',
      description: 'back',
      cidr: '10.0.1.0/24',
    });

    await subnet.deleteSubnet(subnetId);
    const gone = await failureOf(subnet.getSubnet(subnetId), BceServiceError);
    expect([gone.statusCode, gone.code]).toEqual([404, 'NoSuchObject']);
    expect((await subnet.listSubnets({ vpcId })).subnets).toEqual([]);
  });

  it('paginateSubnets({ maxKeys: 2 }) walks 5 subnets in order, each once, in 3 pages', async () => {
    const { credentials, vpc, subnet } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'net', cidr: '10.0.0.0/16' });
    const { vpcId: otherVpcId } = await vpc.createVpc({ name: 'other', cidr: '10.1.0.0/16' });
    await subnet.createSubnet({
      vpcId: otherVpcId,
      name: 'elsewhere',
      zoneName: 'cn-bj-a',
      cidr: '10.1.0.0/24',
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await subnet.createSubnet({ vpcId, name: `s${i}`, zoneName: 'cn-bj-a', cidr: `10.0.${i}.0/24` }))
          .subnetId,
      );
    }
    const recorder = recordingFetch();
    const client = new SubnetClient(config(credentials, { fetch: recorder.fetch }));
    expect((await collect(client.paginateSubnets({ vpcId, maxKeys: 2 }))).map((s) => s.subnetId)).toEqual(
      ids,
    );
    expect(recorder.calls).toHaveLength(3);
    for (const call of recorder.calls) expect(call).toContain(`vpcId=${vpcId}`);
    expect(await collect(client.paginateSubnets({ maxKeys: 4 }))).toHaveLength(6);
  });
});

describe('RouteClient', () => {
  it('reads the route table, then creates, lists, updates and deletes a rule', async () => {
    const { vpc, subnet, route } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'net', cidr: '10.0.0.0/16' });
    await subnet.createSubnet({ vpcId, name: 's', zoneName: 'cn-bj-a', cidr: '10.0.1.0/24' });
    const table = await route.getRouteTable({ vpcId });
    expect(table).toMatchObject({ vpcId, routeRules: [] });
    expect(table.routeTableId).toMatch(/^rt-[0-9a-z]{12}$/);
    expect(await route.getRouteTable({ routeTableId: table.routeTableId })).toEqual(table);

    const { routeRuleId } = await route.createRouteRule({
      routeTableId: table.routeTableId,
      sourceAddress: '10.0.1.0/24',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
      description: 'to office',
    });
    expect(routeRuleId).toMatch(/^rr-[0-9a-z]{12}$/);
    const expected = {
      routeRuleId,
      routeTableId: table.routeTableId,
      sourceAddress: '10.0.1.0/24',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
      description: 'to office',
    };
    const listed = await route.listRouteRules({ vpcId });
    expect(listed).toMatchObject({ isTruncated: false, routeRules: [expect.objectContaining(expected)] });
    expect((await route.listRouteRules({ routeTableId: table.routeTableId })).routeRules).toEqual(
      listed.routeRules,
    );
    expect((await route.getRouteTable({ vpcId })).routeRules).toEqual(listed.routeRules);

    await route.updateRouteRule(routeRuleId, {
      destinationAddress: '172.16.0.0/12',
      nexthopId: 'i-other',
      description: 'moved',
    });
    expect((await route.listRouteRules({ vpcId })).routeRules).toEqual([
      expect.objectContaining({
        ...expected,
        destinationAddress: '172.16.0.0/12',
        nexthopId: 'i-other',
        description: 'moved',
      }),
    ]);

    await route.deleteRouteRule(routeRuleId);
    expect((await route.listRouteRules({ vpcId })).routeRules).toEqual([]);
    const gone = await failureOf(route.deleteRouteRule(routeRuleId), BceServiceError);
    expect([gone.statusCode, gone.code]).toEqual([404, 'NoSuchObject']);
  });

  it('paginateRouteRules walks 5 rules in order, each once, in 3 pages', async () => {
    const { credentials, vpc, route } = await t.newAccount();
    const { vpcId } = await vpc.createVpc({ name: 'net', cidr: '10.0.0.0/16' });
    const { routeTableId } = await route.getRouteTable({ vpcId });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await route.createRouteRule({
        routeTableId,
        sourceAddress: '0.0.0.0/0',
        destinationAddress: `192.168.${i}.0/24`,
        nexthopId: 'i-gateway',
        nexthopType: 'custom',
      });
      ids.push(created.routeRuleId);
    }
    const recorder = recordingFetch();
    const client = new RouteClient(config(credentials, { fetch: recorder.fetch }));
    const walked = await collect(client.paginateRouteRules({ routeTableId }, { maxKeys: 2 }));
    expect(walked.map((r) => r.routeRuleId)).toEqual(ids);
    expect(walked.map((r) => r.destinationAddress)).toEqual(ids.map((_, i) => `192.168.${i}.0/24`));
    expect(recorder.calls).toHaveLength(3);
    expect(
      (await collect(client.paginateRouteRules({ vpcId }, { maxKeys: 3 }))).map((r) => r.routeRuleId),
    ).toEqual(ids);
  });
});

/** Two accounts, A in bj and B in gz, with a VPC each; A's client asks B's VPC to connect. */
async function crossAccountPair() {
  const a = await t.newAccount('bj');
  const b = await t.newAccount('gz');
  const { vpcId: localVpcId } = await a.vpc.createVpc({ name: 'initiator', cidr: '10.1.0.0/16' });
  const { vpcId: peerVpcId } = await b.vpc.createVpc({ name: 'acceptor', cidr: '10.2.0.0/16' });
  const { peerConnId } = await a.peerConn.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId,
    peerVpcId,
    peerRegion: 'gz',
    peerAccountId: b.accountId,
    billing: { paymentTiming: 'Postpaid' },
  });
  return { a, b, localVpcId, peerVpcId, id: peerConnId };
}

describe('PeerConnClient', () => {
  it('runs every operation on a same-account connection, waiting for each step', async () => {
    const { vpc, peerConn } = await t.newAccount('bj');
    const { vpcId: v1 } = await vpc.createVpc({ name: 'one', cidr: '10.1.0.0/16' });
    const { vpcId: v2 } = await vpc.createVpc({ name: 'two', cidr: '10.2.0.0/16' });
    const { peerConnId: id } = await peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: v1,
      peerVpcId: v2,
      peerRegion: 'bj',
      description: 'd0',
      localIfName: 'edge-a',
      peerIfName: 'edge-b',
      billing: { paymentTiming: 'Postpaid' },
      tags: [{ tagKey: 'env', tagValue: 'test' }],
      deleteProtect: true,
    });
    expect(id).toMatch(/^peerconn-[0-9a-z]{12}$/);

    const progress = statusLog();
    const active = await peerConn.waitUntilPeerConnStatus(id, 'active', {
      ...FAST,
      onStatus: progress.onStatus,
    });
    expect(active).toMatchObject({ peerConnId: id, status: 'active', role: 'initiator' });
    expect(progress.seen.at(-1)).toBe('active');
    expectProgression(progress.seen, ['creating', 'active']);

    // getPeerConn picks an end with `role`; without it, the initiator's.
    const mine = await peerConn.getPeerConn(id, 'initiator');
    const theirs = await peerConn.getPeerConn(id, 'acceptor');
    expect(await peerConn.getPeerConn(id)).toEqual(mine);
    expect(mine).toMatchObject({
      role: 'initiator',
      status: 'active',
      bandwidthInMbps: 10,
      description: 'd0',
      localIfName: 'edge-a',
      localVpcId: v1,
      localRegion: 'bj',
      peerVpcId: v2,
      peerRegion: 'bj',
      paymentTiming: 'Postpaid',
      dnsStatus: 'close',
      expiredTime: '',
      tags: [{ tagKey: 'env', tagValue: 'test' }],
      deleteProtect: true,
    });
    expect(mine.createdTime).toMatch(BCE_TIME);
    expect(theirs).toMatchObject({ role: 'acceptor', localIfName: 'edge-b', localVpcId: v2, peerVpcId: v1 });

    // listPeerConn: one item per end, filtered by VPC.
    expect(await peerConn.listPeerConn()).toMatchObject({ peerConns: [mine, theirs], isTruncated: false });
    expect((await peerConn.listPeerConn({ vpcId: v2 })).peerConns).toEqual([theirs]);

    await peerConn.modifyPeerConn(id, {
      localIfId: mine.localIfId,
      localIfName: 'edge-a2',
      description: 'd1',
    });
    expect((await peerConn.getPeerConn(id)).status).toBe('updating');
    await peerConn.waitUntilPeerConnStatus(id, 'active', FAST);
    expect(await peerConn.getPeerConn(id, 'initiator')).toMatchObject({
      localIfName: 'edge-a2',
      description: 'd1',
    });
    expect(await peerConn.getPeerConn(id, 'acceptor')).toEqual(theirs);

    await peerConn.modifyBandwith(id, 20);
    expect((await peerConn.waitUntilPeerConnStatus(id, 'active', FAST))?.bandwidthInMbps).toBe(20);
    await peerConn.modifyBandwidth(id, 30);
    expect((await peerConn.waitUntilPeerConnStatus(id, 'active', FAST))?.bandwidthInMbps).toBe(30);
    expect((await peerConn.getPeerConn(id, 'acceptor')).bandwidthInMbps).toBe(30);

    await peerConn.openSyncDns(id, 'initiator');
    const dns = statusLog();
    const opened = await peerConn.waitUntilDnsStatus(id, 'initiator', 'open', {
      ...FAST,
      onStatus: dns.onStatus,
    });
    expect(opened).toMatchObject({ role: 'initiator', dnsStatus: 'open' });
    expectProgression(dns.seen, ['syncing', 'open']);
    expect((await peerConn.getPeerConn(id, 'acceptor')).dnsStatus).toBe('close');
    await peerConn.openSyncDns(id, 'acceptor');
    expect((await peerConn.waitUntilDnsStatus(id, 'acceptor', 'open', FAST)).dnsStatus).toBe('open');
    await peerConn.closeSyncDns(id, 'initiator');
    expect((await peerConn.waitUntilDnsStatus(id, 'initiator', 'close', FAST)).dnsStatus).toBe('close');
    expect((await peerConn.getPeerConn(id, 'acceptor')).dnsStatus).toBe('open');

    const protectedRelease = await failureOf(peerConn.release(id), BceServiceError);
    expect([protectedRelease.statusCode, protectedRelease.code, protectedRelease.reason]).toEqual([
      409,
      'OperationDenied',
      'DeleteProtected',
    ]);
    await peerConn.switchDeleteProtect(id, false);
    expect((await peerConn.getPeerConn(id, 'initiator')).deleteProtect).toBe(false);
    expect((await peerConn.getPeerConn(id, 'acceptor')).deleteProtect).toBe(false);
    await peerConn.switchDeleteProtect(id, true);
    expect((await peerConn.getPeerConn(id)).deleteProtect).toBe(true);
    await peerConn.switchDeleteProtect(id, false);

    await peerConn.release(id);
    const release = statusLog();
    const deleted = await peerConn.waitUntilPeerConnStatus(id, 'deleted', {
      ...FAST,
      onStatus: release.onStatus,
    });
    // Still readable within the retention: the waiter answers the deleted connection.
    expect(deleted).toMatchObject({ peerConnId: id, status: 'deleted' });
    expectProgression(release.seen, ['deleting', 'deleted']);
    expect((await peerConn.getPeerConn(id, 'acceptor')).status).toBe('deleted');
  });

  it('accepts a cross-account request from the acceptor, in its own region', async () => {
    const { a, b, id, peerVpcId } = await crossAccountPair();
    await expect(
      a.peerConn.waitUntilPeerConnStatus(id, ['consulting', 'active'], FAST),
    ).resolves.toMatchObject({ status: 'consulting', role: 'initiator' });
    const request = await b.peerConn.getPeerConn(id);
    expect(request).toMatchObject({
      role: 'acceptor',
      status: 'consulting',
      localVpcId: peerVpcId,
      localRegion: 'gz',
      peerAccountId: a.accountId,
    });
    expect((await b.peerConn.listPeerConn()).peerConns).toEqual([request]);

    // The acceptor may rename its end while consulting.
    await b.peerConn.modifyPeerConn(id, { localIfId: request.localIfId, localIfName: 'b-side' });
    await b.peerConn.waitUntilPeerConnStatus(id, 'consulting', { ...FAST, role: 'acceptor' });
    expect((await b.peerConn.getPeerConn(id, 'acceptor')).localIfName).toBe('b-side');

    const notMine = await failureOf(a.peerConn.accept(id), BceServiceError);
    expect([notMine.statusCode, notMine.code, notMine.reason]).toEqual([
      409,
      'OperationDenied',
      'AcceptorOnly',
    ]);
    await b.peerConn.accept(id);
    const progress = statusLog();
    const active = await a.peerConn.waitUntilPeerConnStatus(id, 'active', {
      ...FAST,
      onStatus: progress.onStatus,
    });
    expect(active).toMatchObject({ status: 'active', role: 'initiator' });
    expectProgression(progress.seen, ['starting', 'active']);
    expect((await b.peerConn.getPeerConn(id)).status).toBe('active');

    // listEvents: the history, oldest first, the same for both ends; nobody else sees it. Reads
    // show a due step as done at once, the history once the reconciler has recorded it.
    await expect.poll(async () => (await a.peerConn.listEvents(id)).events.length).toBe(6);
    const history = await a.peerConn.listEvents(id);
    expect(history.peerConnId).toBe(id);
    expect(history.events.map((e) => [e.actor, e.action, e.fromStatus, e.toStatus])).toEqual([
      [a.accountId, 'Create', 'creating', 'creating'],
      ['system', 'Complete', 'creating', 'consulting'],
      [b.accountId, 'Update', 'consulting', 'updating'],
      ['system', 'Complete', 'updating', 'consulting'],
      [b.accountId, 'Accept', 'consulting', 'starting'],
      ['system', 'Complete', 'starting', 'active'],
    ]);
    for (const event of history.events) expect(Date.parse(event.at)).not.toBeNaN();
    expect(await b.peerConn.listEvents(id)).toEqual(history);
    const stranger = await failureOf((await t.newAccount('bj')).peerConn.listEvents(id), PeerlinkApiError);
    expect([stranger.statusCode, stranger.code]).toEqual([404, 'NoSuchObject']);
  });

  it('ends a wait for active with a terminal WaiterError once the acceptor rejects', async () => {
    const { a, b, id } = await crossAccountPair();
    await b.peerConn.waitUntilPeerConnStatus(id, 'consulting', { ...FAST, role: 'acceptor' });
    await b.peerConn.reject(id);
    const progress = statusLog();
    const error = await failureOf(
      a.peerConn.waitUntilPeerConnStatus(id, 'active', { ...FAST, onStatus: progress.onStatus }),
      WaiterError,
    );
    expect([error.name, error.kind, error.lastStatus]).toEqual(['WaiterError', 'terminal', 'consult_failed']);
    expect(error.message).toContain('consult_failed');
    expect(progress.seen).toEqual(['consult_failed']);
    // A status that is a target is not terminal for that wait.
    await expect(a.peerConn.waitUntilPeerConnStatus(id, 'consult_failed', FAST)).resolves.toMatchObject({
      status: 'consult_failed',
    });

    // The initiator releases the failed request.
    await a.peerConn.release(id);
    await expect(a.peerConn.waitUntilPeerConnStatus(id, 'deleted', FAST)).resolves.toMatchObject({
      status: 'deleted',
    });
    // Waiting for active on a deleted connection is terminal too.
    const deleted = await failureOf(a.peerConn.waitUntilPeerConnStatus(id, 'active', FAST), WaiterError);
    expect([deleted.kind, deleted.lastStatus]).toEqual(['terminal', 'deleted']);
  });

  it('times out with the last status, calling onStatus once per distinct status', async () => {
    const { a, id } = await crossAccountPair();
    await a.peerConn.waitUntilPeerConnStatus(id, 'consulting', FAST);
    const recorder = recordingFetch();
    const client = new PeerConnClient(config(a.credentials, { fetch: recorder.fetch }));
    const progress = statusLog();
    const started = Date.now();
    const error = await failureOf(
      client.waitUntilPeerConnStatus(id, 'active', {
        timeoutMs: 300,
        minDelayMs: 20,
        onStatus: progress.onStatus,
      }),
      WaiterError,
    );
    const elapsed = Date.now() - started;
    expect([error.kind, error.lastStatus]).toEqual(['timeout', 'consulting']);
    expect(error.message).toContain('active');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
    // Polled several times, but told of the one status once.
    expect(recorder.calls.length).toBeGreaterThan(2);
    for (const call of recorder.calls) expect(call).toBe(`GET /v1/peerconn/${id}`);
    expect(progress.seen).toEqual(['consulting']);
  });

  it('renews a prepaid connection with purchaseReserved and refunds it', async () => {
    const owner = await t.newAccount('bj');
    const { vpcId: localVpcId } = await owner.vpc.createVpc({ name: 'here', cidr: '10.1.0.0/16' });
    const gz = t.clients(owner.credentials, 'gz');
    const { vpcId: peerVpcId } = await gz.vpc.createVpc({ name: 'there', cidr: '10.2.0.0/16' });
    const { peerConnId: id } = await owner.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId,
      peerVpcId,
      peerRegion: 'gz',
      billing: {
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
      },
    });
    const active = (await owner.peerConn.waitUntilPeerConnStatus(id, 'active', FAST)) as PeerConn;
    expect(active.paymentTiming).toBe('Prepaid');
    expect(active.expiredTime).toMatch(BCE_TIME);
    await owner.peerConn.purchaseReserved(id, {
      reservation: { reservationLength: 2, reservationTimeUnit: 'Month' },
    });
    const renewed = await owner.peerConn.getPeerConn(id);
    expect(renewed.status).toBe('active');
    const days = (Date.parse(renewed.expiredTime) - Date.parse(active.expiredTime)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(59);
    expect(days).toBeLessThanOrEqual(62);
    expect((await gz.peerConn.getPeerConn(id)).expiredTime).toBe(renewed.expiredTime);

    await owner.peerConn.refund(id);
    expect((await owner.peerConn.getPeerConn(id)).status).toBe('deleting');
    await expect(gz.peerConn.waitUntilPeerConnStatus(id, 'deleted', FAST)).resolves.toMatchObject({
      status: 'deleted',
      role: 'acceptor',
    });
  });

  it('paginatePeerConns walks every end once, over more than one page', async () => {
    const { credentials, vpc, peerConn } = await t.newAccount('bj');
    const vpcs: string[] = [];
    for (let i = 0; i < 4; i++)
      vpcs.push((await vpc.createVpc({ name: `v${i}`, cidr: `10.${i}.0.0/16` })).vpcId);
    for (const peerVpcId of vpcs.slice(1)) {
      await peerConn.createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: vpcs[0]!,
        peerVpcId,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      });
    }
    const ends = (items: PeerConn[]) => items.map((p) => `${p.peerConnId}/${p.role}`);
    const all = ends((await peerConn.listPeerConn()).peerConns);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);

    const recorder = recordingFetch();
    const client = new PeerConnClient(config(credentials, { fetch: recorder.fetch }));
    expect(ends(await collect(client.paginatePeerConns({ maxKeys: 4 })))).toEqual(all);
    expect(recorder.calls).toHaveLength(2);
    recorder.calls.length = 0;
    expect(ends(await collect(client.paginatePeerConns({ maxKeys: 1 })))).toEqual(all);
    expect(recorder.calls).toHaveLength(6);
    // With a VPC filter: the three initiator ends in v0, two per page.
    const inFirst = await collect(client.paginatePeerConns({ vpcId: vpcs[0]!, maxKeys: 2 }));
    expect(inFirst.map((p) => p.role)).toEqual(['initiator', 'initiator', 'initiator']);
    expect(new Set(inFirst.map((p) => p.peerConnId)).size).toBe(3);
  });
});

describe('PeerConnClient waiting for deleted when the connection is purged at once', () => {
  let purging: TestServer;
  beforeAll(async () => {
    purging = await startTestServer({ overrides: { peerConnStepMs: STEP_MS, peerConnRetentionMs: 0 } });
  });
  afterAll(() => purging.close());

  async function activeConnection() {
    const { vpc, peerConn } = await purging.newAccount('bj');
    const { vpcId: v1 } = await vpc.createVpc({ name: 'one', cidr: '10.1.0.0/16' });
    const { vpcId: v2 } = await vpc.createVpc({ name: 'two', cidr: '10.2.0.0/16' });
    const { peerConnId } = await peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: v1,
      peerVpcId: v2,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    await peerConn.waitUntilPeerConnStatus(peerConnId, 'active', FAST);
    return { peerConn, id: peerConnId };
  }

  it('resolves once the released connection is deleted or gone', async () => {
    const { peerConn, id } = await activeConnection();
    await peerConn.release(id);
    const progress = statusLog();
    const result = await peerConn.waitUntilPeerConnStatus(id, 'deleted', {
      ...FAST,
      onStatus: progress.onStatus,
    });
    // Reads show `deleted` until the reconciler purges the connection (at most one reconcile
    // interval later, even with no retention), so a poll may still catch it.
    if (result !== undefined) expect(result).toMatchObject({ peerConnId: id, status: 'deleted' });
    expectProgression(progress.seen, ['deleting', 'deleted']);
    expect(progress.seen.at(-1)).toBe('deleted');
    await purging.reconcile();
    const gone = await failureOf(peerConn.getPeerConn(id), BceServiceError);
    expect([gone.statusCode, gone.code]).toEqual([404, 'NoSuchObject']);
    await expect(peerConn.waitUntilPeerConnStatus(id, 'deleted', FAST)).resolves.toBeUndefined();
  });

  it('resolves undefined at once when the connection is already purged', async () => {
    const { peerConn, id } = await activeConnection();
    await peerConn.release(id);
    // Wait, without the waiter, until the connection is gone.
    for (let i = 0; i < 100; i++) {
      await purging.reconcile();
      const answer = await peerConn.getPeerConn(id).catch((error: unknown) => error);
      if (answer instanceof BceServiceError && answer.code === 'NoSuchObject') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const progress = statusLog();
    const targets: PeerConnStatus[] = ['deleted'];
    await expect(
      peerConn.waitUntilPeerConnStatus(id, targets, { ...FAST, onStatus: progress.onStatus }),
    ).resolves.toBeUndefined();
    expect(progress.seen).toEqual(['deleted']);
    // Waiting for anything else on a connection that does not exist is the NoSuchObject error.
    const missing = await failureOf(peerConn.waitUntilPeerConnStatus(id, 'active', FAST), BceServiceError);
    expect([missing.statusCode, missing.code]).toEqual([404, 'NoSuchObject']);
  });
});

describe('PeerlinkClient', () => {
  it('answers whoami for administrators and tenants, in the region of the endpoint', async () => {
    expect(await t.clients(admin).peerlink.whoami()).toEqual({
      accountId: t.admin.accountId,
      isAdmin: true,
      region: 'bj',
    });
    const tenant = await t.newAccount();
    expect(await t.clients(tenant.credentials, 'gz').peerlink.whoami()).toEqual({
      accountId: tenant.accountId,
      isAdmin: false,
      region: 'gz',
    });
  });

  it('creates, lists and gets accounts, and manages their access keys', async () => {
    const { peerlink } = t.clients(admin);
    const created = await peerlink.createAccount({ name: 'sdk-tenant' });
    expect(created.accountId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.accessKeyId).toEqual(expect.any(String));
    expect(created.secretAccessKey).toEqual(expect.any(String));
    const account = await peerlink.getAccount(created.accountId);
    expect(account).toEqual({
      accountId: created.accountId,
      name: 'sdk-tenant',
      isAdmin: false,
      createdAt: expect.any(String),
    });
    const unnamed = await peerlink.createAccount();
    expect((await peerlink.getAccount(unnamed.accountId)).name).toBe(
      `account-${unnamed.accountId.slice(0, 8)}`,
    );
    const second = await peerlink.createAccount({ name: 'sdk-admin', admin: true });
    expect((await peerlink.getAccount(second.accountId)).isAdmin).toBe(true);

    const listed = await peerlink.listAccounts();
    expect(listed.isTruncated).toBe(false);
    const ids = listed.accounts.map((a) => a.accountId);
    expect(ids).toEqual(expect.arrayContaining([t.admin.accountId, created.accountId, unnamed.accountId]));
    expect(listed.accounts.find((a) => a.accountId === created.accountId)).toEqual(account);
    const firstPage = await peerlink.listAccounts({ maxKeys: 1 });
    expect(firstPage.accounts).toEqual([listed.accounts[0]]);
    expect(firstPage.isTruncated).toBe(true);
    const secondPage = await peerlink.listAccounts({ maxKeys: 1, marker: firstPage.nextMarker! });
    expect(secondPage.accounts).toEqual([listed.accounts[1]]);

    const oldKey = { ak: created.accessKeyId, sk: created.secretAccessKey };
    expect((await peerlink.listAccessKeys(created.accountId)).keys).toEqual([
      { accessKeyId: created.accessKeyId, createdAt: expect.any(String) },
    ]);
    const added = await peerlink.createAccessKey(created.accountId);
    expect(added.accountId).toBe(created.accountId);
    expect(added.accessKeyId).not.toBe(created.accessKeyId);
    const newKey = { ak: added.accessKeyId, sk: added.secretAccessKey };
    expect((await t.clients(newKey).peerlink.whoami()).accountId).toBe(created.accountId);
    expect((await peerlink.listAccessKeys(created.accountId)).keys.map((k) => k.accessKeyId).sort()).toEqual(
      [created.accessKeyId, added.accessKeyId].sort(),
    );

    await expect(peerlink.deleteAccessKey(created.accountId, created.accessKeyId)).resolves.toEqual({});
    expect((await peerlink.listAccessKeys(created.accountId)).keys.map((k) => k.accessKeyId)).toEqual([
      added.accessKeyId,
    ]);
    const revoked = await failureOf(t.clients(oldKey).peerlink.whoami(), PeerlinkApiError);
    expect([revoked.statusCode, revoked.code]).toEqual([403, 'InvalidAccessKeyId']);
    const lastKey = await failureOf(
      peerlink.deleteAccessKey(created.accountId, added.accessKeyId),
      PeerlinkApiError,
    );
    expect([lastKey.statusCode, lastKey.code, lastKey.reason]).toEqual([
      409,
      'OperationDenied',
      'LastAccessKey',
    ]);
  });

  it('throws PeerlinkApiError with the problem detail for refusals', async () => {
    const missing = await failureOf(t.clients(admin).peerlink.getAccount('0'.repeat(32)), PeerlinkApiError);
    expect([missing.statusCode, missing.code]).toEqual([404, 'NoSuchObject']);
    expect(missing.message).toContain('0'.repeat(32));
    expect(missing.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const tenant = await t.newAccount();
    const denied = await failureOf(tenant.peerlink.listAccounts(), PeerlinkApiError);
    expect([denied.statusCode, denied.code]).toEqual([403, 'AccessDenied']);
    expect(denied).not.toBeInstanceOf(BceServiceError);
  });
});
