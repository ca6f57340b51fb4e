import {
  type CreatePeerConnArgs,
  type Credentials,
  type PeerConn,
  PeerConnClient,
  type PeerConnRole,
} from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../../../domain/peerconn/billing.js';
import type { Region } from '../../../../domain/regions.js';
import { ManualClock, startTestServer, type TestServer } from '../../../../testing/harness.js';
import { refusal } from '../../../../testing/refusal.js';

/**
 * The peer connection API over real HTTP through the SDK, for each of the three kinds of pair:
 * every operation from both ends and every status it passes through. Refusals of the business
 * rules are in peerconn-rules.test.ts.
 */

const STEP_MS = 500;
const RETENTION_MS = 60_000;
const clock = new ManualClock();
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    clock,
    overrides: { peerConnStepMs: STEP_MS, peerConnRetentionMs: RETENTION_MS },
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

/** The raw answer to the last request any peer connection client below sent. */
const recorded: { last?: { status: number; body: string; contentType: string | null } } = {};
const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await fetch(input, init);
  recorded.last = {
    status: response.status,
    body: await response.clone().text(),
    contentType: response.headers.get('content-type'),
  };
  return response;
};
const lastAnswer = () => recorded.last;

/** Runs an operation with an empty success and checks the wire answer: 200 with the body `{}`. */
async function ok(call: () => Promise<unknown>): Promise<void> {
  delete recorded.last;
  await call();
  const answer = lastAnswer();
  expect(answer).toMatchObject({ status: 200, body: '{}' });
  expect(answer?.contentType).toMatch(/^application\/json/);
}

/** Moves business time by one asynchronous step (or `ms`) and runs the work that fell due. */
async function step(ms = STEP_MS): Promise<void> {
  clock.advance(ms);
  await t.reconcile();
}

interface Kind {
  name: string;
  crossAccount: boolean;
  peerRegion: Region;
}

const KINDS: Kind[] = [
  { name: 'same account, same region (bj–bj)', crossAccount: false, peerRegion: 'bj' },
  { name: 'same account, cross region (bj–gz)', crossAccount: false, peerRegion: 'gz' },
  { name: 'cross account, cross region (A in bj, B in gz)', crossAccount: true, peerRegion: 'gz' },
];

/** One end of a pair: its owner's client through the end's region, and the end's VPC. */
interface End {
  role: PeerConnRole;
  accountId: string;
  credentials: Credentials;
  region: Region;
  vpcId: string;
  peerConn: PeerConnClient;
}

interface Pair {
  kind: Kind;
  initiator: End;
  acceptor: End;
  /** Creates a connection from the initiator's VPC to the acceptor's; `change` overrides any field. */
  create(change?: Partial<CreatePeerConnArgs>): Promise<string>;
}

function peerConnClient(credentials: Credentials, region: Region): PeerConnClient {
  return new PeerConnClient({ endpoint: t.endpoint(region), credentials, fetch: recordingFetch });
}

async function newPair(kind: Kind): Promise<Pair> {
  const a = await t.newAccount('bj');
  const b = kind.crossAccount
    ? await t.newAccount(kind.peerRegion)
    : { ...t.clients(a.credentials, kind.peerRegion), credentials: a.credentials, accountId: a.accountId };
  const { vpcId: localVpcId } = await a.vpc.createVpc({ name: 'initiator', cidr: '10.1.0.0/16' });
  const { vpcId: peerVpcId } = await b.vpc.createVpc({ name: 'acceptor', cidr: '10.2.0.0/16' });
  const end = (role: PeerConnRole, owner: typeof a, region: Region, vpcId: string): End => ({
    role,
    accountId: owner.accountId,
    credentials: owner.credentials,
    region,
    vpcId,
    peerConn: peerConnClient(owner.credentials, region),
  });
  const initiator = end('initiator', a, 'bj', localVpcId);
  const acceptor = end('acceptor', b, kind.peerRegion, peerVpcId);
  return {
    kind,
    initiator,
    acceptor,
    create: async (change = {}) =>
      (
        await initiator.peerConn.createPeerConn({
          bandwidthInMbps: 10,
          localVpcId,
          peerVpcId,
          peerRegion: kind.peerRegion,
          ...(kind.crossAccount ? { peerAccountId: b.accountId } : {}),
          billing: { paymentTiming: 'Postpaid' },
          ...change,
        })
      ).peerConnId,
  };
}

const view = (end: End, id: string): Promise<PeerConn> => end.peerConn.getPeerConn(id, end.role);

async function statuses(pair: Pair, id: string): Promise<string[]> {
  return [(await view(pair.initiator, id)).status, (await view(pair.acceptor, id)).status];
}

/**
 * Creates a connection and takes it to `active` (the acceptor accepts across accounts); answers
 * its id and the moment it became active.
 */
async function establish(
  pair: Pair,
  change: Partial<CreatePeerConnArgs> = {},
): Promise<{ id: string; activeAt: number }> {
  const id = await pair.create(change);
  await step();
  if (pair.kind.crossAccount) {
    await ok(() => pair.acceptor.peerConn.accept(id));
    await step();
  }
  expect(await statuses(pair, id)).toEqual(['active', 'active']);
  return { id, activeAt: clock.now() };
}

/** Who may release, resize, renew and refund: either end of one account, the initiator across accounts. */
const manager = (pair: Pair): End => (pair.kind.crossAccount ? pair.initiator : pair.acceptor);

const BCE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const bceTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

for (const kind of KINDS) {
  const crossRegion = kind.peerRegion !== 'bj';

  describe(`peer connections, ${kind.name}`, () => {
    it(`creates: creating, then ${kind.crossAccount ? 'consulting, accept, starting, ' : ''}active; both ends mirror each other`, async () => {
      const pair = await newPair(kind);
      const createdAt = clock.now();
      const id = await pair.create({
        description: 'to the other side',
        tags: [{ tagKey: 'env', tagValue: 'test' }],
      });
      expect(id).toMatch(/^peerconn-[0-9a-z]{12}$/);
      expect(await statuses(pair, id)).toEqual(['creating', 'creating']);

      await step();
      const settled = kind.crossAccount ? 'consulting' : 'active';
      expect(await statuses(pair, id)).toEqual([settled, settled]);
      if (kind.crossAccount) {
        await ok(() => pair.acceptor.peerConn.accept(id));
        expect(await statuses(pair, id)).toEqual(['starting', 'starting']);
        await step();
        expect(await statuses(pair, id)).toEqual(['active', 'active']);
      }

      const mine = await view(pair.initiator, id);
      const theirs = await view(pair.acceptor, id);
      const common = {
        peerConnId: id,
        status: 'active',
        bandwidthInMbps: 10,
        paymentTiming: 'Postpaid',
        dnsStatus: 'close',
        createdTime: bceTime(createdAt),
        expiredTime: '',
        tags: [{ tagKey: 'env', tagValue: 'test' }],
        deleteProtect: false,
      };
      expect(mine).toEqual({
        ...common,
        role: 'initiator',
        description: 'to the other side',
        localIfId: mine.localIfId,
        localIfName: mine.localIfName,
        localVpcId: pair.initiator.vpcId,
        localRegion: 'bj',
        peerVpcId: pair.acceptor.vpcId,
        peerRegion: kind.peerRegion,
        peerAccountId: pair.acceptor.accountId,
      });
      expect(theirs).toEqual({
        ...common,
        role: 'acceptor',
        description: '',
        localIfId: theirs.localIfId,
        localIfName: theirs.localIfName,
        localVpcId: pair.acceptor.vpcId,
        localRegion: kind.peerRegion,
        peerVpcId: pair.initiator.vpcId,
        peerRegion: 'bj',
        peerAccountId: pair.initiator.accountId,
      });
      expect(mine.createdTime).toMatch(BCE_TIME);
      for (const end of [mine, theirs]) {
        expect(end.localIfId).toMatch(/^qpif-[0-9a-z]{12}$/);
        expect(end.localIfName).toBe(`int-${end.localIfId.slice(-8)}`);
      }
      expect(mine.localIfId).not.toBe(theirs.localIfId);
    });

    it('names the interfaces as asked and keeps delete protection', async () => {
      const pair = await newPair(kind);
      const id = await pair.create({
        localIfName: 'edge-a',
        ...(kind.crossAccount ? {} : { peerIfName: 'edge-b' }),
        deleteProtect: true,
      });
      const mine = await view(pair.initiator, id);
      const theirs = await view(pair.acceptor, id);
      expect(mine).toMatchObject({ localIfName: 'edge-a', deleteProtect: true, tags: [] });
      expect(theirs.deleteProtect).toBe(true);
      if (kind.crossAccount) expect(theirs.localIfName).toBe(`int-${theirs.localIfId.slice(-8)}`);
      else expect(theirs.localIfName).toBe('edge-b');
    });

    it('gets the end the caller owns; an end or connection it does not own is NoSuchObject', async () => {
      const pair = await newPair(kind);
      const id = await pair.create();
      const withoutRole = await pair.initiator.peerConn.getPeerConn(id);
      expect(withoutRole.role).toBe('initiator');
      expect(withoutRole).toEqual(await view(pair.initiator, id));
      if (crossRegion) {
        // Each end is seen only through its own region, and without a role that end is the answer.
        expect((await pair.acceptor.peerConn.getPeerConn(id)).role).toBe('acceptor');
        for (const attempt of [
          () => pair.initiator.peerConn.getPeerConn(id, 'acceptor'),
          () => pair.acceptor.peerConn.getPeerConn(id, 'initiator'),
          () => peerConnClient(pair.initiator.credentials, kind.peerRegion).getPeerConn(id, 'initiator'),
        ]) {
          await expectRefusal(attempt, 404, 'NoSuchObject');
        }
      } else {
        expect((await pair.initiator.peerConn.getPeerConn(id, 'acceptor')).role).toBe('acceptor');
      }
      if (kind.crossAccount) {
        // The acceptor's account sees nothing through the initiator's region, nor the reverse.
        await expectRefusal(
          () => peerConnClient(pair.acceptor.credentials, 'bj').getPeerConn(id),
          404,
          'NoSuchObject',
        );
        await expectRefusal(
          () => peerConnClient(pair.initiator.credentials, 'gz').getPeerConn(id),
          404,
          'NoSuchObject',
        );
      }
      const stranger = await t.newAccount(kind.peerRegion);
      const strangers = peerConnClient(stranger.credentials, kind.peerRegion);
      for (const attempt of [
        () => strangers.getPeerConn(id),
        () => strangers.getPeerConn(id, 'acceptor'),
        () => strangers.getPeerConn(id, 'initiator'),
      ]) {
        await expectRefusal(attempt, 404, 'NoSuchObject');
      }
      await expectRefusal(
        () => pair.initiator.peerConn.getPeerConn('peerconn-000000000000'),
        404,
        'NoSuchObject',
      );
    });

    it('lists one item per end the caller owns in the region, filtered by vpcId', async () => {
      const pair = await newPair(kind);
      const id = await pair.create();
      const mine = await view(pair.initiator, id);
      const theirs = await view(pair.acceptor, id);
      const initiatorList = await pair.initiator.peerConn.listPeerConn();
      expect(initiatorList).toEqual({
        peerConns: crossRegion ? [mine] : [mine, theirs],
        marker: id,
        isTruncated: false,
        maxKeys: 1000,
      });
      expect((await pair.initiator.peerConn.listPeerConn({ vpcId: pair.initiator.vpcId })).peerConns).toEqual(
        [mine],
      );
      expect((await pair.acceptor.peerConn.listPeerConn({ vpcId: pair.acceptor.vpcId })).peerConns).toEqual([
        theirs,
      ]);
      if (crossRegion) {
        expect((await pair.acceptor.peerConn.listPeerConn()).peerConns).toEqual([theirs]);
        expect(
          (await pair.initiator.peerConn.listPeerConn({ vpcId: pair.acceptor.vpcId })).peerConns,
        ).toEqual([]);
      }
      if (kind.crossAccount) {
        for (const [credentials, region] of [
          [pair.initiator.credentials, 'gz'],
          [pair.acceptor.credentials, 'bj'],
        ] as const) {
          const other = await peerConnClient(credentials, region).listPeerConn();
          expect(other).toEqual({ peerConns: [], isTruncated: false, maxKeys: 1000 });
        }
      }
    });

    it('updates the name and description of the caller’s own end: updating, then back', async () => {
      const pair = await newPair(kind);
      const { id } = await establish(pair);
      const before = { initiator: await view(pair.initiator, id), acceptor: await view(pair.acceptor, id) };
      for (const end of [pair.initiator, pair.acceptor]) {
        const other = end.role === 'initiator' ? pair.acceptor : pair.initiator;
        const otherBefore = await view(other, id);
        await ok(() =>
          end.peerConn.modifyPeerConn(id, {
            localIfId: before[end.role].localIfId,
            localIfName: `renamed-${end.role}`,
            description: `side ${end.role}`,
          }),
        );
        expect(await statuses(pair, id)).toEqual(['updating', 'updating']);
        await step();
        expect(await view(end, id)).toEqual({
          ...before[end.role],
          localIfName: `renamed-${end.role}`,
          description: `side ${end.role}`,
        });
        expect(await view(other, id)).toEqual(otherBefore);
      }
      // Only the name, only the description: the rest stays.
      await ok(() =>
        pair.initiator.peerConn.modifyPeerConn(id, {
          localIfId: before.initiator.localIfId,
          description: 'd2',
        }),
      );
      await step();
      expect(await view(pair.initiator, id)).toMatchObject({
        localIfName: 'renamed-initiator',
        description: 'd2',
        status: 'active',
      });
      if (crossRegion) {
        // The other end's interface is not the caller's here.
        await expectRefusal(
          () =>
            pair.initiator.peerConn.modifyPeerConn(id, {
              localIfId: before.acceptor.localIfId,
              localIfName: 'x',
            }),
          404,
          'NoSuchObject',
        );
        await expectRefusal(
          () =>
            pair.acceptor.peerConn.modifyPeerConn(id, {
              localIfId: before.initiator.localIfId,
              localIfName: 'x',
            }),
          404,
          'NoSuchObject',
        );
      }
      await expectRefusal(
        () =>
          pair.initiator.peerConn.modifyPeerConn(id, { localIfId: 'qpif-000000000000', localIfName: 'x' }),
        404,
        'NoSuchObject',
      );
    });

    it('opens and closes DNS sync of each end on its own: syncing → open, closing → close', async () => {
      const pair = await newPair(kind);
      const { id } = await establish(pair);
      const dns = async () => [
        (await view(pair.initiator, id)).dnsStatus,
        (await view(pair.acceptor, id)).dnsStatus,
      ];
      await ok(() => pair.initiator.peerConn.openSyncDns(id, 'initiator'));
      expect(await dns()).toEqual(['syncing', 'close']);
      expect(await statuses(pair, id)).toEqual(['active', 'active']);
      await step();
      expect(await dns()).toEqual(['open', 'close']);
      await ok(() => pair.acceptor.peerConn.openSyncDns(id, 'acceptor'));
      expect(await dns()).toEqual(['open', 'syncing']);
      await step();
      expect(await dns()).toEqual(['open', 'open']);
      await ok(() => pair.initiator.peerConn.closeSyncDns(id, 'initiator'));
      expect(await dns()).toEqual(['closing', 'open']);
      await step();
      expect(await dns()).toEqual(['close', 'open']);
      await ok(() => pair.acceptor.peerConn.closeSyncDns(id, 'acceptor'));
      expect(await dns()).toEqual(['close', 'closing']);
      await step();
      expect(await dns()).toEqual(['close', 'close']);
      if (crossRegion) {
        await expectRefusal(() => pair.initiator.peerConn.openSyncDns(id, 'acceptor'), 404, 'NoSuchObject');
        await expectRefusal(() => pair.acceptor.peerConn.openSyncDns(id, 'initiator'), 404, 'NoSuchObject');
        await expectRefusal(() => pair.acceptor.peerConn.closeSyncDns(id, 'initiator'), 404, 'NoSuchObject');
      }
    });

    it(`resizes (modifyBandwith and modifyBandwidth)${kind.crossAccount ? ' from the initiator only' : ' from either end'}: updating, then active`, async () => {
      const pair = await newPair(kind);
      const { id } = await establish(pair);
      await ok(() => pair.initiator.peerConn.modifyBandwith(id, 20));
      expect(await statuses(pair, id)).toEqual(['updating', 'updating']);
      await step();
      expect(await view(pair.initiator, id)).toMatchObject({ status: 'active', bandwidthInMbps: 20 });
      expect((await view(pair.acceptor, id)).bandwidthInMbps).toBe(20);
      if (kind.crossAccount) {
        await expectRefusal(
          () => pair.acceptor.peerConn.modifyBandwidth(id, 5),
          409,
          'OperationDenied',
          'InitiatorOnly',
        );
        await expectRefusal(
          () => pair.acceptor.peerConn.modifyBandwith(id, 50),
          409,
          'OperationDenied',
          'InitiatorOnly',
        );
        await ok(() => pair.initiator.peerConn.modifyBandwidth(id, 5));
      } else {
        // Postpaid: down as well as up.
        await ok(() => pair.acceptor.peerConn.modifyBandwidth(id, 5));
      }
      expect(await statuses(pair, id)).toEqual(['updating', 'updating']);
      await step();
      expect(await view(pair.acceptor, id)).toMatchObject({ status: 'active', bandwidthInMbps: 5 });
    });

    it(
      kind.crossAccount
        ? 'accepts and rejects only from the acceptor, and only while consulting'
        : 'refuses accept and reject from either end: the connection was accepted automatically',
      async () => {
        const pair = await newPair(kind);
        const id = await pair.create();
        await step();
        if (!kind.crossAccount) {
          for (const end of [pair.initiator, pair.acceptor]) {
            await expectRefusal(
              () => end.peerConn.accept(id),
              409,
              'OperationDenied',
              'SameAccountAutoAccepted',
            );
            await expectRefusal(
              () => end.peerConn.reject(id),
              409,
              'OperationDenied',
              'SameAccountAutoAccepted',
            );
          }
          expect(await statuses(pair, id)).toEqual(['active', 'active']);
          return;
        }
        await expectRefusal(() => pair.initiator.peerConn.accept(id), 409, 'OperationDenied', 'AcceptorOnly');
        await expectRefusal(() => pair.initiator.peerConn.reject(id), 409, 'OperationDenied', 'AcceptorOnly');
        expect(await statuses(pair, id)).toEqual(['consulting', 'consulting']);
        await ok(() => pair.acceptor.peerConn.accept(id));
        await step();
        expect(await statuses(pair, id)).toEqual(['active', 'active']);
        await expectRefusal(
          () => pair.acceptor.peerConn.accept(id),
          409,
          'OperationDenied',
          'InvalidPeerConnStatus',
        );
        await expectRefusal(
          () => pair.acceptor.peerConn.reject(id),
          409,
          'OperationDenied',
          'InvalidPeerConnStatus',
        );
      },
    );

    it(`releases${kind.crossAccount ? ' from the initiator only' : ' from either end'}: deleting, deleted, then gone after the retention`, async () => {
      const pair = await newPair(kind);
      const { id } = await establish(pair, { deleteProtect: true });
      const releaser = manager(pair);
      if (kind.crossAccount) {
        await expectRefusal(
          () => pair.acceptor.peerConn.release(id),
          409,
          'OperationDenied',
          'InitiatorOnly',
        );
        await expectRefusal(
          () => pair.acceptor.peerConn.switchDeleteProtect(id, false),
          409,
          'OperationDenied',
          'InitiatorOnly',
        );
      }
      await expectRefusal(() => releaser.peerConn.release(id), 409, 'OperationDenied', 'DeleteProtected');
      await ok(() => releaser.peerConn.switchDeleteProtect(id, false));
      expect((await view(pair.initiator, id)).deleteProtect).toBe(false);
      expect((await view(pair.acceptor, id)).deleteProtect).toBe(false);
      await ok(() => releaser.peerConn.release(id));
      expect(await statuses(pair, id)).toEqual(['deleting', 'deleting']);
      // Releasing again while deleting changes nothing.
      await ok(() => releaser.peerConn.release(id));
      expect(await statuses(pair, id)).toEqual(['deleting', 'deleting']);
      await step();
      expect(await statuses(pair, id)).toEqual(['deleted', 'deleted']);
      await ok(() => releaser.peerConn.release(id));
      expect((await pair.initiator.peerConn.listPeerConn({ vpcId: pair.initiator.vpcId })).peerConns).toEqual(
        [await view(pair.initiator, id)],
      );
      await step(RETENTION_MS);
      for (const end of [pair.initiator, pair.acceptor]) {
        await expectRefusal(() => view(end, id), 404, 'NoSuchObject');
        await expectRefusal(() => end.peerConn.release(id), 404, 'NoSuchObject');
        expect((await end.peerConn.listPeerConn({ vpcId: end.vpcId })).peerConns).toEqual([]);
      }
    });

    if (crossRegion) {
      it(`handles a prepaid connection: expiry set once active, renew and refund${kind.crossAccount ? ' from the initiator only' : ' from either end'}`, async () => {
        const pair = await newPair(kind);
        const id = await pair.create({
          billing: {
            paymentTiming: 'Prepaid',
            reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
          },
        });
        expect((await view(pair.initiator, id)).expiredTime).toBe('');
        await step();
        let activeAt = clock.now();
        if (kind.crossAccount) {
          // Billing starts when the negotiation succeeds.
          expect((await view(pair.acceptor, id)).expiredTime).toBe('');
          await ok(() => pair.acceptor.peerConn.accept(id));
          await step();
          activeAt = clock.now();
        }
        const expiredTime = bceTime(addMonths(activeAt, 1));
        for (const end of [pair.initiator, pair.acceptor]) {
          expect(await view(end, id)).toMatchObject({
            status: 'active',
            paymentTiming: 'Prepaid',
            expiredTime,
          });
        }
        const renewal = { reservation: { reservationLength: 2, reservationTimeUnit: 'Month' } };
        if (kind.crossAccount) {
          await expectRefusal(
            () => pair.acceptor.peerConn.purchaseReserved(id, renewal),
            409,
            'OperationDenied',
            'InitiatorOnly',
          );
          await expectRefusal(
            () => pair.acceptor.peerConn.refund(id),
            409,
            'OperationDenied',
            'InitiatorOnly',
          );
        }
        const owner = manager(pair);
        await ok(() => owner.peerConn.purchaseReserved(id, renewal));
        const renewed = bceTime(addMonths(addMonths(activeAt, 1), 2));
        for (const end of [pair.initiator, pair.acceptor]) {
          expect(await view(end, id)).toMatchObject({ status: 'active', expiredTime: renewed });
        }
        await ok(() => owner.peerConn.refund(id));
        expect(await statuses(pair, id)).toEqual(['deleting', 'deleting']);
        await step();
        expect(await statuses(pair, id)).toEqual(['deleted', 'deleted']);
      });
    }
  });
}

describe('peer connection list pages', () => {
  it('walks every end exactly once with maxKeys=1, markers naming the end', async () => {
    const owner = await t.newAccount('bj');
    const vpcs: string[] = [];
    for (let i = 0; i < 3; i++) {
      vpcs.push((await owner.vpc.createVpc({ name: `v${i}`, cidr: `10.${i}.0.0/16` })).vpcId);
    }
    const client = peerConnClient(owner.credentials, 'bj');
    const ids: string[] = [];
    for (const peerVpcId of [vpcs[1]!, vpcs[2]!]) {
      const created = await client.createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: vpcs[0]!,
        peerVpcId,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      });
      ids.push(created.peerConnId);
    }
    ids.sort();
    const expected = ids.flatMap((id) => [
      [id, 'initiator'],
      [id, 'acceptor'],
    ]);
    const seen: string[][] = [];
    const markers: (string | undefined)[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await client.listPeerConn({ maxKeys: 1, ...(marker ? { marker } : {}) });
      expect(result.peerConns).toHaveLength(1);
      expect(result.maxKeys).toBe(1);
      const item = result.peerConns[0]!;
      seen.push([item.peerConnId, item.role]);
      markers.push(result.marker);
      if (!result.isTruncated) {
        expect(result).not.toHaveProperty('nextMarker');
        break;
      }
      marker = result.nextMarker;
    }
    expect(seen).toEqual(expected);
    expect(markers).toEqual([ids[0], `${ids[0]}/acceptor`, ids[1], `${ids[1]}/acceptor`]);
    // The filter on the shared VPC keeps both initiator ends, on another VPC its one acceptor end.
    expect(
      (await client.listPeerConn({ vpcId: vpcs[0]! })).peerConns.map((p) => [p.peerConnId, p.role]),
    ).toEqual(ids.map((id) => [id, 'initiator']));
    expect((await client.listPeerConn({ vpcId: vpcs[2]! })).peerConns.map((p) => p.role)).toEqual([
      'acceptor',
    ]);
    const fromMarker = await client.listPeerConn({ marker: `${ids[0]}/acceptor`, maxKeys: 2 });
    expect(fromMarker).toMatchObject({
      marker: `${ids[0]}/acceptor`,
      isTruncated: true,
      nextMarker: `${ids[1]}/acceptor`,
    });
    expect(fromMarker.peerConns.map((p) => [p.peerConnId, p.role])).toEqual(expected.slice(1, 3));
  });

  it('refuses a marker that names no end with 400', async () => {
    const owner = await t.newAccount('bj');
    const client = peerConnClient(owner.credentials, 'bj');
    for (const marker of ['vpc-000000000000', 'peerconn-000000000000/boss', 'nonsense']) {
      await expectRefusal(() => client.listPeerConn({ marker }), 400, 'BadRequest', 'InvalidMarker');
    }
  });
});

describe('the cross-account request', () => {
  it('updates either end while consulting, and goes back to consulting', async () => {
    const pair = await newPair(KINDS[2]!);
    const id = await pair.create();
    await step();
    const theirs = await view(pair.acceptor, id);
    await ok(() =>
      pair.acceptor.peerConn.modifyPeerConn(id, { localIfId: theirs.localIfId, localIfName: 'b-side' }),
    );
    expect(await statuses(pair, id)).toEqual(['updating', 'updating']);
    await step();
    expect(await statuses(pair, id)).toEqual(['consulting', 'consulting']);
    expect((await view(pair.acceptor, id)).localIfName).toBe('b-side');
  });

  it('is rejected by the acceptor: consult_failed for both ends, then no accept', async () => {
    const pair = await newPair(KINDS[2]!);
    const id = await pair.create();
    await step();
    await ok(() => pair.acceptor.peerConn.reject(id));
    expect(await statuses(pair, id)).toEqual(['consult_failed', 'consult_failed']);
    await expectRefusal(
      () => pair.acceptor.peerConn.accept(id),
      409,
      'OperationDenied',
      'InvalidPeerConnStatus',
    );
    await expectRefusal(
      () => pair.acceptor.peerConn.reject(id),
      409,
      'OperationDenied',
      'InvalidPeerConnStatus',
    );
    // A failed request is released by its initiator.
    await ok(() => pair.initiator.peerConn.release(id));
    await step();
    expect(await statuses(pair, id)).toEqual(['deleted', 'deleted']);
  });
});
