import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../domain/peerconn/model.js';
import type { Db } from '../store/database.js';
import { RecordingDriver } from '../testing/dataplane.js';
import { eventually } from '../testing/enrollments.js';
import { ManualClock, startTestServer, type TestServer } from '../testing/harness.js';
import { DataplaneService } from './service.js';

type Account = Awaited<ReturnType<TestServer['newAccount']>>;
const MONTH = 31 * 24 * 60 * 60 * 1000;

let t: TestServer;
const driver = new RecordingDriver();
const clock = new ManualClock();
let alice: Account;
let bob: Account;
beforeAll(async () => {
  // Passes come only from changes and retries here: the repair loop waits an hour.
  t = await startTestServer({
    clock,
    dataplaneDriver: driver,
    overrides: { peerConnStepMs: 1000, dataplaneRepairIntervalMs: 3_600_000 },
  });
  alice = await t.newAccount();
  bob = await t.newAccount();
});
afterAll(() => t.close());
afterEach(() => {
  driver.failing.clear();
  driver.throwing = undefined;
});

/** The desired state of the next pass that satisfies `done` (each write pokes a pass). */
async function applied(
  done: (state: NonNullable<RecordingDriver['last']>) => boolean,
): Promise<NonNullable<RecordingDriver['last']>> {
  const last = await eventually(
    async () => driver.last,
    (state) => state !== undefined && done(state),
    5_000,
    10,
  );
  return last!;
}

async function vpc(owner: Account, cidr: string, subnetCidr: string) {
  const { vpcId } = await owner.vpc.createVpc({ name: 'v', cidr });
  const { subnetId } = await owner.subnet.createSubnet({
    name: 's',
    zoneName: 'cn-bj-a',
    cidr: subnetCidr,
    vpcId,
  });
  return { vpcId, subnetId };
}

const hasLink = (id: string) => (state: NonNullable<RecordingDriver['last']>) =>
  state.links.some((link) => link.peerConnId === id);

describe('the dataplane service', () => {
  it('converges after each change: VPC, subnet, endpoint, create, accept, route, DNS, release', async () => {
    const a = await vpc(alice, '10.11.0.0/16', '10.11.0.0/24');
    await applied((s) => s.vpcs.some((v) => v.vpcId === a.vpcId && v.subnets.length === 1));
    const web = await alice.dataplane.createEndpoint({ subnetId: a.subnetId, name: 'web' });
    await applied((s) =>
      s.endpoints.some((e) => e.endpointId === web.endpointId && e.address === '10.11.0.2/24'),
    );

    const b = await vpc(bob, '10.12.0.0/16', '10.12.0.0/24');
    const db = await bob.dataplane.createEndpoint({ subnetId: b.subnetId, name: 'db' });
    const { peerConnId } = await alice.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: a.vpcId,
      peerVpcId: b.vpcId,
      peerRegion: 'bj',
      peerAccountId: bob.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    clock.advance(1000);
    await t.reconcile();
    expect((await bob.peerConn.getPeerConn(peerConnId)).status).toBe('consulting');
    expect(hasLink(peerConnId)(driver.last!)).toBe(false);

    await bob.peerConn.accept(peerConnId);
    clock.advance(1000);
    // The reconciler's step to `active` asks for a pass by itself.
    await t.reconcile();
    const linked = await applied(hasLink(peerConnId));
    expect(linked.links.find((l) => l.peerConnId === peerConnId)).toEqual({
      peerConnId,
      vpcIds: [a.vpcId, b.vpcId],
      bandwidthMbps: 10,
    });

    const { localIfId } = await alice.peerConn.getPeerConn(peerConnId);
    const { routeTableId } = await alice.route.getRouteTable({ vpcId: a.vpcId });
    await alice.route.createRouteRule({
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '10.12.0.0/16',
      nexthopType: 'peerConn',
      nexthopId: localIfId,
      description: '',
    });
    await applied((s) =>
      s.vpcs.some((v) => v.vpcId === a.vpcId && v.routes.some((r) => r.destination === '10.12.0.0/16')),
    );

    await alice.peerConn.openSyncDns(peerConnId, 'initiator');
    clock.advance(1000);
    await t.reconcile();
    await applied((s) => s.vpcs.find((v) => v.vpcId === a.vpcId)?.dns[`db.${b.vpcId}.internal`] === db.ip);

    const status = await alice.dataplane.status();
    expect(status.driver).toBe('none');
    expect(status.connections).toEqual([
      expect.objectContaining({ kind: 'link', id: peerConnId, state: 'programmed' }),
    ]);
    expect(status.endpoints.map((e) => e.id)).toEqual([web.endpointId]);
    expect(status.vpcs.map((v) => v.id)).toEqual([a.vpcId]);

    await alice.peerConn.release(peerConnId);
    const released = await applied((s) => !hasLink(peerConnId)(s));
    expect(released.vpcs.find((v) => v.vpcId === a.vpcId)?.routes).toEqual([]);
    expect(released.vpcs.find((v) => v.vpcId === a.vpcId)?.dns).toEqual({
      [`web.${a.vpcId}.internal`]: web.ip,
    });
    expect((await alice.dataplane.status()).connections).toEqual([]);
  });

  it('drops the link of an expired connection within one reconciler step', async () => {
    const a = await vpc(alice, '10.21.0.0/16', '10.21.0.0/24');
    const g = await t.newAccount('gz');
    const { vpcId: far } = await g.vpc.createVpc({ name: 'far', cidr: '10.22.0.0/16' });
    const { peerConnId } = await alice.peerConn.createPeerConn({
      bandwidthInMbps: 5,
      localVpcId: a.vpcId,
      peerVpcId: far,
      peerRegion: 'gz',
      peerAccountId: g.accountId,
      billing: {
        paymentTiming: 'Prepaid',
        reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
      },
    });
    clock.advance(1000);
    await t.reconcile();
    await g.peerConn.accept(peerConnId);
    clock.advance(1000);
    await t.reconcile();
    await applied(hasLink(peerConnId));

    const passes = driver.applied.length;
    clock.advance(MONTH);
    await t.reconcile();
    const after = await applied((s) => !hasLink(peerConnId)(s));
    expect(driver.applied.length).toBeGreaterThan(passes);
    expect(after.links.map((l) => l.peerConnId)).not.toContain(peerConnId);
    expect((await alice.peerConn.getPeerConn(peerConnId)).status).toBe('expired');
  });

  it('reports items in error with the reason and retries them with a doubling pause', async () => {
    const a = await vpc(alice, '10.31.0.0/16', '10.31.0.0/24');
    const ep = await alice.dataplane.createEndpoint({ subnetId: a.subnetId, name: 'flaky' });
    driver.fail('endpoint', ep.endpointId, 'RTNETLINK answers: File exists');
    await t.server.dataplane.converge();
    const first = t.server.dataplane.backoff();
    expect(first.failures[`endpoint:${ep.endpointId}`]).toBeGreaterThanOrEqual(1);
    const status = await alice.dataplane.status();
    expect(status.endpoints.find((e) => e.id === ep.endpointId)).toMatchObject({
      state: 'error',
      reason: 'RTNETLINK answers: File exists',
      attempts: first.failures[`endpoint:${ep.endpointId}`],
      nextAttemptAt: expect.any(String),
    });
    expect(status.vpcs.find((v) => v.id === a.vpcId)?.state).toBe('programmed');

    // Each failed pass doubles the pause (250 ms, 500 ms, 1 s …) before the next retry.
    const n = first.failures[`endpoint:${ep.endpointId}`]!;
    await t.server.dataplane.converge();
    const second = t.server.dataplane.backoff();
    expect(second.failures[`endpoint:${ep.endpointId}`]).toBe(n + 1);
    const pause = second.retryAt! - Date.now();
    expect(pause).toBeLessThanOrEqual(250 * 2 ** n);
    expect(pause).toBeGreaterThan(250 * 2 ** n - 200);

    // Retries come by themselves, and stop once the item is programmed.
    const passes = driver.applied.length;
    await eventually(
      async () => driver.applied.length,
      (count) => count > passes,
      10_000,
      20,
    );
    driver.failing.clear();
    await eventually(
      () => alice.dataplane.status(),
      (s) => s.endpoints.find((e) => e.id === ep.endpointId)?.state === 'programmed',
      15_000,
      50,
    );
    expect(t.server.dataplane.backoff()).toEqual({ retryAt: undefined, failures: {} });
  });

  it('never fails an API call when the driver throws, and counts the failure', async () => {
    driver.throwing = new Error('driver exploded');
    const a = await vpc(alice, '10.41.0.0/16', '10.41.0.0/24');
    const ep = await alice.dataplane.createEndpoint({ subnetId: a.subnetId, name: 'fine' });
    expect(ep.ip).toBe('10.41.0.2');
    await t.server.dataplane.converge();
    const status = await alice.dataplane.status();
    expect(status.endpoints.find((e) => e.id === ep.endpointId)).toMatchObject({
      state: 'error',
      reason: 'driver exploded',
    });
    const metrics = await (await fetch(`${t.endpoint()}/metrics`)).text();
    expect(metrics).toMatch(/peerlink_dataplane_errors_total\{kind="pass"\} [1-9]/);
    expect(metrics).toMatch(/peerlink_dataplane_pass_seconds_count [1-9]/);
    expect(metrics).toMatch(/peerlink_dataplane_programming_latency_seconds_count [1-9]/);
    driver.throwing = undefined;
    await t.server.dataplane.converge();
    expect((await alice.dataplane.status()).endpoints.find((e) => e.id === ep.endpointId)?.state).toBe(
      'programmed',
    );
  });

  it('shows an account only its own items, an administrator all', async () => {
    const a = await vpc(alice, '10.51.0.0/16', '10.51.0.0/24');
    const b = await vpc(bob, '10.52.0.0/16', '10.52.0.0/24');
    await t.server.dataplane.converge();
    const mine = await alice.dataplane.status();
    expect(mine.vpcs.map((v) => v.id)).toContain(a.vpcId);
    expect(mine.vpcs.map((v) => v.id)).not.toContain(b.vpcId);
    const admin = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey }).dataplane;
    const all = await admin.status();
    expect(all.vpcs.map((v) => v.id)).toEqual(expect.arrayContaining([a.vpcId, b.vpcId]));
    expect(all.vpcs.find((v) => v.id === b.vpcId)).toMatchObject({
      state: 'programmed',
      netns: `tst-${b.vpcId}`,
    });
  });
});

describe('repair passes', () => {
  it('runs change-driven passes at once without repair, and repair passes at start and on the repair interval', async () => {
    const recording = new RecordingDriver();
    const t2 = await startTestServer({
      dataplaneDriver: recording,
      overrides: { dataplaneRepairIntervalMs: 200 },
    });
    try {
      await eventually(
        async () => recording.repairs.length,
        (n) => n >= 1,
      );
      expect(recording.repairs[0]).toBe(true); // start-up reads everything back
      const mark = recording.repairs.length;
      t2.server.dataplane.poke();
      await eventually(
        async () => recording.repairs.length,
        (n) => n > mark,
      );
      // the first pass after the poke: a change-driven one, unless the repair timer fired meanwhile
      expect(recording.repairs.slice(mark)).toContain(false);
      // with nothing changed, the repair timer keeps running repair passes
      await eventually(
        async () => recording.repairs.slice(mark).filter((r) => r).length,
        (n) => n >= 2,
      );
    } finally {
      await t2.close();
    }
  });
});

describe('start-up', () => {
  it('refuses to start, in one sentence, when the driver cannot work here', async () => {
    const broken = new RecordingDriver();
    broken.check = async () => {
      throw new Error('creating network namespaces needs CAP_NET_ADMIN (run as root)');
    };
    const started = startTestServer({ dataplaneDriver: broken });
    await expect(started).rejects.toThrow(
      'the none dataplane cannot start: creating network namespaces needs CAP_NET_ADMIN (run as root)',
    );
    await expect(started).rejects.toMatchObject({ name: 'DataplaneUnavailableError' });
  });

  it("names the dataplane once when the driver's sentence already does", async () => {
    const broken = new RecordingDriver();
    broken.check = async () => {
      throw new Error('the none dataplane needs CAP_NET_ADMIN (run peerlink serve as root)');
    };
    await expect(startTestServer({ dataplaneDriver: broken })).rejects.toThrow(
      /^the none dataplane cannot start: it needs CAP_NET_ADMIN \(run peerlink serve as root\)$/,
    );
  });
});

describe('a database that is away', () => {
  it('fails no caller, and backs off doubling up to the cap between passes', async () => {
    const away = {
      transaction: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    } as unknown as Db;
    const service = new DataplaneService(
      away,
      new ManualClock(),
      DEFAULT_TIMINGS,
      new RecordingDriver(),
      pino({ level: 'silent' }),
      { repairIntervalMs: 3_600_000, retryBaseMs: 100, retryMaxMs: 300 },
    );
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await service.converge();
      pauses.push(service.backoff().retryAt! - Date.now());
    }
    // 100, 200, then capped at 300 (each measured a moment after it was set).
    expect(pauses.map((p) => Math.round(p / 100) * 100)).toEqual([100, 200, 300, 300]);
    await service.stop();
  });
});
