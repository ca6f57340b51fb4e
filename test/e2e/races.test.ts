/**
 * Races over real HTTP. On PostgreSQL (PEERLINK_TEST_DATABASE_URL) three `peerlink serve` replicas,
 * each with its own data directory, share one schema and are started together (concurrent migrations
 * and bootstrap); requests go round-robin over them. On SQLite one process takes every request, so the
 * same races run inside one process. SDK retries are off: every answer below is the server's first.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BceServiceError,
  type CreatePeerConnArgs,
  type Credentials,
  PeerConnClient,
  PeerlinkApiError,
  PeerlinkClient,
  SignedTransport,
  VpcClient,
} from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_DATABASE_URL,
  TEST_MASTER_KEY,
  testSchemaFor,
} from '../../packages/server/src/testing/database.js';
import { type ServeProcess, spawnServe } from './support/process.js';

const REPLICAS = TEST_DATABASE_URL ? 3 : 1;
const CONCURRENT = 200;
const PER_ACCOUNT_QUOTA = 5;
const QUOTA_PAIRS = 40;
const ADMIN: Credentials = { ak: 'race-admin-ak-0001', sk: 'race-admin-sk-0001' };
const NO_RETRY = { maxRetries: 0 };
/** Generous: 200 requests queue behind a few database connections. */
const TIMEOUT_MS = 60_000;

const replicas: ServeProcess[] = [];
/** Error-level log lines of every replica (they log JSON to standard output), to explain a 5xx. */
const errorLogs: string[] = [];
let endpoints: string[] = [];

/** The i-th request's endpoint: round-robin over the replicas. */
const endpointAt = (i: number) => endpoints[i % endpoints.length]!;

const config = (credentials: Credentials, i: number) => ({
  endpoint: endpointAt(i),
  credentials,
  retry: NO_RETRY,
  timeoutMs: TIMEOUT_MS,
});
const peerConns = (credentials: Credentials, i = 0) => new PeerConnClient(config(credentials, i));

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'peerlink-races-'));
  const configFile = path.join(work, 'peerlink.json');
  writeFileSync(
    configFile,
    JSON.stringify({ quotas: { peerConnsPerAccount: PER_ACCOUNT_QUOTA, vpcsPerRegion: 50 } }),
  );
  const dataDirs = Array.from({ length: REPLICAS }, (_, i) => path.join(work, `replica-${i}`));
  const env: NodeJS.ProcessEnv = {
    PEERLINK_ADMIN_AK: ADMIN.ak,
    PEERLINK_ADMIN_SK: ADMIN.sk,
    PEERLINK_PEERCONN_STEP_MS: '0',
    ...(TEST_DATABASE_URL
      ? {
          PEERLINK_DATABASE_URL: TEST_DATABASE_URL,
          // One schema for all: the replicas share one state.
          PEERLINK_DATABASE_SCHEMA: testSchemaFor(dataDirs[0]!),
          PEERLINK_MASTER_KEY: TEST_MASTER_KEY,
        }
      : {}),
  };
  // All at once: migrations and the administrator's bootstrap race too.
  const started = await Promise.allSettled(
    dataDirs.map((dir) => spawnServe(['--data-dir', dir, '--config', configFile], env)),
  );
  for (const result of started) {
    if (result.status !== 'fulfilled') continue;
    replicas.push(result.value);
    result.value.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (/"level":(50|60)/.test(line)) errorLogs.push(brief(line));
    });
  }
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  endpoints = replicas.map((replica) => replica.endpoint);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
});

/** An error log line without its stack: message, database code and detail. */
function brief(line: string): string {
  try {
    const { msg, err } = JSON.parse(line) as { msg?: string; err?: Record<string, unknown> };
    return [msg, err?.message, err?.code, err?.detail].filter(Boolean).join(' | ');
  } catch {
    return line.slice(0, 300);
  }
}

// ---------------------------------------------------------------------------------------------------
// Answers and their tally

interface Answer<T> {
  /** HTTP status; 0 when no answer came back. */
  status: number;
  code: string;
  reason?: string;
  message?: string;
  value?: T;
}

async function answer<T>(call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { status: 200, code: 'OK', value: await call() };
  } catch (error) {
    if (error instanceof BceServiceError || error instanceof PeerlinkApiError) {
      return {
        status: error.statusCode,
        code: error.code,
        message: error.message,
        ...(error.reason ? { reason: error.reason } : {}),
      };
    }
    return { status: 0, code: (error as Error).name ?? 'Error', message: String(error) };
  }
}

const label = (a: Answer<unknown>) =>
  a.status === 200 ? '200' : `${a.status} ${a.code}${a.reason ? `/${a.reason}` : ''}`;

function tally(answers: Answer<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[label(a)] = (counts[label(a)] ?? 0) + 1;
  return counts;
}

/** What a failed expectation shows: the tally, a sample of odd answers, and the servers' error logs. */
function explain(answers: Answer<unknown>[], expected: (a: Answer<unknown>) => boolean): string {
  const odd = answers.filter((a) => !expected(a)).slice(0, 5);
  return JSON.stringify({ tally: tally(answers), odd, serverErrors: errorLogs.slice(-5) }, null, 1);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures

async function newTenant(name: string): Promise<Credentials & { accountId: string }> {
  const created = await new PeerlinkClient(config(ADMIN, 0)).createAccount({ name });
  return { accountId: created.accountId, ak: created.accessKeyId, sk: created.secretAccessKey };
}

async function newVpc(credentials: Credentials, cidr: string): Promise<string> {
  const vpcs = new VpcClient(config(credentials, 0));
  return (await vpcs.createVpc({ name: `race-${cidr.split('.')[1]}`, cidr })).vpcId;
}

/** Every connection id the account sees (each of its ends is listed; both ends of a same-account one). */
async function storedIds(credentials: Credentials, endpointIndex = 0): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const conn of peerConns(credentials, endpointIndex).paginatePeerConns({ maxKeys: 1000 })) {
    if (conn.status !== 'deleted') ids.add(conn.peerConnId);
  }
  return ids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds, at most ~10 s; answers the last value read. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !done(value); i++) {
    await sleep(100);
    value = await read();
  }
  return value;
}

interface EventView {
  at: string;
  actor: string;
  action: string;
  fromStatus: string;
  toStatus: string;
  detail?: string;
}

function events(credentials: Credentials, peerConnId: string): Promise<EventView[]> {
  return new SignedTransport(config(credentials, 0))
    .send<{ events: EventView[] }>('GET', `/api/v1/peerconns/${encodeURIComponent(peerConnId)}/events`)
    .then((body) => body.events);
}

const IN_FLIGHT = ['creating', 'starting', 'updating', 'stopping', 'deleting'];

// ---------------------------------------------------------------------------------------------------

describe(`races over HTTP against ${REPLICAS} replica(s) on ${TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('every replica is ready and shares one administrator', async () => {
    for (const endpoint of endpoints) {
      expect((await fetch(`${endpoint}/readyz`)).status).toBe(200);
    }
    const banners = replicas.filter((replica) =>
      replica.stderr().includes('created its administrator account'),
    ).length;
    expect(banners).toBe(1);
    for (let i = 0; i < endpoints.length; i++) {
      const admin = new PeerlinkClient(config(ADMIN, i));
      expect(await admin.whoami()).toMatchObject({ isAdmin: true });
      const { accounts } = await admin.listAccounts({ maxKeys: 1000 });
      expect(accounts.filter((account) => account.isAdmin)).toHaveLength(1);
    }
  });

  it(`${CONCURRENT} concurrent creates for one VPC pair, both directions: one connection, the rest refused`, async () => {
    const tenant = await newTenant('race-pair');
    const a = await newVpc(tenant, '10.1.0.0/16');
    const b = await newVpc(tenant, '10.2.0.0/16');
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        answer(() =>
          peerConns(tenant, i).createPeerConn({
            bandwidthInMbps: 10,
            localVpcId: i % 2 === 0 ? a : b,
            peerVpcId: i % 2 === 0 ? b : a,
            peerRegion: 'bj',
            billing: { paymentTiming: 'Postpaid' },
            description: `attempt ${i}`,
          }),
        ),
      ),
    );
    const refused = (x: Answer<unknown>) =>
      x.status === 409 && x.code === 'OperationDenied' && x.reason === 'PeerConnPairExists';
    const expected = (x: Answer<unknown>) => x.status === 200 || refused(x);
    expect(answers.every(expected), explain(answers, expected)).toBe(true);
    expect(tally(answers)).toEqual({ '200': 1, '409 OperationDenied/PeerConnPairExists': CONCURRENT - 1 });
    const winner = answers.find((x) => x.status === 200)!.value!.peerConnId;
    for (let i = 0; i < endpoints.length; i++) {
      expect([...(await storedIds(tenant, i))]).toEqual([winner]);
    }
    const settled = await poll(
      () => peerConns(tenant).getPeerConn(winner),
      (conn) => conn.status === 'active',
    );
    expect(settled.status).toBe('active');
  }, 60_000);

  it(`${CONCURRENT} concurrent retries of one clientToken: one connection, one id`, async () => {
    const tenant = await newTenant('race-token');
    const a = await newVpc(tenant, '10.3.0.0/16');
    const b = await newVpc(tenant, '10.4.0.0/16');
    const request: CreatePeerConnArgs = {
      clientToken: randomUUID(),
      bandwidthInMbps: 20,
      localVpcId: a,
      peerVpcId: b,
      peerRegion: 'bj',
      billing: { paymentTiming: 'Postpaid' },
      description: 'one token',
    };
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        answer(() => peerConns(tenant, i).createPeerConn(request)),
      ),
    );
    const ok = (x: Answer<unknown>) => x.status === 200;
    expect(answers.every(ok), explain(answers, ok)).toBe(true);
    const ids = new Set(answers.map((x) => x.value!.peerConnId));
    expect(ids.size).toBe(1);
    for (let i = 0; i < endpoints.length; i++) {
      expect(await storedIds(tenant, i)).toEqual(ids);
    }
  }, 60_000);

  it('concurrent accept, reject and release of one request: one consistent outcome', async () => {
    const ROUNDS = 3;
    const EACH = 30;
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const initiator = await newTenant(`race-initiator-${round}`);
      const acceptor = await newTenant(`race-acceptor-${round}`);
      const local = await newVpc(initiator, '10.5.0.0/16');
      const peer = await newVpc(acceptor, '10.6.0.0/16');
      const { peerConnId } = await peerConns(initiator).createPeerConn({
        bandwidthInMbps: 10,
        localVpcId: local,
        peerVpcId: peer,
        peerAccountId: acceptor.accountId,
        peerRegion: 'bj',
        billing: { paymentTiming: 'Postpaid' },
      });
      const consulting = await poll(
        () => peerConns(acceptor).getPeerConn(peerConnId),
        (conn) => conn.status === 'consulting',
      );
      expect(consulting.status).toBe('consulting');

      const operations = ['accept', 'reject', 'release'] as const;
      const calls = Array.from({ length: EACH * operations.length }, (_, i) => {
        // Rotate the order from one triple and one round to the next: no operation always goes first.
        const operation = operations[(i + Math.floor(i / operations.length) + round) % operations.length]!;
        return { operation, i };
      });
      const answers = await Promise.all(
        calls.map(({ operation, i }) =>
          answer(() =>
            operation === 'release'
              ? peerConns(initiator, i).release(peerConnId)
              : operation === 'accept'
                ? peerConns(acceptor, i).accept(peerConnId)
                : peerConns(acceptor, i).reject(peerConnId),
          ).then((a) => ({ ...a, operation })),
        ),
      );
      const clear = (x: Answer<unknown>) =>
        x.status === 200 ||
        (x.status === 409 &&
          x.code === 'OperationDenied' &&
          ['InvalidPeerConnStatus', 'PeerConnBusy'].includes(x.reason ?? ''));
      expect(answers.every(clear), explain(answers, clear)).toBe(true);

      // Let in-flight steps finish and the reconciler record them.
      const history = await poll(
        async () => {
          const conn = await peerConns(initiator).getPeerConn(peerConnId);
          return { conn, events: await events(initiator, peerConnId) };
        },
        ({ conn, events }) => !IN_FLIGHT.includes(conn.status) && events.at(-1)?.toStatus === conn.status,
      );
      const final = history.conn.status;
      const log = history.events;
      const context = JSON.stringify({ final, log, tally: tally(answers) }, null, 1);
      expect(log.at(-1)?.toStatus, context).toBe(final);
      // One unbroken chain of states.
      for (let k = 1; k < log.length; k++) expect(log[k]!.fromStatus, context).toBe(log[k - 1]!.toStatus);
      const count = (action: string) => log.filter((event) => event.action === action).length;
      const okOf = (operation: string) =>
        answers.filter((x) => x.operation === operation && x.status === 200).length;
      expect(count('Accept'), context).toBeLessThanOrEqual(1);
      expect(count('Reject'), context).toBeLessThanOrEqual(1);
      expect(count('Accept') + count('Reject'), context).toBeLessThanOrEqual(1);
      expect(count('Release'), context).toBeLessThanOrEqual(1);
      // Accept and reject only answer 200 when they did change the connection.
      expect(okOf('accept'), context).toBe(count('Accept'));
      expect(okOf('reject'), context).toBe(count('Reject'));
      // Releasing a deleting or deleted connection is a no-op that answers 200.
      expect(okOf('release'), context).toBeGreaterThanOrEqual(count('Release'));
      if (count('Release') === 0) expect(okOf('release'), context).toBe(0);

      if (count('Release') === 1) {
        expect(['deleting', 'deleted'], context).toContain(final);
        const release = log.find((event) => event.action === 'Release')!;
        const before = count('Accept') ? 'active' : count('Reject') ? 'consult_failed' : 'consulting';
        expect(release.fromStatus, context).toBe(before);
      } else if (count('Accept') === 1) {
        expect(final, context).toBe('active');
      } else {
        expect(final, context).toBe(count('Reject') ? 'consult_failed' : 'consulting');
      }
      const first = log.find((event) => ['Accept', 'Reject', 'Release'].includes(event.action));
      winners.push(first?.action ?? 'none');
    }
    // Every round ended some way: the request never stays unanswered with 90 answers in flight.
    expect(winners.every((winner) => winner !== 'none')).toBe(true);
  }, 60_000);

  it(`the per-account quota holds against ${QUOTA_PAIRS} concurrent creates for distinct VPC pairs`, async () => {
    const tenant = await newTenant('race-quota');
    const vpcs: string[] = [];
    for (let i = 0; i < 16; i++) vpcs.push(await newVpc(tenant, `10.${20 + i}.0.0/16`));
    const pairs: [string, string][] = [];
    for (let x = 0; x < vpcs.length; x++) {
      for (let y = x + 1; y < vpcs.length; y++) pairs.push([vpcs[x]!, vpcs[y]!]);
    }
    const chosen = pairs.filter((_, k) => k % 3 === 0).slice(0, QUOTA_PAIRS);
    expect(chosen).toHaveLength(QUOTA_PAIRS);
    const answers = await Promise.all(
      chosen.map(([local, peer], i) =>
        answer(() =>
          peerConns(tenant, i).createPeerConn({
            bandwidthInMbps: 10,
            localVpcId: local,
            peerVpcId: peer,
            peerRegion: 'bj',
            billing: { paymentTiming: 'Postpaid' },
          }),
        ),
      ),
    );
    const refused = (x: Answer<unknown>) =>
      x.status === 413 && x.code === 'LimitExceeded' && x.reason === 'PeerConnPerAccountQuotaExceeded';
    const expected = (x: Answer<unknown>) => x.status === 200 || refused(x);
    expect(answers.every(expected), explain(answers, expected)).toBe(true);
    expect(tally(answers)).toEqual({
      '200': PER_ACCOUNT_QUOTA,
      '413 LimitExceeded/PeerConnPerAccountQuotaExceeded': QUOTA_PAIRS - PER_ACCOUNT_QUOTA,
    });
    for (let i = 0; i < endpoints.length; i++) {
      expect((await storedIds(tenant, i)).size).toBe(PER_ACCOUNT_QUOTA);
    }
  }, 60_000);

  it('no replica logged an error, and every replica stops cleanly', async () => {
    expect(errorLogs).toEqual([]);
    const codes = await Promise.all(replicas.map((replica) => replica.stop()));
    expect(codes).toEqual(replicas.map(() => 0));
  });
});
