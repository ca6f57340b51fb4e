import { rmSync } from 'node:fs';
import { type Credentials, PeerlinkApiError, SignedTransport } from '@peerlink/sdk';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startTestServer, type TestServer, tempDataDir } from '../testing/harness.js';
import { type SignedResponse, signedRequest } from '../testing/signed-request.js';
import { Reconciler, type ReconcileTask } from './reconciler.js';

const STEP_MS = 1_000;
/** The loop's own ticks are kept out of the way: work is done when a test reconciles. */
const OVERRIDES = { peerConnStepMs: STEP_MS, reconcileIntervalMs: 3_600_000 };

interface EventView {
  at: string;
  actor: string;
  action: string;
  fromStatus: string;
  toStatus: string;
  detail?: string;
}

function events(t: TestServer, credentials: Credentials, peerConnId: string) {
  return new SignedTransport({ endpoint: t.endpoint(), credentials }).send<{
    peerConnId: string;
    events: EventView[];
  }>('GET', `/api/v1/peerconns/${peerConnId}/events`);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('due transitions across a restart', () => {
  const clock = new ManualClock();
  const dataDir = tempDataDir();
  let second: TestServer | undefined;
  afterAll(async () => {
    await second?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes a step that fell due while the server was down', async () => {
    const first = await startTestServer({ clock, dataDir, overrides: OVERRIDES });
    const owner = await first.newAccount();
    const { vpcId: left } = await owner.vpc.createVpc({ name: 'left', cidr: '10.0.0.0/16' });
    const { vpcId: right } = await owner.vpc.createVpc({ name: 'right', cidr: '172.16.0.0/16' });
    const createdAt = clock.now();
    const { peerConnId } = await owner.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: left,
      peerVpcId: right,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    expect((await owner.peerConn.getPeerConn(peerConnId)).status).toBe('creating');
    await first.close();

    clock.advance(STEP_MS + 1);
    second = await startTestServer({ clock, dataDir, overrides: OVERRIDES, admin: first.admin });
    expect(second.admin).toEqual(first.admin);
    const again = second.clients(owner.credentials);
    await second.reconcile();
    expect((await again.peerConn.getPeerConn(peerConnId)).status).toBe('active');
    const { events: recorded } = await events(second, owner.credentials, peerConnId);
    // Done at the time it fell due, not when the server came back.
    expect(recorded).toEqual([
      {
        at: iso(createdAt),
        actor: owner.accountId,
        action: 'Create',
        fromStatus: 'creating',
        toStatus: 'creating',
      },
      {
        at: iso(createdAt + STEP_MS),
        actor: 'system',
        action: 'Complete',
        fromStatus: 'creating',
        toStatus: 'active',
      },
    ]);
    // Nothing is left due, and the old administrator still administers.
    expect(await second.reconcile()).toBe(0);
    await expect(second.newAccount()).resolves.toHaveProperty('accountId');
  });

  it('refuses a used data directory when no administrator is given', async () => {
    const fresh = await startTestServer({ clock });
    await fresh.close();
    const error = await startTestServer({ clock, dataDir: fresh.dataDir }).then(
      async (unexpected) => {
        await unexpected.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    rmSync(fresh.dataDir, { recursive: true, force: true });
    expect(String(error)).toContain('not empty');
  });
});

describe('GET /api/v1/peerconns/{id}/events', () => {
  const clock = new ManualClock(Date.parse('2030-03-01T08:00:00.000Z'));
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ clock, overrides: OVERRIDES });
  });
  afterAll(() => t.close());

  /** Checks an RFC 9457 problem answer and answers its body. */
  function problem(answer: SignedResponse, status: number): Record<string, unknown> {
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ status, code: expect.any(String), detail: expect.any(String) });
    return body;
  }

  it('lists every change oldest first: who, what, from and to, when', async () => {
    const a = await t.newAccount();
    const b = await t.newAccount();
    const { vpcId: localVpcId } = await a.vpc.createVpc({ name: 'near', cidr: '10.0.0.0/16' });
    const { vpcId: peerVpcId } = await b.vpc.createVpc({ name: 'far', cidr: '172.16.0.0/16' });
    const t0 = clock.now();
    const { peerConnId } = await a.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId,
      peerVpcId,
      peerRegion: 'bj',
      peerAccountId: b.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    clock.advance(STEP_MS + 5);
    await t.reconcile();
    clock.advance(60_000);
    const acceptedAt = clock.now();
    await b.peerConn.accept(peerConnId);
    clock.advance(STEP_MS);
    await t.reconcile();
    clock.advance(1_000);
    const releasedAt = clock.now();
    await a.peerConn.release(peerConnId);
    clock.advance(STEP_MS);
    await t.reconcile();

    const answer = await events(t, a.credentials, peerConnId);
    expect(answer.peerConnId).toBe(peerConnId);
    expect(answer.events).toEqual([
      { at: iso(t0), actor: a.accountId, action: 'Create', fromStatus: 'creating', toStatus: 'creating' },
      {
        at: iso(t0 + STEP_MS),
        actor: 'system',
        action: 'Complete',
        fromStatus: 'creating',
        toStatus: 'consulting',
      },
      {
        at: iso(acceptedAt),
        actor: b.accountId,
        action: 'Accept',
        fromStatus: 'consulting',
        toStatus: 'starting',
      },
      {
        at: iso(acceptedAt + STEP_MS),
        actor: 'system',
        action: 'Complete',
        fromStatus: 'starting',
        toStatus: 'active',
      },
      {
        at: iso(releasedAt),
        actor: a.accountId,
        action: 'Release',
        fromStatus: 'active',
        toStatus: 'deleting',
      },
      {
        at: iso(releasedAt + STEP_MS),
        actor: 'system',
        action: 'Complete',
        fromStatus: 'deleting',
        toStatus: 'deleted',
      },
    ]);
    for (const event of answer.events) expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const times = answer.events.map((event) => Date.parse(event.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // The acceptor reads the same history.
    expect((await events(t, b.credentials, peerConnId)).events).toEqual(answer.events);
  });

  it('records a reject and a timeout found by a later read-and-write the same way', async () => {
    const a = await t.newAccount();
    const b = await t.newAccount();
    const { vpcId: localVpcId } = await a.vpc.createVpc({ name: 'near', cidr: '10.0.0.0/16' });
    const { vpcId: peerVpcId } = await b.vpc.createVpc({ name: 'far', cidr: '172.16.0.0/16' });
    const { peerConnId } = await a.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId,
      peerVpcId,
      peerRegion: 'bj',
      peerAccountId: b.accountId,
      billing: { paymentTiming: 'Postpaid' },
    });
    // No reconcile: the reject itself writes down the step that was already over.
    clock.advance(STEP_MS + 1);
    await b.peerConn.reject(peerConnId);
    const { events: recorded } = await events(t, a.credentials, peerConnId);
    expect(recorded.map((event) => [event.action, event.actor, event.fromStatus, event.toStatus])).toEqual([
      ['Create', a.accountId, 'creating', 'creating'],
      ['Complete', 'system', 'creating', 'consulting'],
      ['Reject', b.accountId, 'consulting', 'consult_failed'],
    ]);
  });

  it('is a 404 problem for another account and for an unknown id', async () => {
    const owner = await t.newAccount();
    const stranger = await t.newAccount();
    const { vpcId: left } = await owner.vpc.createVpc({ name: 'left', cidr: '10.0.0.0/16' });
    const { vpcId: right } = await owner.vpc.createVpc({ name: 'right', cidr: '172.16.0.0/16' });
    const { peerConnId } = await owner.peerConn.createPeerConn({
      bandwidthInMbps: 10,
      localVpcId: left,
      peerVpcId: right,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
    });
    for (const [credentials, id] of [
      [stranger.credentials, peerConnId],
      [owner.credentials, 'peerconn-000000000000'],
    ] as const) {
      const answer = await signedRequest({
        endpoint: t.endpoint(),
        credentials,
        method: 'GET',
        path: `/api/v1/peerconns/${id}/events`,
      });
      const body = problem(answer, 404);
      expect(body.code).toBe('NoSuchObject');
      expect(body.detail).toContain(id);
      expect(answer.text).not.toContain(owner.accountId);
    }
    // The owner through another region's endpoint has no end there either.
    const fromGz = await new SignedTransport({ endpoint: t.endpoint('gz'), credentials: owner.credentials })
      .send('GET', `/api/v1/peerconns/${peerConnId}/events`)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(fromGz).toBeInstanceOf(PeerlinkApiError);
    expect(fromGz).toMatchObject({ statusCode: 404, code: 'NoSuchObject' });
  });
});

describe('Reconciler', () => {
  /** The one test double: a logger that keeps what was logged as errors. */
  function fakeLogger() {
    const errors: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = {
      error: (fields: Record<string, unknown>, message: string) => errors.push({ fields, message }),
    };
    return { errors, log: logger as unknown as FastifyBaseLogger };
  }

  /** A task that does `items` pieces of work in total, some per run. */
  function countingTask(name: string, items: number, perRun = 1): ReconcileTask & { runs: number } {
    let left = items;
    const task = {
      name,
      runs: 0,
      run: async () => {
        task.runs += 1;
        const done = Math.min(perRun, left);
        left -= done;
        return done;
      },
    };
    return task;
  }

  it('keeps running the other tasks when one throws, and logs the failure', async () => {
    const { errors, log } = fakeLogger();
    const failure = new Error('database is locked');
    const broken: ReconcileTask = {
      name: 'broken',
      run: async () => {
        throw failure;
      },
    };
    const before = countingTask('before', 3);
    const after = countingTask('after', 2);
    const reconciler = new Reconciler([before, broken, after], 3_600_000, log);

    expect(await reconciler.drain()).toBe(5);
    // Three ticks did work, the fourth found nothing; the broken task failed in every one.
    expect(before.runs).toBe(4);
    expect(after.runs).toBe(4);
    expect(errors).toHaveLength(4);
    for (const logged of errors) {
      expect(logged).toEqual({ fields: { err: failure, task: 'broken' }, message: 'reconcile task failed' });
    }
  });

  it('ticks by itself once started, through failures, until stopped', async () => {
    const { errors, log } = fakeLogger();
    let failures = 0;
    const flaky: ReconcileTask = {
      name: 'flaky',
      run: async () => {
        failures += 1;
        throw new Error(`failure ${failures}`);
      },
    };
    const steady = countingTask('steady', 1_000);
    const reconciler = new Reconciler([flaky, steady], 10, log);
    reconciler.start();
    const deadline = Date.now() + 3_000;
    while (steady.runs < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await reconciler.stop();
    expect(steady.runs).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBe(failures);
    expect(errors.map((logged) => logged.fields.task)).toEqual(errors.map(() => 'flaky'));

    const runsAtStop = steady.runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steady.runs).toBe(runsAtStop);
  });

  it('runs one more tick when poked during a tick, never two at once', async () => {
    const { log } = fakeLogger();
    let running = 0;
    let overlapped = false;
    let runs = 0;
    let release: () => void = () => {};
    const slow: ReconcileTask = {
      name: 'slow',
      run: async () => {
        runs += 1;
        running += 1;
        if (running > 1) overlapped = true;
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        running -= 1;
        return 0;
      },
    };
    const reconciler = new Reconciler([slow], 3_600_000, log);
    reconciler.poke();
    reconciler.poke();
    reconciler.poke();
    expect(runs).toBe(1);
    release();
    const deadline = Date.now() + 3_000;
    while (runs < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await reconciler.stop();
    expect(runs).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('ticks again at once while ticks handle something, and stops when one handles nothing', async () => {
    const { log } = fakeLogger();
    let waiting = 5;
    let runs = 0;
    const batches: ReconcileTask = {
      name: 'batches',
      run: async () => {
        runs += 1;
        if (waiting === 0) return 0;
        waiting -= 1;
        return 1;
      },
    };
    const reconciler = new Reconciler([batches], 3_600_000, log);
    reconciler.poke();
    const deadline = Date.now() + 3_000;
    while (runs < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await reconciler.stop();
    expect(waiting).toBe(0);
    expect(runs).toBe(6);
  });
});
