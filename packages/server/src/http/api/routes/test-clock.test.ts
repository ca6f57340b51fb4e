import { type Credentials, PeerlinkApiError, SignedTransport } from '@peerlink/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { type SignedResponse, signedRequest } from '../../../testing/signed-request.js';

const DAY_MS = 24 * 3600 * 1000;

interface ClockState {
  now: string;
  offsetMs: number;
  reconciled?: number;
}

interface EventView {
  at: string;
  actor: string;
  action: string;
  fromStatus: string;
  toStatus: string;
}

// The real clock: business time is real time plus the offset the test API moves.
let t: TestServer;
let admin: SignedTransport;
let adminCredentials: Credentials;
beforeAll(async () => {
  t = await startTestServer({ overrides: { testClock: true, peerConnStepMs: 200 } });
  adminCredentials = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
  admin = new SignedTransport({ endpoint: t.endpoint(), credentials: adminCredentials });
});
// Every test starts from real time and no resources.
afterEach(() => admin.send('POST', '/api/v1/_test/reset'));
afterAll(() => t.close());

const getClock = () => admin.send<ClockState>('GET', '/api/v1/_test/clock');
const moveClock = (body: object) => admin.send<ClockState>('POST', '/api/v1/_test/clock', { body });

function events(credentials: Credentials, peerConnId: string) {
  return new SignedTransport({ endpoint: t.endpoint(), credentials }).send<{ events: EventView[] }>(
    'GET',
    `/api/v1/peerconns/${peerConnId}/events`,
  );
}

function send(
  endpoint: string,
  credentials: Credentials,
  method: string,
  path: string,
  body?: string,
): Promise<SignedResponse> {
  return signedRequest({
    endpoint,
    credentials,
    method,
    path,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
  });
}

/** Checks an RFC 9457 problem answer and answers its body. */
function problem(answer: SignedResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.text);
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  return body;
}

/** Polls until `check` holds, for at most `ms` of real time. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 3_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Account = Awaited<ReturnType<TestServer['newAccount']>>;

/** A's 10.0.0.0/16 in bj asks B's 172.16.0.0/16 (in `peerRegion`) for a connection. */
async function crossAccountRequest(
  billing: { paymentTiming: 'Prepaid' | 'Postpaid'; reservation?: { reservationLength: number } },
  peerRegion: 'bj' | 'gz' = 'bj',
) {
  const a = await t.newAccount();
  const b: Account = await t.newAccount(peerRegion);
  const { vpcId: localVpcId } = await a.vpc.createVpc({ name: 'near', cidr: '10.0.0.0/16' });
  const { vpcId: peerVpcId } = await b.vpc.createVpc({ name: 'far', cidr: '172.16.0.0/16' });
  const { peerConnId } = await a.peerConn.createPeerConn({
    bandwidthInMbps: 10,
    localVpcId,
    peerVpcId,
    peerRegion,
    peerAccountId: b.accountId,
    billing,
  });
  return { a, b, peerConnId, localVpcId };
}

describe('/api/v1/_test/clock', () => {
  it('answers real time and no offset at first', async () => {
    const before = Date.now();
    const state = await getClock();
    expect(Object.keys(state).sort()).toEqual(['now', 'offsetMs']);
    expect(state.offsetMs).toBe(0);
    expect(state.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const now = Date.parse(state.now);
    expect(now).toBeGreaterThanOrEqual(before - 1);
    expect(now).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('finishes steps by itself: the reconciler loop runs without being asked', async () => {
    const owner = await t.newAccount();
    const { vpcId: left } = await owner.vpc.createVpc({ name: 'left', cidr: '10.0.0.0/16' });
    const { vpcId: right } = await owner.vpc.createVpc({ name: 'right', cidr: '172.16.0.0/16' });
    const { peerConnId } = await owner.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: left,
      peerVpcId: right,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    expect((await owner.peerConn.getPeerConn(peerConnId)).status).toBe('creating');
    // Reads show a finished step at once; the recorded Complete event proves the loop wrote it.
    const recorded = await eventually(
      () => events(owner.credentials, peerConnId),
      ({ events }) => events.some((event) => event.action === 'Complete'),
    );
    expect(recorded.events.map((event) => [event.action, event.actor, event.toStatus])).toEqual([
      ['Create', owner.accountId, 'creating'],
      ['Complete', 'system', 'active'],
    ]);
    expect((await owner.peerConn.getPeerConn(peerConnId)).status).toBe('active');
  });

  it('times a request out in the answer to one move of a week and a second', async () => {
    const { a, b, peerConnId } = await crossAccountRequest({ paymentTiming: 'Postpaid' });
    await eventually(
      () => a.peerConn.getPeerConn(peerConnId),
      (end) => end.status === 'consulting',
    );
    const moved = await moveClock({ advanceSeconds: 7 * 24 * 3600 + 1 });
    expect(moved.offsetMs).toBe((7 * 24 * 3600 + 1) * 1000);
    expect(moved.reconciled).toBeGreaterThanOrEqual(1);
    expect(Date.parse(moved.now) - Date.now()).toBeGreaterThan(7 * DAY_MS);
    // No waiting: the timeout is already recorded.
    expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe('consult_failed');
    const { events: recorded } = await events(a.credentials, peerConnId);
    expect(recorded.at(-1)).toMatchObject({
      action: 'ConsultTimeout',
      actor: 'system',
      fromStatus: 'consulting',
      toStatus: 'consult_failed',
    });
    // Too late to accept.
    const late = await b.peerConn.accept(peerConnId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(late).toMatchObject({ statusCode: 409 });
  });

  it('expires a prepaid connection when the clock is set past its paid month', async () => {
    const { a, b, peerConnId } = await crossAccountRequest(
      { paymentTiming: 'Prepaid', reservation: { reservationLength: 1 } },
      'gz',
    );
    await eventually(
      () => a.peerConn.getPeerConn(peerConnId),
      (end) => end.status === 'consulting',
    );
    await b.peerConn.accept(peerConnId);
    const active = await eventually(
      () => a.peerConn.getPeerConn(peerConnId),
      (end) => end.status === 'active',
    );
    expect(active.paymentTiming).toBe('Prepaid');
    expect(active.expiredTime).not.toBe('');

    const target = new Date(Date.now() + 61 * DAY_MS).toISOString();
    const moved = await moveClock({ set: target });
    expect(Date.parse(moved.now)).toBeGreaterThanOrEqual(Date.parse(target));
    expect(moved.offsetMs).toBeGreaterThan(60 * DAY_MS);
    expect((await a.peerConn.getPeerConn(peerConnId)).status).toBe('expired');
    expect((await b.peerConn.getPeerConn(peerConnId)).status).toBe('expired');
    const { events: recorded } = await events(a.credentials, peerConnId);
    expect(recorded.at(-1)).toMatchObject({ action: 'Expire', actor: 'system', toStatus: 'expired' });
  });

  it('moves by milliseconds too, and the offset adds up', async () => {
    await moveClock({ advanceMs: 1_500 });
    const state = await moveClock({ advanceSeconds: 2 });
    expect(state.offsetMs).toBe(3_500);
    expect((await getClock()).offsetMs).toBe(3_500);
  });

  it('goes back to real time exactly with realTime, keeping every resource', async () => {
    const { a, peerConnId } = await crossAccountRequest({ paymentTiming: 'Postpaid' });
    await moveClock({ advanceSeconds: 3600 });
    const back = await moveClock({ realTime: true });
    expect(back.offsetMs).toBe(0);
    expect((await getClock()).offsetMs).toBe(0);
    expect(Math.abs(Date.parse(back.now) - Date.now())).toBeLessThan(60_000);
    expect((await a.peerConn.getPeerConn(peerConnId)).peerConnId).toBe(peerConnId);
  });

  it('resets: every resource is gone, accounts still work, the offset is back to 0', async () => {
    const { a, b, peerConnId, localVpcId } = await crossAccountRequest({ paymentTiming: 'Postpaid' });
    await moveClock({ advanceSeconds: 3600 });
    const reset = await admin.send<ClockState>('POST', '/api/v1/_test/reset');
    expect(reset.offsetMs).toBe(0);
    expect((await getClock()).offsetMs).toBe(0);
    expect((await a.vpc.listVpcs()).vpcs).toEqual([]);
    expect((await b.vpc.listVpcs()).vpcs).toEqual([]);
    expect((await a.peerConn.listPeerConn()).peerConns).toEqual([]);
    const gone = await a.peerConn.getPeerConn(peerConnId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(gone).toMatchObject({ statusCode: 404 });
    const vpcGone = await a.vpc.getVpc(localVpcId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(vpcGone).toMatchObject({ statusCode: 404, code: 'NoSuchObject' });
    // The accounts and their keys survive.
    expect((await a.peerlink.whoami()).accountId).toBe(a.accountId);
    const { vpcId } = await a.vpc.createVpc({ name: 'again', cidr: '10.0.0.0/16' });
    expect((await a.vpc.listVpcs()).vpcs.map((vpc) => vpc.vpcId)).toEqual([vpcId]);
  });

  it('is for administrators only: 403 problem+json otherwise', async () => {
    const { credentials } = await t.newAccount();
    for (const [method, path, body] of [
      ['GET', '/api/v1/_test/clock', undefined],
      ['POST', '/api/v1/_test/clock', '{"advanceMs": 1}'],
      ['POST', '/api/v1/_test/reset', undefined],
    ] as const) {
      problem(await send(t.endpoint(), credentials, method, path, body), 403, 'AccessDenied');
    }
    expect((await getClock()).offsetMs).toBe(0);
    const viaSdk = await new SignedTransport({ endpoint: t.endpoint(), credentials })
      .send('GET', '/api/v1/_test/clock')
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(viaSdk).toBeInstanceOf(PeerlinkApiError);
    expect(viaSdk).toMatchObject({ statusCode: 403, code: 'AccessDenied' });
  });

  it('refuses bad moves with 400 problem+json and leaves the clock alone', async () => {
    for (const body of [
      '{"advanceMs": 1000, "advanceSeconds": 1}',
      '{"advanceSeconds": 1, "set": "2030-01-01T00:00:00Z"}',
      '{}',
      '{"set": "next tuesday"}',
      '{"set": ""}',
      '{"advanceMs": -1}',
      '{"advanceSeconds": -60}',
      '{"advanceMs": 1.5}',
      '{"advanceMs": "1000"}',
      '{"advanceMs": 1e20}',
      '{"advanceSeconds": 99999999999999}',
      '{"set": "+275760-09-13T00:00:00Z"}',
      '{"set": "1969-12-31T23:59:59Z"}',
      '{"realTime": false}',
      '{"realTime": true, "advanceMs": 1}',
      '[]',
    ]) {
      const answer = await send(t.endpoint(), adminCredentials, 'POST', '/api/v1/_test/clock', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 400, detail: expect.any(String) });
    }
    expect((await getClock()).offsetMs).toBe(0);
  });
});

describe('a server without the test clock', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer();
  });
  afterAll(() => plain.close());

  it('answers 403 TestClockDisabled to the administrator', async () => {
    const credentials = { ak: plain.admin.accessKeyId, sk: plain.admin.secretAccessKey };
    for (const [method, path, body] of [
      ['GET', '/api/v1/_test/clock', undefined],
      ['POST', '/api/v1/_test/clock', '{"advanceMs": 1}'],
      ['POST', '/api/v1/_test/reset', undefined],
    ] as const) {
      const body403 = problem(
        await send(plain.endpoint(), credentials, method, path, body),
        403,
        'TestClockDisabled',
      );
      expect(body403.detail).toContain('--test-clock');
    }
    const viaSdk = await new SignedTransport({ endpoint: plain.endpoint(), credentials })
      .send('POST', '/api/v1/_test/reset')
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(viaSdk).toMatchObject({ statusCode: 403, code: 'TestClockDisabled' });
  });
});
