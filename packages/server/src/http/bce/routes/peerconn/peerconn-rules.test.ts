import type { Billing, CreatePeerConnArgs, PeerConnClient, PeerConnRole } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../../../domain/peerconn/billing.js';
import type { Region } from '../../../../domain/regions.js';
import { ManualClock, startTestServer, type TestServer } from '../../../../testing/harness.js';
import { refusal } from '../../../../testing/refusal.js';

/**
 * The business rules of the peer connection API (reference §3) over real HTTP through the SDK:
 * each refusal with its status, code and reason, and the timed transitions (7-day consultation,
 * prepaid expiry). The lifecycle of each kind of pair is in peerconn.test.ts.
 */

const STEP_MS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
const clock = new ManualClock();
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    clock,
    overrides: {
      // hkg as well, for a cross-border connection.
      regionPorts: { gz: 0, hkg: 0 },
      quotas: { peerConnsPerVpc: 2, peerConnsPerAccount: 3 },
      peerConnStepMs: STEP_MS,
      peerConnRetentionMs: 60_000,
      // The loop's own ticks are pushed out of the way: transitions happen when a test reconciles.
      reconcileIntervalMs: 3_600_000,
    },
  });
});
afterAll(() => t.close());

async function expectRefusal(
  attempt: () => Promise<unknown>,
  statusCode: number,
  code: string,
  reason?: string,
): Promise<void> {
  const error = await refusal(attempt);
  expect([error.statusCode, error.code, error.reason]).toEqual([statusCode, code, reason ?? error.reason]);
}

const denied = (attempt: () => Promise<unknown>, reason: string) =>
  expectRefusal(attempt, 409, 'OperationDenied', reason);

async function step(ms = STEP_MS): Promise<void> {
  clock.advance(ms);
  await t.reconcile();
}

type Account = Awaited<ReturnType<TestServer['newAccount']>>;

const POSTPAID: Billing = { paymentTiming: 'Postpaid' };
const prepaid = (months = 1): Billing => ({
  paymentTiming: 'Prepaid',
  reservation: { reservationLength: months, reservationTimeUnit: 'Month' },
});

/** A VPC of `owner` in `region`. */
async function vpcOf(owner: Account, region: Region, cidr: string, name = 'net'): Promise<string> {
  return (await t.clients(owner.credentials, region).vpc.createVpc({ name, cidr })).vpcId;
}

/** Creates a connection from `localVpcId` (in the client's region); answers its id. */
async function connect(
  client: PeerConnClient,
  args: Pick<CreatePeerConnArgs, 'localVpcId' | 'peerVpcId' | 'peerRegion'> & Partial<CreatePeerConnArgs>,
): Promise<string> {
  return (await client.createPeerConn({ bandwidthInMbps: 10, billing: POSTPAID, ...args })).peerConnId;
}

/** Account A with a VPC in bj, account B with a VPC in gz, and a connection A → B (not yet settled). */
async function crossAccount(billing: Billing = POSTPAID) {
  const a = await t.newAccount('bj');
  const b = await t.newAccount('gz');
  const aVpc = await vpcOf(a, 'bj', '10.1.0.0/16');
  const bVpc = await vpcOf(b, 'gz', '10.2.0.0/16');
  const id = await connect(a.peerConn, {
    localVpcId: aVpc,
    peerVpcId: bVpc,
    peerRegion: 'gz',
    peerAccountId: b.accountId,
    billing,
  });
  return { a, b, aVpc, bVpc, id };
}

/** One account with a VPC in bj and one in `peerRegion`, and an active connection between them. */
async function sameAccount(peerRegion: Region = 'gz', billing: Billing = POSTPAID) {
  const owner = await t.newAccount('bj');
  const localVpc = await vpcOf(owner, 'bj', '10.1.0.0/16');
  const peerVpc = await vpcOf(owner, peerRegion, '10.2.0.0/16', 'peer');
  const id = await connect(owner.peerConn, { localVpcId: localVpc, peerVpcId: peerVpc, peerRegion, billing });
  await step();
  const activeAt = clock.now();
  const peer = t.clients(owner.credentials, peerRegion).peerConn;
  return { owner, localVpc, peerVpc, id, activeAt, peer };
}

const statusOf = async (client: PeerConnClient, id: string, role?: PeerConnRole) =>
  (await client.getPeerConn(id, role)).status;

describe('create: refusals', () => {
  it('refuses Prepaid within one region (R1) with 409 SameRegionPrepaid', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'bj', '10.2.0.0/16');
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'bj', billing: prepaid() }),
      'SameRegionPrepaid',
    );
    expect((await owner.peerConn.listPeerConn()).peerConns).toEqual([]);
  });

  it('refuses missing or bad billing, bandwidth, region and names with 400', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'gz', '10.2.0.0/16');
    const base = { localVpcId: x, peerVpcId: y, peerRegion: 'gz' };
    for (const [change, reason] of [
      [{ billing: undefined }, 'BillingRequired'],
      [{ billing: null }, 'BillingRequired'],
      [{ billing: { paymentTiming: 'Monthly' } }, 'InvalidPaymentTiming'],
      [{ billing: { paymentTiming: 'Prepaid' } }, 'ReservationRequired'],
      [{ billing: prepaid(10) }, 'InvalidReservationLength'],
      [{ billing: prepaid(0) }, 'InvalidReservationLength'],
      [
        {
          billing: {
            paymentTiming: 'Prepaid',
            reservation: { reservationLength: 1, reservationTimeUnit: 'Year' },
          },
        },
        'InvalidReservationUnit',
      ],
      [{ bandwidthInMbps: 0 }, 'InvalidBandwidth'],
      [{ bandwidthInMbps: -5 }, 'InvalidBandwidth'],
      [{ bandwidthInMbps: 10_001 }, 'InvalidBandwidth'],
      [{ peerRegion: 'mars' }, 'InvalidRegion'],
      [{ localIfName: '1-starts-with-a-digit' }, 'InvalidName'],
    ] as const) {
      await expectRefusal(
        () =>
          owner.peerConn.createPeerConn({
            bandwidthInMbps: 10,
            billing: POSTPAID,
            ...base,
            ...(change as object),
          }),
        400,
        'BadRequest',
        reason,
      );
    }
    // Every reservation length of the documented set is taken, in either spelling of the unit.
    const ok = await connect(owner.peerConn, {
      ...base,
      billing: {
        paymentTiming: 'prepaid',
        reservation: { reservationLength: 36, reservationTimeUnit: 'month' },
      } as never,
    });
    expect((await owner.peerConn.getPeerConn(ok)).paymentTiming).toBe('Prepaid');
  });

  it('answers 404 NoSuchObject for an unknown local VPC, peer VPC or peer account', async () => {
    const a = await t.newAccount('bj');
    const b = await t.newAccount('gz');
    const aVpc = await vpcOf(a, 'bj', '10.1.0.0/16');
    const aGzVpc = await vpcOf(a, 'gz', '10.3.0.0/16');
    const bVpc = await vpcOf(b, 'gz', '10.2.0.0/16');
    for (const [args, reason] of [
      [{ localVpcId: 'vpc-000000000000', peerVpcId: aGzVpc, peerRegion: 'gz' }, 'VpcNotFound'],
      // The local VPC is looked up in the region called.
      [{ localVpcId: aGzVpc, peerVpcId: aVpc, peerRegion: 'bj' }, 'VpcNotFound'],
      [{ localVpcId: aVpc, peerVpcId: 'vpc-000000000000', peerRegion: 'gz' }, 'PeerVpcNotFound'],
      // The peer VPC is looked up in peerRegion, and under peerAccountId (the caller when absent).
      [{ localVpcId: aVpc, peerVpcId: aGzVpc, peerRegion: 'su' }, 'PeerVpcNotFound'],
      [{ localVpcId: aVpc, peerVpcId: bVpc, peerRegion: 'gz' }, 'PeerVpcNotFound'],
      [
        { localVpcId: aVpc, peerVpcId: aGzVpc, peerRegion: 'gz', peerAccountId: b.accountId },
        'PeerVpcNotFound',
      ],
      [
        { localVpcId: aVpc, peerVpcId: bVpc, peerRegion: 'gz', peerAccountId: '0'.repeat(32) },
        'AccountNotFound',
      ],
    ] as const) {
      await expectRefusal(() => connect(a.peerConn, args), 404, 'NoSuchObject', reason);
    }
  });

  it('refuses to peer a VPC with itself (R5)', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    await denied(() => connect(owner.peerConn, { localVpcId: x, peerVpcId: x, peerRegion: 'bj' }), 'SameVpc');
  });

  it('allows one connection per VPC pair in either direction (R4), again once the first is deleted', async () => {
    const owner = await t.newAccount('bj');
    const gz = t.clients(owner.credentials, 'gz').peerConn;
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'gz', '10.2.0.0/16');
    const first = await connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'gz' });
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'gz' }),
      'PeerConnPairExists',
    );
    await denied(() => connect(gz, { localVpcId: y, peerVpcId: x, peerRegion: 'bj' }), 'PeerConnPairExists');
    await step();
    await owner.peerConn.release(first);
    await step();
    expect(await statusOf(owner.peerConn, first)).toBe('deleted');
    const second = await connect(gz, { localVpcId: y, peerVpcId: x, peerRegion: 'bj' });
    expect(second).not.toBe(first);
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'gz' }),
      'PeerConnPairExists',
    );
  });

  it('frees the pair when the request is rejected', async () => {
    const { a, b, aVpc, bVpc, id } = await crossAccount();
    const reverse = { localVpcId: bVpc, peerVpcId: aVpc, peerRegion: 'bj', peerAccountId: a.accountId };
    await denied(() => connect(b.peerConn, reverse), 'PeerConnPairExists');
    await step();
    await b.peerConn.reject(id);
    expect(await statusOf(a.peerConn, id)).toBe('consult_failed');
    const again = await connect(b.peerConn, reverse);
    expect(await statusOf(b.peerConn, again)).toBe('creating');
    expect((await b.peerConn.getPeerConn(again)).role).toBe('initiator');
  });

  it('refuses two relay VPCs (R6), not one', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'bj', '10.2.0.0/16');
    await owner.vpc.openRelay(x);
    await owner.vpc.openRelay(y);
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'bj' }),
      'BothRelayVpcs',
    );
    await owner.vpc.shutdownRelay(y);
    await expect(connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'bj' })).resolves.toMatch(
      /^peerconn-/,
    );
  });

  it('refuses peerIfName on a cross-account connection (R7)', async () => {
    const a = await t.newAccount('bj');
    const b = await t.newAccount('gz');
    const aVpc = await vpcOf(a, 'bj', '10.1.0.0/16');
    const bVpc = await vpcOf(b, 'gz', '10.2.0.0/16');
    const args = { localVpcId: aVpc, peerVpcId: bVpc, peerRegion: 'gz', peerAccountId: b.accountId };
    await denied(() => connect(a.peerConn, { ...args, peerIfName: 'theirs' }), 'PeerIfNameCrossAccount');
    await expect(connect(a.peerConn, { ...args, localIfName: 'mine' })).resolves.toMatch(/^peerconn-/);
  });

  it('refuses VPCs whose address blocks overlap, secondary blocks included', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.0.0.0/16');
    const inside = await vpcOf(owner, 'gz', '10.0.128.0/17');
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: inside, peerRegion: 'gz' }),
      'CidrOverlap',
    );
    const y = await vpcOf(owner, 'gz', '172.16.0.0/16');
    await t.clients(owner.credentials, 'gz').vpc.updateVpc(y, { secondaryCidr: ['10.0.64.0/18'] });
    await denied(
      () => connect(owner.peerConn, { localVpcId: x, peerVpcId: y, peerRegion: 'gz' }),
      'CidrOverlap',
    );
  });

  it('enforces the per-VPC quota on both sides with 413 PeerConnPerVpcQuotaExceeded', async () => {
    const owner = await t.newAccount('bj');
    const other = await t.newAccount('bj');
    const hub = await vpcOf(owner, 'bj', '10.0.0.0/16', 'hub');
    const spokes: string[] = [];
    for (let i = 1; i <= 3; i++) spokes.push(await vpcOf(owner, 'bj', `10.${i}.0.0/16`, `s${i}`));
    const first = await connect(owner.peerConn, { localVpcId: hub, peerVpcId: spokes[0]!, peerRegion: 'bj' });
    await connect(owner.peerConn, { localVpcId: hub, peerVpcId: spokes[1]!, peerRegion: 'bj' });
    for (const args of [
      { localVpcId: hub, peerVpcId: spokes[2]!, peerRegion: 'bj' },
      { localVpcId: spokes[2]!, peerVpcId: hub, peerRegion: 'bj' },
    ]) {
      await expectRefusal(
        () => connect(owner.peerConn, args),
        413,
        'LimitExceeded',
        'PeerConnPerVpcQuotaExceeded',
      );
    }
    // Another account's VPC towards the full hub is refused too.
    const outside = await vpcOf(other, 'bj', '192.168.0.0/16');
    await expectRefusal(
      () =>
        connect(other.peerConn, {
          localVpcId: outside,
          peerVpcId: hub,
          peerRegion: 'bj',
          peerAccountId: owner.accountId,
        }),
      413,
      'LimitExceeded',
      'PeerConnPerVpcQuotaExceeded',
    );
    await step();
    await owner.peerConn.release(first);
    await expect(
      connect(owner.peerConn, { localVpcId: hub, peerVpcId: spokes[2]!, peerRegion: 'bj' }),
    ).resolves.toMatch(/^peerconn-/);
  });

  it('enforces the per-account quota on connections started, with 413 PeerConnPerAccountQuotaExceeded', async () => {
    const owner = await t.newAccount('bj');
    const vpcs: string[] = [];
    for (let i = 0; i < 5; i++) vpcs.push(await vpcOf(owner, 'bj', `10.${i}.0.0/16`, `v${i}`));
    const [v0, v1, v2, v3, v4] = vpcs as [string, string, string, string, string];
    for (const [x, y] of [
      [v0, v1],
      [v0, v2],
      [v1, v2],
    ]) {
      await connect(owner.peerConn, { localVpcId: x!, peerVpcId: y!, peerRegion: 'bj' });
    }
    await expectRefusal(
      () => connect(owner.peerConn, { localVpcId: v3, peerVpcId: v4, peerRegion: 'bj' }),
      413,
      'LimitExceeded',
      'PeerConnPerAccountQuotaExceeded',
    );
    // Counted across regions.
    const gzVpc = await vpcOf(owner, 'gz', '10.9.0.0/16');
    await expectRefusal(
      () =>
        connect(t.clients(owner.credentials, 'gz').peerConn, {
          localVpcId: gzVpc,
          peerVpcId: v3,
          peerRegion: 'bj',
        }),
      413,
      'LimitExceeded',
      'PeerConnPerAccountQuotaExceeded',
    );
  });
});

describe('accept and reject', () => {
  it('times the request out after 7 days: consult_failed for both ends', async () => {
    const { a, b, id } = await crossAccount();
    const createdAt = clock.now();
    await step();
    clock.advance(7 * DAY_MS - 1);
    await t.reconcile();
    expect(await statusOf(a.peerConn, id)).toBe('consulting');
    clock.advance(createdAt + 7 * DAY_MS + STEP_MS - clock.now());
    await t.reconcile();
    expect(await statusOf(a.peerConn, id)).toBe('consult_failed');
    expect(await statusOf(b.peerConn, id)).toBe('consult_failed');
    await denied(() => b.peerConn.accept(id), 'InvalidPeerConnStatus');
    // The failed request can be released; its VPCs are free again.
    await a.peerConn.release(id);
    await step();
    expect(await statusOf(a.peerConn, id)).toBe('deleted');
  });

  it('frees the pair as soon as the request has timed out, before the reconciler has run', async () => {
    const { a, b, aVpc, bVpc, id } = await crossAccount();
    clock.advance(7 * DAY_MS + STEP_MS);
    expect(await statusOf(a.peerConn, id)).toBe('consult_failed');
    const again = await connect(a.peerConn, {
      localVpcId: aVpc,
      peerVpcId: bVpc,
      peerRegion: 'gz',
      peerAccountId: b.accountId,
    });
    expect(again).not.toBe(id);
    expect(await statusOf(b.peerConn, id)).toBe('consult_failed');
  });

  it('does not time out an accepted connection', async () => {
    const { a, b, id } = await crossAccount();
    await step();
    await b.peerConn.accept(id);
    await step(8 * DAY_MS);
    expect(await statusOf(a.peerConn, id)).toBe('active');
  });

  it('refuses accept or reject while creating or starting with PeerConnBusy', async () => {
    const { b, id } = await crossAccount();
    await denied(() => b.peerConn.accept(id), 'PeerConnBusy');
    await denied(() => b.peerConn.reject(id), 'PeerConnBusy');
    await step();
    await b.peerConn.accept(id);
    expect(await statusOf(b.peerConn, id)).toBe('starting');
    await denied(() => b.peerConn.reject(id), 'PeerConnBusy');
  });
});

describe('release rules', () => {
  it('refuses an active, unexpired prepaid connection (R10); releases it once expired', async () => {
    const { owner, id, activeAt, peer } = await sameAccount('gz', prepaid(1));
    await denied(() => owner.peerConn.release(id), 'PrepaidNotExpired');
    await denied(() => peer.release(id), 'PrepaidNotExpired');
    clock.advance(addMonths(activeAt, 1) - clock.now());
    await t.reconcile();
    expect(await statusOf(owner.peerConn, id)).toBe('expired');
    expect(await statusOf(peer, id)).toBe('expired');
    await owner.peerConn.release(id);
    expect(await statusOf(owner.peerConn, id)).toBe('deleting');
    await step();
    expect(await statusOf(peer, id)).toBe('deleted');
  });

  it('releases a prepaid connection whose request failed', async () => {
    const { a, b, id } = await crossAccount(prepaid(3));
    await step();
    await b.peerConn.reject(id);
    await denied(() => b.peerConn.release(id), 'InitiatorOnly');
    await a.peerConn.release(id);
    await step();
    expect(await statusOf(a.peerConn, id)).toBe('deleted');
  });
});

describe('resize, renew, refund rules', () => {
  it('only grows a prepaid connection’s bandwidth (R11)', async () => {
    const { owner, id, peer } = await sameAccount('gz', prepaid(1));
    await denied(() => owner.peerConn.modifyBandwith(id, 5), 'PrepaidDowngrade');
    await denied(() => peer.modifyBandwidth(id, 9), 'PrepaidDowngrade');
    await expectRefusal(() => owner.peerConn.modifyBandwidth(id, 0), 400, 'BadRequest', 'InvalidBandwidth');
    await owner.peerConn.modifyBandwidth(id, 10);
    await step();
    await peer.modifyBandwith(id, 100);
    await step();
    expect(await owner.peerConn.getPeerConn(id)).toMatchObject({ status: 'active', bandwidthInMbps: 100 });
  });

  it('refuses to renew a postpaid connection (R12), and a renewal without a valid reservation', async () => {
    const { owner, id } = await sameAccount('gz');
    await denied(
      () => owner.peerConn.purchaseReserved(id, { paymentTiming: 'Postpaid' }),
      'PostpaidNotRenewable',
    );
    await denied(
      () =>
        owner.peerConn.purchaseReserved(id, {
          reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
        }),
      'PostpaidNotRenewable',
    );
    const prepaidConn = await sameAccount('gz', prepaid(1));
    for (const [billing, reason] of [
      [undefined, 'BillingRequired'],
      [{ reservation: { reservationLength: 10 } }, 'InvalidReservationLength'],
      [{}, 'ReservationRequired'],
    ] as const) {
      await expectRefusal(
        () => prepaidConn.owner.peerConn.purchaseReserved(prepaidConn.id, billing as never),
        400,
        'BadRequest',
        reason,
      );
    }
  });

  it('expires a prepaid connection at the end of its period; renewing revives it (R17)', async () => {
    const { owner, id, activeAt, peer } = await sameAccount('gz', prepaid(1));
    const expiresAt = addMonths(activeAt, 1);
    clock.advance(expiresAt - clock.now() - 1);
    await t.reconcile();
    expect(await statusOf(owner.peerConn, id)).toBe('active');
    await step(1);
    expect(await owner.peerConn.getPeerConn(id)).toMatchObject({ status: 'expired' });
    expect(await statusOf(peer, id)).toBe('expired');
    // Nothing but renewal and release works on an expired connection.
    await denied(() => owner.peerConn.modifyBandwidth(id, 20), 'InvalidPeerConnStatus');
    await denied(() => owner.peerConn.openSyncDns(id, 'initiator'), 'InvalidPeerConnStatus');
    await step(DAY_MS);
    const renewedAt = clock.now();
    await owner.peerConn.purchaseReserved(id, {
      reservation: { reservationLength: 2, reservationTimeUnit: 'Month' },
    });
    const view = await owner.peerConn.getPeerConn(id);
    expect(view.status).toBe('active');
    expect(Date.parse(view.expiredTime)).toBe(Math.floor(addMonths(renewedAt, 2) / 1000) * 1000);
  });

  it('refunds only prepaid, non-cross-border connections (R14)', async () => {
    const postpaid = await sameAccount('gz');
    await denied(() => postpaid.owner.peerConn.refund(postpaid.id), 'PostpaidNotRefundable');
    const crossBorder = await sameAccount('hkg', prepaid(1));
    expect(await crossBorder.peer.getPeerConn(crossBorder.id)).toMatchObject({
      localRegion: 'hkg',
      status: 'active',
    });
    await denied(() => crossBorder.owner.peerConn.refund(crossBorder.id), 'CrossBorderNotRefundable');
    await denied(() => crossBorder.peer.refund(crossBorder.id), 'CrossBorderNotRefundable');
    const { a, b, id } = await crossAccount(prepaid(1));
    await step();
    await b.peerConn.accept(id);
    await step();
    await denied(() => b.peerConn.refund(id), 'InitiatorOnly');
    await a.peerConn.refund(id);
    expect(await statusOf(b.peerConn, id)).toBe('deleting');
    await step();
    expect(await statusOf(a.peerConn, id)).toBe('deleted');
    await denied(() => a.peerConn.refund(id), 'InvalidPeerConnStatus');
  });
});

describe('DNS sync rules (R13)', () => {
  it('needs an active connection, the caller’s own end and a valid role', async () => {
    const { a, b, id } = await crossAccount();
    await step();
    await denied(() => b.peerConn.openSyncDns(id, 'acceptor'), 'InvalidPeerConnStatus');
    await denied(() => a.peerConn.closeSyncDns(id, 'initiator'), 'InvalidPeerConnStatus');
    await expectRefusal(() => a.peerConn.openSyncDns(id, 'acceptor'), 404, 'NoSuchObject');
    await expectRefusal(() => b.peerConn.openSyncDns(id, 'initiator'), 404, 'NoSuchObject');
    await expectRefusal(() => a.peerConn.openSyncDns(id, 'boss' as never), 400, 'BadRequest', 'InvalidRole');
    await expectRefusal(
      () => a.peerConn.openSyncDns(id, undefined as never),
      400,
      'BadRequest',
      'InvalidRole',
    );
    const stranger = await t.newAccount('bj');
    await expectRefusal(() => stranger.peerConn.openSyncDns(id, 'initiator'), 404, 'NoSuchObject');
  });

  it('refuses to open what is open and to close what is closed', async () => {
    const { owner, id, peer } = await sameAccount('gz');
    await denied(() => owner.peerConn.closeSyncDns(id, 'initiator'), 'DnsSyncNotOpen');
    await owner.peerConn.openSyncDns(id, 'initiator');
    await step();
    await denied(() => owner.peerConn.openSyncDns(id, 'initiator'), 'DnsSyncAlreadyOpen');
    await peer.openSyncDns(id, 'acceptor');
    await step();
    await denied(() => peer.openSyncDns(id, 'acceptor'), 'DnsSyncAlreadyOpen');
    expect((await peer.getPeerConn(id)).dnsStatus).toBe('open');
  });
});

describe('one operation at a time: PeerConnBusy', () => {
  /** Every mutating operation on the connection, by whoever may otherwise do it. */
  function everyOperation(client: PeerConnClient, peer: PeerConnClient, id: string, localIfId: string) {
    return {
      modify: () => client.modifyPeerConn(id, { localIfId, localIfName: 'busy' }),
      resize: () => client.modifyBandwidth(id, 20),
      renew: () => client.purchaseReserved(id, { reservation: { reservationLength: 1 } }),
      refund: () => client.refund(id),
      release: () => client.release(id),
      openDns: () => client.openSyncDns(id, 'initiator'),
      openPeerDns: () => peer.openSyncDns(id, 'acceptor'),
      closeDns: () => client.closeSyncDns(id, 'initiator'),
      deleteProtect: () => client.switchDeleteProtect(id, true),
    };
  }

  async function expectAllBusy(operations: Record<string, () => Promise<unknown>>, except: string[] = []) {
    for (const [name, attempt] of Object.entries(operations)) {
      if (except.includes(name)) continue;
      const error = await refusal(attempt);
      expect([name, error.statusCode, error.code, error.reason]).toEqual([
        name,
        409,
        'OperationDenied',
        'PeerConnBusy',
      ]);
    }
  }

  it('while creating', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'gz', '10.2.0.0/16');
    const id = await connect(owner.peerConn, {
      localVpcId: x,
      peerVpcId: y,
      peerRegion: 'gz',
      billing: prepaid(1),
    });
    const { localIfId } = await owner.peerConn.getPeerConn(id);
    const peer = t.clients(owner.credentials, 'gz').peerConn;
    await expectAllBusy(everyOperation(owner.peerConn, peer, id, localIfId));
    expect(await statusOf(owner.peerConn, id)).toBe('creating');
  });

  it('while updating after a modify or a resize', async () => {
    const { owner, id, peer } = await sameAccount('gz', prepaid(1));
    const { localIfId } = await owner.peerConn.getPeerConn(id);
    const operations = everyOperation(owner.peerConn, peer, id, localIfId);
    await operations.modify();
    expect(await statusOf(owner.peerConn, id)).toBe('updating');
    await expectAllBusy(operations);
    await step();
    await operations.resize();
    expect(await statusOf(peer, id)).toBe('updating');
    await expectAllBusy(operations);
    await step();
    expect(await statusOf(owner.peerConn, id)).toBe('active');
  });

  it('while deleting, where releasing again is a no-op', async () => {
    const { owner, id, peer } = await sameAccount('gz');
    const { localIfId } = await owner.peerConn.getPeerConn(id);
    const operations = everyOperation(owner.peerConn, peer, id, localIfId);
    await operations.release();
    await expectAllBusy(operations, ['release', 'renew', 'refund']);
    await operations.release();
    await peer.release(id);
    expect(await statusOf(owner.peerConn, id)).toBe('deleting');
  });

  it('while DNS sync of either end is syncing or closing', async () => {
    const { owner, id, peer } = await sameAccount('gz', prepaid(1));
    const { localIfId } = await owner.peerConn.getPeerConn(id);
    const operations = everyOperation(owner.peerConn, peer, id, localIfId);
    await peer.openSyncDns(id, 'acceptor');
    expect((await peer.getPeerConn(id)).dnsStatus).toBe('syncing');
    await expectAllBusy(operations);
    await step();
    await peer.closeSyncDns(id, 'acceptor');
    expect((await peer.getPeerConn(id)).dnsStatus).toBe('closing');
    await expectAllBusy(operations);
    await step();
    await operations.resize();
  });
});

describe('clientToken idempotency', () => {
  it('answers a retried create with the same peerConnId and makes one connection', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'gz', '10.2.0.0/16');
    const args = { localVpcId: x, peerVpcId: y, peerRegion: 'gz', clientToken: 'create-once' };
    const first = await connect(owner.peerConn, args);
    expect(await connect(owner.peerConn, args)).toBe(first);
    await step();
    // Still the first answer once the connection is active, with the body's keys in another order.
    expect(
      (
        await owner.peerConn.createPeerConn({
          billing: POSTPAID,
          peerRegion: 'gz',
          peerVpcId: y,
          localVpcId: x,
          bandwidthInMbps: 10,
          clientToken: 'create-once',
        })
      ).peerConnId,
    ).toBe(first);
    expect((await owner.peerConn.listPeerConn()).peerConns.map((p) => p.peerConnId)).toEqual([first]);
    expect((await t.clients(owner.credentials, 'gz').peerConn.listPeerConn()).peerConns).toHaveLength(1);
  });

  it('refuses the same token for a different create with 403 IdempotentParameterMismatch', async () => {
    const owner = await t.newAccount('bj');
    const x = await vpcOf(owner, 'bj', '10.1.0.0/16');
    const y = await vpcOf(owner, 'gz', '10.2.0.0/16');
    const args = { localVpcId: x, peerVpcId: y, peerRegion: 'gz', clientToken: 'create-twice' };
    await connect(owner.peerConn, args);
    await expectRefusal(
      () => connect(owner.peerConn, { ...args, bandwidthInMbps: 20 }),
      403,
      'IdempotentParameterMismatch',
    );
    expect((await owner.peerConn.listPeerConn()).peerConns).toHaveLength(1);
  });

  it('answers a retried accept with its first result rather than a refusal', async () => {
    const { b, id } = await crossAccount();
    await step();
    await b.peerConn.accept(id, { clientToken: 'accept-1' });
    await b.peerConn.accept(id, { clientToken: 'accept-1' });
    await denied(() => b.peerConn.accept(id, { clientToken: 'accept-2' }), 'PeerConnBusy');
    await step();
    expect(await statusOf(b.peerConn, id)).toBe('active');
  });
});

describe('get', () => {
  it('refuses a role that is neither initiator nor acceptor with 400', async () => {
    const { owner, id } = await sameAccount('gz');
    await expectRefusal(
      () => owner.peerConn.getPeerConn(id, 'boss' as never),
      400,
      'BadRequest',
      'InvalidRole',
    );
  });
});
