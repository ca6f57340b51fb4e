import type { CreateRouteRuleArgs } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startTestServer, type TestServer } from '../../../../testing/harness.js';
import { refusal } from '../../../../testing/refusal.js';

const STEP_MS = 1_000;

let t: TestServer;
const clock = new ManualClock();
beforeAll(async () => {
  // The loop's own ticks are pushed out of the way: transitions happen when a test reconciles.
  t = await startTestServer({
    clock,
    overrides: { peerConnStepMs: STEP_MS, reconcileIntervalMs: 3_600_000 },
  });
});
afterAll(() => t.close());

/** Moves business time past one asynchronous step and runs what fell due. */
async function finishStep(): Promise<void> {
  clock.advance(STEP_MS + 1);
  await t.reconcile();
}

type Account = Awaited<ReturnType<TestServer['newAccount']>>;

/** An account with one VPC (and its route table) of the given CIDR in bj. */
async function accountWithVpc(cidr: string, account?: Account) {
  const owner = account ?? (await t.newAccount());
  const { vpcId } = await owner.vpc.createVpc({ name: 'net', cidr });
  const { routeTableId } = await owner.route.getRouteTable({ vpcId });
  /** A rule from anywhere through a peerConn next hop; `change` overrides any field. */
  const rule = (change: Partial<CreateRouteRuleArgs> = {}): CreateRouteRuleArgs => ({
    routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: '172.16.1.0/24',
    nexthopId: 'qpif-000000000000',
    nexthopType: 'peerConn',
    ...change,
  });
  return { ...owner, vpcId, routeTableId, rule };
}

/**
 * A cross-account connection from A's 10.0.0.0/16 to B's 172.16.0.0/16, both in bj, left in its
 * `creating` step.
 */
async function crossAccountPair() {
  const a = await accountWithVpc('10.0.0.0/16');
  const b = await accountWithVpc('172.16.0.0/16');
  const { peerConnId } = await a.peerConn.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId: a.vpcId,
    peerVpcId: b.vpcId,
    peerRegion: 'bj',
    peerAccountId: b.accountId,
    billing: { paymentTiming: 'Postpaid' },
  });
  return { a, b, peerConnId };
}

/** The same pair, accepted by B and active; each side's own interface id. */
async function activePair() {
  const pair = await crossAccountPair();
  await finishStep();
  await pair.b.peerConn.accept(pair.peerConnId);
  await finishStep();
  const aEnd = await pair.a.peerConn.getPeerConn(pair.peerConnId);
  const bEnd = await pair.b.peerConn.getPeerConn(pair.peerConnId);
  expect([aEnd.status, bEnd.status]).toEqual(['active', 'active']);
  return { ...pair, aIf: aEnd.localIfId, bIf: bEnd.localIfId };
}

describe('route rules through a peer connection', () => {
  it('lets both ends route towards each other, each through its own interface', async () => {
    const { a, b, aIf, bIf } = await activePair();
    expect(aIf).toMatch(/^qpif-[0-9a-z]{12}$/);
    expect(bIf).toMatch(/^qpif-[0-9a-z]{12}$/);
    expect(aIf).not.toBe(bIf);

    const fromA = await a.route.createRouteRule(
      a.rule({ nexthopId: aIf, destinationAddress: '172.16.1.0/24' }),
    );
    const fromB = await b.route.createRouteRule(
      b.rule({ nexthopId: bIf, destinationAddress: '10.0.0.0/16' }),
    );
    expect(fromA.routeRuleId).toMatch(/^rr-/);
    expect((await a.route.getRouteTable({ vpcId: a.vpcId })).routeRules).toEqual([
      expect.objectContaining({
        routeRuleId: fromA.routeRuleId,
        destinationAddress: '172.16.1.0/24',
        nexthopId: aIf,
        nexthopType: 'peerConn',
      }),
    ]);
    expect((await b.route.getRouteTable({ vpcId: b.vpcId })).routeRules).toEqual([
      expect.objectContaining({
        routeRuleId: fromB.routeRuleId,
        destinationAddress: '10.0.0.0/16',
        nexthopId: bIf,
        nexthopType: 'peerConn',
      }),
    ]);
  });

  it('routes both ways on a same-account connection, each VPC through its own end', async () => {
    const owner = await t.newAccount();
    const left = await accountWithVpc('10.0.0.0/16', owner);
    const right = await accountWithVpc('172.16.0.0/16', owner);
    const { peerConnId } = await owner.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: left.vpcId,
      peerVpcId: right.vpcId,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    await finishStep();
    const initiator = await owner.peerConn.getPeerConn(peerConnId, 'initiator');
    const acceptor = await owner.peerConn.getPeerConn(peerConnId, 'acceptor');
    expect([initiator.status, initiator.localVpcId, acceptor.localVpcId]).toEqual([
      'active',
      left.vpcId,
      right.vpcId,
    ]);
    await owner.route.createRouteRule(left.rule({ nexthopId: initiator.localIfId }));
    await owner.route.createRouteRule(
      right.rule({ nexthopId: acceptor.localIfId, destinationAddress: '10.0.8.0/24' }),
    );
    // Each interface belongs to one VPC: the other VPC's table cannot use it.
    const crossed = await refusal(
      owner.route.createRouteRule(
        left.rule({ nexthopId: acceptor.localIfId, destinationAddress: '172.16.2.0/24' }),
      ),
    );
    expect([crossed.statusCode, crossed.code, crossed.reason]).toEqual([
      400,
      'BadRequest',
      'PeerConnInterfaceNotFound',
    ]);
  });

  it('refuses an unknown interface and the other end’s interface with PeerConnInterfaceNotFound', async () => {
    const { a, b, aIf, bIf } = await activePair();
    for (const [account, nexthopId] of [
      [a, 'qpif-000000000000'],
      [a, bIf],
      [b, aIf],
    ] as const) {
      const destinationAddress = account === a ? '172.16.1.0/24' : '10.0.1.0/24';
      const error = await refusal(
        account.route.createRouteRule(account.rule({ nexthopId, destinationAddress })),
      );
      expect([error.statusCode, error.code, error.reason]).toEqual([
        400,
        'BadRequest',
        'PeerConnInterfaceNotFound',
      ]);
      expect(error.message).toContain(nexthopId);
    }
    expect((await a.route.getRouteTable({ vpcId: a.vpcId })).routeRules).toEqual([]);
    expect((await b.route.getRouteTable({ vpcId: b.vpcId })).routeRules).toEqual([]);
  });

  it('refuses a connection that is not active yet with 409 PeerConnNotActive', async () => {
    const { a, b, peerConnId } = await crossAccountPair();
    const aIf = (await a.peerConn.getPeerConn(peerConnId)).localIfId;
    const attempt = async (expected: string) => {
      expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe(expected);
      const error = await refusal(a.route.createRouteRule(a.rule({ nexthopId: aIf })));
      expect([error.statusCode, error.code, error.reason]).toEqual([
        409,
        'OperationDenied',
        'PeerConnNotActive',
      ]);
      expect(error.message).toContain(expected);
    };
    await attempt('creating');
    await finishStep();
    await attempt('consulting');
    const bIf = (await b.peerConn.getPeerConn(peerConnId)).localIfId;
    const fromB = await refusal(
      b.route.createRouteRule(b.rule({ nexthopId: bIf, destinationAddress: '10.0.0.0/16' })),
    );
    expect([fromB.statusCode, fromB.reason]).toEqual([409, 'PeerConnNotActive']);
    await b.peerConn.accept(peerConnId);
    await attempt('starting');
    await finishStep();
    await expect(a.route.createRouteRule(a.rule({ nexthopId: aIf }))).resolves.toHaveProperty('routeRuleId');
  });

  it('accepts a route as soon as the connection reads active, before the reconciler has run', async () => {
    const { a, b, peerConnId } = await crossAccountPair();
    await finishStep();
    await b.peerConn.accept(peerConnId);
    // The starting step is over, but nothing has written that down yet.
    clock.advance(STEP_MS + 1);
    const end = await a.peerConn.getPeerConn(peerConnId);
    expect(end.status).toBe('active');
    await expect(a.route.createRouteRule(a.rule({ nexthopId: end.localIfId }))).resolves.toHaveProperty(
      'routeRuleId',
    );
    await t.reconcile();
  });

  it('refuses a connection that reads expired, before the reconciler has run', async () => {
    const a = await accountWithVpc('10.0.0.0/16');
    const b = await t.newAccount();
    const gz = t.clients(b.credentials, 'gz');
    const { vpcId: peerVpcId } = await gz.vpc.createVpc({ name: 'far', cidr: '172.16.0.0/16' });
    const { peerConnId } = await a.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: a.vpcId,
      peerVpcId,
      peerRegion: 'gz',
      peerAccountId: b.accountId,
      billing: {
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
      },
    });
    await finishStep();
    await gz.peerConn.accept(peerConnId);
    await finishStep();
    const end = await a.peerConn.getPeerConn(peerConnId);
    expect([end.status, end.paymentTiming]).toEqual(['active', 'Prepaid']);
    clock.advance(62 * 24 * 3600 * 1000);
    expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe('expired');
    const error = await refusal(a.route.createRouteRule(a.rule({ nexthopId: end.localIfId })));
    expect([error.statusCode, error.reason]).toEqual([409, 'PeerConnNotActive']);
    expect(error.message).toContain('expired');
    await t.reconcile();
  });

  it('refuses a destination outside the peer VPC with DestinationOutsidePeerVpc', async () => {
    const { a, aIf } = await activePair();
    for (const destinationAddress of ['192.168.0.0/24', '172.16.0.0/12', '0.0.0.0/0', '172.17.0.0/16']) {
      const error = await refusal(a.route.createRouteRule(a.rule({ nexthopId: aIf, destinationAddress })));
      expect([error.statusCode, error.code, error.reason]).toEqual([
        400,
        'BadRequest',
        'DestinationOutsidePeerVpc',
      ]);
      expect(error.message).toContain('172.16.0.0/16');
    }
    // The whole peer block is inside it.
    await expect(
      a.route.createRouteRule(a.rule({ nexthopId: aIf, destinationAddress: '172.16.0.0/16' })),
    ).resolves.toHaveProperty('routeRuleId');
  });

  it('removes the routes of both ends as soon as the connection is released', async () => {
    const { a, b, peerConnId, aIf, bIf } = await activePair();
    await a.route.createRouteRule(a.rule({ nexthopId: aIf, destinationAddress: '172.16.1.0/24' }));
    await a.route.createRouteRule(a.rule({ nexthopId: aIf, destinationAddress: '172.16.2.0/24' }));
    await b.route.createRouteRule(b.rule({ nexthopId: bIf, destinationAddress: '10.0.0.0/16' }));
    // A rule with another next hop stays.
    const kept = await a.route.createRouteRule(
      a.rule({ nexthopType: 'custom', nexthopId: 'i-gateway', destinationAddress: '192.168.0.0/16' }),
    );
    expect((await a.route.getRouteTable({ vpcId: a.vpcId })).routeRules).toHaveLength(3);

    await a.peerConn.release(peerConnId);
    expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe('deleting');
    expect((await a.route.getRouteTable({ vpcId: a.vpcId })).routeRules.map((r) => r.routeRuleId)).toEqual([
      kept.routeRuleId,
    ]);
    expect((await b.route.getRouteTable({ vpcId: b.vpcId })).routeRules).toEqual([]);
    expect((await b.route.listRouteRules({ vpcId: b.vpcId })).routeRules).toEqual([]);
    // And no new one can be made through it.
    const late = await refusal(a.route.createRouteRule(a.rule({ nexthopId: aIf })));
    expect([late.statusCode, late.reason]).toEqual([409, 'PeerConnNotActive']);
  });
});

describe('deleting a VPC that has a peer connection', () => {
  it('is refused with ResourceNeedRelease on both sides until the connection is deleted', async () => {
    const { a, b, peerConnId } = await activePair();
    for (const side of [a, b]) {
      const error = await refusal(side.vpc.deleteVpc(side.vpcId));
      expect([error.statusCode, error.code, error.reason]).toEqual([409, 'ResourceNeedRelease', 'VpcInUse']);
      expect(error.message).toContain('1 peer connection(s)');
    }
    await a.peerConn.release(peerConnId);
    await finishStep();
    expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe('deleted');
    await a.vpc.deleteVpc(a.vpcId);
    await b.vpc.deleteVpc(b.vpcId);
    expect((await a.vpc.listVpcs()).vpcs).toEqual([]);
    expect((await b.vpc.listVpcs()).vpcs).toEqual([]);
  });

  it('counts a pending request too', async () => {
    const { a, b } = await crossAccountPair();
    await finishStep();
    expect((await a.peerConn.listPeerConn()).peerConns[0]?.status).toBe('consulting');
    for (const side of [a, b]) {
      const error = await refusal(side.vpc.deleteVpc(side.vpcId));
      expect([error.statusCode, error.code]).toEqual([409, 'ResourceNeedRelease']);
      expect(error.message).toContain('peer connection(s)');
    }
  });
});
