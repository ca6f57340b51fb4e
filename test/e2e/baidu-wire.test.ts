/**
 * The whole peer connection lifecycle over real HTTP, each request carrying exactly the bytes one of
 * Baidu's official SDKs (Go, Java, Python) would send, signed by Baidu's own JS signer
 * (`@baiducloud/sdk` Auth) rather than by Peerlink's. Reference: bce-peerconn-api.md §1, §2.1, §5.2,
 * §5.3, §6.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Credentials } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Region } from '../../packages/server/src/domain/regions.js';
import { ManualClock, startTestServer, type TestServer } from '../../packages/server/src/testing/harness.js';
import { rawRequest } from '../../packages/server/src/testing/raw-request.js';

/** Baidu's JS signer: signs every `x-bce-*` header plus `headersToSign`, and lists what it signed. */
interface BaiduAuth {
  generateAuthorization(
    method: string,
    resource: string,
    params?: Record<string, string>,
    headers?: Record<string, string>,
    timestampSeconds?: number,
    expirationSeconds?: number,
    headersToSign?: string[],
  ): string;
}
const { Auth } = createRequire(import.meta.url)('@baiducloud/sdk') as {
  Auth: new (ak: string, sk: string) => BaiduAuth;
};

const BCE_JSON = 'application/json;charset=UTF-8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PEER_CONN_ID = /^peerconn-[0-9a-z]{12}$/;
const IF_ID = /^qpif-[0-9a-z]{12}$/;
const VPC_ID = /^vpc-[0-9a-z]{12}$/;
const EXPIRATION_SECONDS = 1800;
/** The signer's default set (host, content-md5, content-length, content-type) plus every `x-bce-*`. */
const DEFAULT_SIGNED = ['host', 'content-md5', 'content-length', 'content-type'];

// ---------------------------------------------------------------------------------------------------
// Request builders, one per SDK (reference §5.2). Each answers the request as it goes on the wire.

/** What an SDK method call asks for: flags are parameters with an empty value. */
interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: [string, string][];
  body?: string;
}

interface WireRequest {
  method: string;
  /** Path and query exactly as sent. */
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** RFC 3986 encoding, as every SDK writes query values. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function md5Base64(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('base64');
}

function withQuery(path: string, items: string[]): string {
  return items.length > 0 ? `${path}?${items.join('&')}` : path;
}

function sign(
  credentials: Credentials,
  call: Call,
  headers: Record<string, string>,
  at: Date,
  list: string[],
) {
  return new Auth(credentials.ak, credentials.sk).generateAuthorization(
    call.method,
    call.path,
    Object.fromEntries(call.query ?? []),
    headers,
    Math.floor(at.getTime() / 1000),
    EXPIRATION_SECONDS,
    list,
  );
}

/** `bce-auth-v1/ak/ts/exp/<list>/sig` → `bce-auth-v1/ak/ts/exp//sig`: the signature does not cover the list. */
function withEmptySignedList(authorization: string): string {
  return authorization.replace(/^(bce-auth-v1\/[^/]+\/[^/]+\/\d+)\/[^/]*\//, '$1//');
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * bce-sdk-go: `x-bce-date`, an explicit signed list (host, content-type, content-length, content-md5,
 * `x-bce-*` but not the request id), Content-Length and Content-Md5 only with a body, bare flags
 * (`?accept`) in map (random) order. Go's net/http itself adds an unsigned `Content-Length: 0` to a
 * body-less PUT or POST.
 */
function goStyle(credentials: Credentials, host: string, call: Call, at = new Date()): WireRequest {
  const signed: Record<string, string> = {
    Host: host,
    'Content-Type': 'application/json;charset=utf-8',
    'X-Bce-Date': isoSeconds(at),
  };
  if (call.body !== undefined) {
    signed['Content-Length'] = String(Buffer.byteLength(call.body));
    signed['Content-Md5'] = md5Base64(call.body);
  }
  const authorization = sign(credentials, call, signed, at, Object.keys(signed));
  const query = shuffled(call.query ?? []).map(([k, v]) => (v === '' ? k : `${k}=${uriEncode(v)}`));
  const transport: Record<string, string> =
    call.body === undefined && (call.method === 'PUT' || call.method === 'POST')
      ? { 'Content-Length': '0' }
      : {};
  return {
    method: call.method,
    target: withQuery(call.path, query),
    headers: { ...signed, ...transport, 'X-Bce-Request-Id': randomUUID(), Authorization: authorization },
    ...(call.body !== undefined ? { body: call.body } : {}),
  };
}

/**
 * bce-sdk-java: no `x-bce-date` but an RFC 1123 `Date`, an EMPTY signed list (the default set is
 * signed all the same), `application/json; charset=utf-8`, Content-Length on POST and PUT, bare
 * flags, parameters sorted.
 */
function javaStyle(credentials: Credentials, host: string, call: Call, at = new Date()): WireRequest {
  const headers: Record<string, string> = {
    Host: host,
    'Content-Type': 'application/json; charset=utf-8',
    Date: at.toUTCString(),
  };
  if (call.method === 'POST' || call.method === 'PUT') {
    headers['Content-Length'] = String(Buffer.byteLength(call.body ?? ''));
  }
  const authorization = withEmptySignedList(sign(credentials, call, headers, at, DEFAULT_SIGNED));
  const query = [...(call.query ?? [])]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === '' ? k : `${k}=${uriEncode(v)}`));
  return {
    method: call.method,
    target: withQuery(call.path, query),
    headers: { ...headers, Authorization: authorization },
    ...(call.body !== undefined ? { body: call.body } : {}),
  };
}

/**
 * bce-sdk-python: `x-bce-date`, an EMPTY signed list, `Content-Length` always (0 even on a GET),
 * `Accept: *\/*`, flags written `accept=`.
 */
function pythonStyle(credentials: Credentials, host: string, call: Call, at = new Date()): WireRequest {
  const headers: Record<string, string> = {
    Accept: '*/*',
    'Content-Type': 'application/json;charset=utf-8',
    Host: host,
    'Content-Length': String(Buffer.byteLength(call.body ?? '')),
    'x-bce-date': isoSeconds(at),
  };
  const authorization = withEmptySignedList(sign(credentials, call, headers, at, DEFAULT_SIGNED));
  const query = (call.query ?? []).map(([k, v]) => `${k}=${uriEncode(v)}`);
  return {
    method: call.method,
    target: withQuery(call.path, query),
    headers: { ...headers, Authorization: authorization },
    ...(call.body !== undefined ? { body: call.body } : {}),
  };
}

type Style = typeof goStyle;

/** `json.dumps` with Python's default separators (`", "` and `": "`). */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------
// The server and how answers are checked.

const STEP_MS = 1_000;
/** Business time only (signatures use the real clock): a fixed date keeps expiry dates exact. */
const clock = new ManualClock(Date.UTC(2031, 0, 10, 8, 0, 0));
let t: TestServer;
type Account = Awaited<ReturnType<TestServer['newAccount']>>;

beforeAll(async () => {
  t = await startTestServer({ clock, overrides: { peerConnStepMs: STEP_MS } });
});
afterAll(() => t?.close());

function hostOf(region: Region): string {
  return new URL(t.endpoint(region)).host;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
  requestId: string;
}

/** Sends one request; every answer is BCE JSON and carries a request id. */
async function send(account: Account, region: Region, style: Style, call: Call): Promise<Answer> {
  const wire = style(account.credentials, hostOf(region), call);
  const response = await rawRequest({
    port: Number(new URL(t.endpoint(region)).port),
    method: wire.method,
    path: wire.target,
    headers: wire.headers,
    ...(wire.body !== undefined ? { body: wire.body } : {}),
  });
  const requestId = response.headers['x-bce-request-id'];
  expect(requestId, `${call.method} ${wire.target}`).toMatch(UUID);
  expect(response.headers['content-type']).toBe(BCE_JSON);
  return {
    status: response.status,
    headers: response.headers,
    text: response.body,
    json: response.body === '' ? undefined : JSON.parse(response.body),
    requestId: requestId as string,
  };
}

/** An "empty" success: 200, `{}`, an explicit Content-Length, never chunked (reference §1.0). */
function expectEmptySuccess(answer: Answer): void {
  expect(answer.status, answer.text).toBe(200);
  expect(answer.text).toBe('{}');
  expect(answer.headers['content-length']).toBe('2');
  expect(answer.headers['transfer-encoding']).toBeUndefined();
}

/** A JSON success with an explicit length. */
function expectJsonSuccess(answer: Answer): unknown {
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
  expect(answer.headers['transfer-encoding']).toBeUndefined();
  return answer.json;
}

/** The BCE error body (reference §5.5): code, message, requestId equal to the header, and the reason. */
function expectBceError(answer: Answer, status: number, code: string, reason: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toEqual({ code, message: expect.any(String), requestId: answer.requestId, reason });
  expect((answer.json as { message: string }).message).not.toBe('');
}

function bceTime(ms: number): string {
  return isoSeconds(new Date(ms));
}

/** One calendar month later, UTC (no day clamping needed from the 10th). */
function plusMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

async function settle(): Promise<void> {
  clock.advance(STEP_MS);
  await t.reconcile();
}

const token = () => randomUUID();

async function createVpc(account: Account, region: Region, style: Style, name: string, cidr: string) {
  const body = style === pythonStyle ? pythonJson({ name, cidr }) : JSON.stringify({ name, cidr });
  const answer = await send(account, region, style, {
    method: 'POST',
    path: '/v1/vpc',
    query: [['clientToken', token()]],
    body,
  });
  const json = expectJsonSuccess(answer) as { vpcId: string };
  expect(json).toEqual({ vpcId: expect.stringMatching(VPC_ID) });
  return json.vpcId;
}

interface PeerConnJson {
  peerConnId: string;
  role: string;
  status: string;
  localIfId: string;
  localIfName: string;
  expiredTime: string;
  [key: string]: unknown;
}

async function getPeerConn(account: Account, region: Region, style: Style, id: string, role?: string) {
  const answer = await send(account, region, style, {
    method: 'GET',
    path: `/v1/peerconn/${id}`,
    ...(role ? { query: [['role', role]] as [string, string][] } : {}),
  });
  return expectJsonSuccess(answer) as PeerConnJson;
}

// ---------------------------------------------------------------------------------------------------

describe('the request builders', () => {
  it('reproduce the Go and Python signatures of reference §5.3, and sign Java with an empty list', () => {
    const credentials = { ak: '0123456789abcdef0123456789abcdef', sk: 'fedcba9876543210fedcba9876543210' };
    const at = new Date('2018-07-06T11:29:59Z');
    const go = goStyle(
      credentials,
      'bcc.bj.baidubce.com',
      {
        method: 'PUT',
        path: '/v1/peerconn/peerconn-9td54fmx143e',
        query: [
          ['accept', ''],
          ['clientToken', 'tok'],
        ],
      },
      at,
    );
    expect(go.headers.Authorization).toBe(
      'bce-auth-v1/0123456789abcdef0123456789abcdef/2018-07-06T11:29:59Z/1800/content-type;host;x-bce-date/' +
        '6a32b5129ec036ab850620153c01e06992e46fac6f583e90119517e41bd13673',
    );
    expect([
      '/v1/peerconn/peerconn-9td54fmx143e?accept&clientToken=tok',
      '/v1/peerconn/peerconn-9td54fmx143e?clientToken=tok&accept',
    ]).toContain(go.target);

    const java = javaStyle(
      credentials,
      'bcc.bj.baidubce.com',
      { method: 'PUT', path: '/v1/peerconn/peerconn-9td54fmx143e', query: [['accept', '']], body: '{}' },
      at,
    );
    expect(java.target).toBe('/v1/peerconn/peerconn-9td54fmx143e?accept');
    expect(java.headers).toEqual({
      Host: 'bcc.bj.baidubce.com',
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': '2',
      Date: 'Fri, 06 Jul 2018 11:29:59 GMT',
      Authorization: expect.stringMatching(
        /^bce-auth-v1\/0123456789abcdef0123456789abcdef\/2018-07-06T11:29:59Z\/1800\/\/[0-9a-f]{64}$/,
      ),
    });

    const python = pythonStyle(
      credentials,
      'bcc.bj.baidubce.com',
      {
        method: 'PUT',
        path: '/v1/peerconn/peerconn-9td54fmx143e',
        query: [
          ['accept', ''],
          ['clientToken', 'be31b98c-5e41-4838-9d30-9be700de5a20'],
        ],
      },
      at,
    );
    expect(python.target).toBe(
      '/v1/peerconn/peerconn-9td54fmx143e?accept=&clientToken=be31b98c-5e41-4838-9d30-9be700de5a20',
    );
    expect(python.headers.Authorization).toBe(
      'bce-auth-v1/0123456789abcdef0123456789abcdef/2018-07-06T11:29:59Z/1800//' +
        '9b7a928db9fca5793362181c74e7416e2a11f4dcd50605358b0594f75b606e50',
    );
  });
});

describe('peer connections driven with the exact bytes of the Go, Java and Python SDKs', () => {
  it('runs a cross-account prepaid connection from request to refund', async () => {
    const a = await t.newAccount('bj');
    const b = await t.newAccount('gz');
    const vpcA = await createVpc(a, 'bj', goStyle, 'wire_a', '10.1.0.0/16');
    const vpcB = await createVpc(b, 'gz', pythonStyle, 'wire_b', '10.2.0.0/16');

    // Go sends `"billing": null` when the caller forgot it: refused, in the BCE error format.
    const nullBilling = await send(a, 'bj', goStyle, {
      method: 'POST',
      path: '/v1/peerconn',
      query: [['clientToken', token()]],
      body: JSON.stringify({
        bandwidthInMbps: 10,
        localVpcId: vpcA,
        peerAccountId: b.accountId,
        peerVpcId: vpcB,
        peerRegion: 'gz',
        billing: null,
      }),
    });
    expectBceError(nullBilling, 400, 'BadRequest', 'BillingRequired');

    // Java: prepaid, one `Month`.
    const createdAt = clock.now();
    const created = await send(a, 'bj', javaStyle, {
      method: 'POST',
      path: '/v1/peerconn',
      query: [['clientToken', token()]],
      body: JSON.stringify({
        bandwidthInMbps: 10,
        description: 'bj to gz',
        localVpcId: vpcA,
        peerAccountId: b.accountId,
        peerVpcId: vpcB,
        peerRegion: 'gz',
        billing: {
          paymentTiming: 'Prepaid',
          reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
        },
      }),
    });
    const { peerConnId: id } = expectJsonSuccess(created) as { peerConnId: string };
    expect(created.json).toEqual({ peerConnId: expect.stringMatching(PEER_CONN_ID) });

    // Go: the initiator end, `creating`, then `consulting` once the step is over.
    const first = await getPeerConn(a, 'bj', goStyle, id);
    const initiator = {
      peerConnId: id,
      role: 'initiator',
      status: 'creating',
      bandwidthInMbps: 10,
      description: 'bj to gz',
      localIfId: first.localIfId,
      localIfName: `int-${first.localIfId.slice(-8)}`,
      localVpcId: vpcA,
      localRegion: 'bj',
      peerVpcId: vpcB,
      peerRegion: 'gz',
      peerAccountId: b.accountId,
      paymentTiming: 'Prepaid',
      dnsStatus: 'close',
      createdTime: bceTime(createdAt),
      expiredTime: '',
      tags: [],
      deleteProtect: false,
    };
    expect(first.localIfId).toMatch(IF_ID);
    expect(first).toEqual(initiator);
    await settle();
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual({ ...initiator, status: 'consulting' });

    // Python: B lists its VPC's connections (vpcId is mandatory there) and sees the acceptor end.
    const listed = expectJsonSuccess(
      await send(b, 'gz', pythonStyle, { method: 'GET', path: '/v1/peerconn', query: [['vpcId', vpcB]] }),
    ) as { peerConns: PeerConnJson[] };
    const acceptorIfId = listed.peerConns[0]?.localIfId ?? '';
    expect(acceptorIfId).toMatch(IF_ID);
    expect(acceptorIfId).not.toBe(initiator.localIfId);
    const acceptor = {
      peerConnId: id,
      role: 'acceptor',
      status: 'consulting',
      bandwidthInMbps: 10,
      description: '',
      localIfId: acceptorIfId,
      localIfName: `int-${acceptorIfId.slice(-8)}`,
      localVpcId: vpcB,
      localRegion: 'gz',
      peerVpcId: vpcA,
      peerRegion: 'bj',
      peerAccountId: a.accountId,
      paymentTiming: 'Prepaid',
      dnsStatus: 'close',
      createdTime: bceTime(createdAt),
      expiredTime: '',
      tags: [],
      deleteProtect: false,
    };
    expect(listed).toEqual({
      marker: `${id}/acceptor`,
      isTruncated: false,
      maxKeys: 1000,
      peerConns: [acceptor],
    });

    // Python accepts with `?accept=` and no body.
    const acceptToken = token();
    const accept: Call = {
      method: 'PUT',
      path: `/v1/peerconn/${id}`,
      query: [
        ['clientToken', acceptToken],
        ['accept', ''],
      ],
    };
    const acceptedAt = clock.now();
    expectEmptySuccess(await send(b, 'gz', pythonStyle, accept));
    expect(await getPeerConn(b, 'gz', pythonStyle, id)).toEqual({ ...acceptor, status: 'starting' });
    await settle();
    const expiresAt = plusMonths(acceptedAt + STEP_MS, 1);
    const active = { ...initiator, status: 'active', expiredTime: bceTime(expiresAt) };
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual(active);

    // Go's bare `?accept` with a new token on an accepted connection is refused; the Python retry
    // (same token, same request) answers as the first time did.
    const again = await send(b, 'gz', goStyle, {
      method: 'PUT',
      path: `/v1/peerconn/${id}`,
      query: [
        ['accept', ''],
        ['clientToken', token()],
      ],
    });
    expectBceError(again, 409, 'OperationDenied', 'InvalidPeerConnStatus');
    expectEmptySuccess(await send(b, 'gz', pythonStyle, accept));

    // Resize (Go): updating, then active at 20 Mbps.
    expectEmptySuccess(
      await send(a, 'bj', goStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['resize', ''],
          ['clientToken', token()],
        ],
        body: JSON.stringify({ newBandwidthInMbps: 20 }),
      }),
    );
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual({
      ...active,
      status: 'updating',
      bandwidthInMbps: 20,
    });
    await settle();
    const resized = { ...active, bandwidthInMbps: 20 };
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual(resized);

    // Renew (Go: no paymentTiming, lowercase `month`): one more month.
    expectEmptySuccess(
      await send(a, 'bj', goStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['purchaseReserved', ''],
          ['clientToken', token()],
        ],
        body: JSON.stringify({
          billing: { reservation: { reservationLength: 1, reservationTimeUnit: 'month' } },
        }),
      }),
    );
    const renewed = { ...resized, expiredTime: bceTime(plusMonths(expiresAt, 1)) };
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual(renewed);

    // DNS sync of the initiator side: Go opens with `{"role":"initiator"}`, Python closes with no body.
    expectEmptySuccess(
      await send(a, 'bj', goStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['open', ''],
          ['role', 'initiator'],
          ['clientToken', token()],
        ],
        body: JSON.stringify({ role: 'initiator' }),
      }),
    );
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual({ ...renewed, dnsStatus: 'syncing' });
    await settle();
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual({ ...renewed, dnsStatus: 'open' });
    expectEmptySuccess(
      await send(a, 'bj', pythonStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['clientToken', token()],
          ['close', ''],
          ['role', 'initiator'],
        ],
      }),
    );
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual({ ...renewed, dnsStatus: 'closing' });
    await settle();
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual(renewed);

    // Delete protection (Java on, Python off) blocks a release while on.
    expectEmptySuccess(
      await send(a, 'bj', javaStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}/deleteProtect`,
        query: [['clientToken', token()]],
        body: JSON.stringify({ deleteProtect: true }),
      }),
    );
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual({ ...renewed, deleteProtect: true });
    const release: Call = { method: 'DELETE', path: `/v1/peerconn/${id}`, query: [['clientToken', token()]] };
    expectBceError(await send(a, 'bj', goStyle, release), 409, 'OperationDenied', 'DeleteProtected');
    expectEmptySuccess(
      await send(a, 'bj', pythonStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}/deleteProtect`,
        query: [['clientToken', token()]],
        body: pythonJson({ deleteProtect: false }),
      }),
    );
    expect(await getPeerConn(a, 'bj', goStyle, id)).toEqual(renewed);
    // Still prepaid, active and paid for: release is refused (R10), refund is the way out.
    expectBceError(
      await send(a, 'bj', goStyle, { ...release, query: [['clientToken', token()]] }),
      409,
      'OperationDenied',
      'PrepaidNotExpired',
    );

    // Refund (Java, bare `?refund`, no body): bj↔gz is not cross-border.
    const refundedAt = clock.now();
    expectEmptySuccess(
      await send(a, 'bj', javaStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['refund', ''],
          ['clientToken', token()],
        ],
      }),
    );
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const seen = await getPeerConn(a, 'bj', goStyle, id);
      statuses.push(seen.status);
      if (seen.status === 'deleted') {
        expect(seen).toEqual({ ...renewed, status: 'deleted', expiredTime: bceTime(refundedAt) });
        break;
      }
      await settle();
    }
    expect(statuses).toEqual(['deleting', 'deleted']);
    expect(await getPeerConn(b, 'gz', pythonStyle, id)).toEqual({
      ...acceptor,
      status: 'deleted',
      bandwidthInMbps: 20,
      expiredTime: bceTime(refundedAt),
    });
  });

  it('runs a same-account postpaid connection created, updated and released the Python way', async () => {
    const a = await t.newAccount('bj');
    const vpc1 = await createVpc(a, 'bj', pythonStyle, 'wire_one', '10.11.0.0/16');
    const vpc2 = await createVpc(a, 'bj', pythonStyle, 'wire_two', '10.12.0.0/16');

    // Python: Postpaid WITH a reservation (its default Billing), deleteProtect always sent.
    const createdAt = clock.now();
    const created = await send(a, 'bj', pythonStyle, {
      method: 'POST',
      path: '/v1/peerconn',
      query: [['clientToken', token()]],
      body: pythonJson({
        bandwidthInMbps: 5,
        localVpcId: vpc1,
        peerVpcId: vpc2,
        peerRegion: 'bj',
        billing: {
          paymentTiming: 'Postpaid',
          reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
        },
        deleteProtect: false,
        description: 'same account',
      }),
    });
    const { peerConnId: id } = expectJsonSuccess(created) as { peerConnId: string };
    expect(created.json).toEqual({ peerConnId: expect.stringMatching(PEER_CONN_ID) });

    const first = await getPeerConn(a, 'bj', pythonStyle, id);
    expect(first.localIfId).toMatch(IF_ID);
    const initiator = {
      peerConnId: id,
      role: 'initiator',
      status: 'creating',
      bandwidthInMbps: 5,
      description: 'same account',
      localIfId: first.localIfId,
      localIfName: `int-${first.localIfId.slice(-8)}`,
      localVpcId: vpc1,
      localRegion: 'bj',
      peerVpcId: vpc2,
      peerRegion: 'bj',
      peerAccountId: a.accountId,
      paymentTiming: 'Postpaid',
      dnsStatus: 'close',
      createdTime: bceTime(createdAt),
      expiredTime: '',
      tags: [],
      deleteProtect: false,
    };
    expect(first).toEqual(initiator);
    await settle();
    const active = { ...initiator, status: 'active' };
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual(active);

    // Both ends are this account's in this region: `role` picks the acceptor end.
    const acceptorEnd = await getPeerConn(a, 'bj', goStyle, id, 'acceptor');
    expect(acceptorEnd).toEqual({
      ...active,
      role: 'acceptor',
      description: '',
      localIfId: expect.stringMatching(IF_ID),
      localIfName: `int-${acceptorEnd.localIfId.slice(-8)}`,
      localVpcId: vpc2,
      peerVpcId: vpc1,
    });

    // Auto-accepted: there is nothing to accept.
    expectBceError(
      await send(a, 'bj', goStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['accept', ''],
          ['clientToken', token()],
        ],
      }),
      409,
      'OperationDenied',
      'SameAccountAutoAccepted',
    );

    // Java opens DNS sync of the acceptor side with its `{}` body; `role` is in the query.
    expectEmptySuccess(
      await send(a, 'bj', javaStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['open', ''],
          ['role', 'acceptor'],
          ['clientToken', token()],
        ],
        body: '{}',
      }),
    );
    await settle();
    expect((await getPeerConn(a, 'bj', pythonStyle, id, 'acceptor')).dnsStatus).toBe('open');
    expect((await getPeerConn(a, 'bj', pythonStyle, id, 'initiator')).dnsStatus).toBe('close');

    // Update: no action flag, the local interface named by its id.
    expectEmptySuccess(
      await send(a, 'bj', pythonStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [['clientToken', token()]],
        body: pythonJson({ localIfId: initiator.localIfId, localIfName: 'renamed' }),
      }),
    );
    const renamed = { ...active, localIfName: 'renamed' };
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual({ ...renamed, status: 'updating' });
    await settle();
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual(renamed);

    // Release: DELETE, no body (Python still sends Content-Length: 0).
    expectEmptySuccess(
      await send(a, 'bj', pythonStyle, {
        method: 'DELETE',
        path: `/v1/peerconn/${id}`,
        query: [['clientToken', token()]],
      }),
    );
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual({ ...renamed, status: 'deleting' });
    await settle();
    expect(await getPeerConn(a, 'bj', pythonStyle, id)).toEqual({ ...renamed, status: 'deleted' });
  });

  it('lets the acceptor reject the Java way ({} body) and the initiator release the failed request', async () => {
    const a = await t.newAccount('bj');
    const b = await t.newAccount('gz');
    const vpcA = await createVpc(a, 'bj', javaStyle, 'reject_a', '10.21.0.0/16');
    const vpcB = await createVpc(b, 'gz', javaStyle, 'reject_b', '10.22.0.0/16');
    const created = await send(a, 'bj', javaStyle, {
      method: 'POST',
      path: '/v1/peerconn',
      query: [['clientToken', token()]],
      body: JSON.stringify({
        bandwidthInMbps: 10,
        localVpcId: vpcA,
        peerAccountId: b.accountId,
        peerVpcId: vpcB,
        peerRegion: 'gz',
        billing: {
          paymentTiming: 'Prepaid',
          reservation: { reservationLength: 1, reservationTimeUnit: 'Month' },
        },
      }),
    });
    const { peerConnId: id } = expectJsonSuccess(created) as { peerConnId: string };
    await settle();
    expect((await getPeerConn(b, 'gz', javaStyle, id)).status).toBe('consulting');

    expectEmptySuccess(
      await send(b, 'gz', javaStyle, {
        method: 'PUT',
        path: `/v1/peerconn/${id}`,
        query: [
          ['reject', ''],
          ['clientToken', token()],
        ],
        body: '{}',
      }),
    );
    expect((await getPeerConn(a, 'bj', javaStyle, id)).status).toBe('consult_failed');

    // Only the initiator releases a cross-account connection (R9); a failed prepaid one may go (R10).
    const release: Call = { method: 'DELETE', path: `/v1/peerconn/${id}`, query: [['clientToken', token()]] };
    expectBceError(await send(b, 'gz', javaStyle, release), 409, 'OperationDenied', 'InitiatorOnly');
    expectEmptySuccess(await send(a, 'bj', javaStyle, { ...release, query: [['clientToken', token()]] }));
    await settle();
    expect((await getPeerConn(a, 'bj', javaStyle, id)).status).toBe('deleted');
  });

  it('checks every builder signature: the same bytes signed with a wrong secret are refused', async () => {
    const a = await t.newAccount('bj');
    const wrong = { ...a, credentials: { ak: a.credentials.ak, sk: `${a.credentials.sk}x` } };
    const list: Call = { method: 'GET', path: '/v1/peerconn', query: [['maxKeys', '1000']] };
    for (const style of [goStyle, javaStyle, pythonStyle]) {
      expect(expectJsonSuccess(await send(a, 'bj', style, list))).toEqual({
        isTruncated: false,
        maxKeys: 1000,
        peerConns: [],
      });
      const refused = await send(wrong, 'bj', style, list);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        code: 'SignatureDoesNotMatch',
        message: expect.any(String),
        requestId: refused.requestId,
      });
    }
  });

  it('answers a never-existing id with 404 NoSuchObject in the full BCE error body', async () => {
    const a = await t.newAccount('bj');
    for (const style of [goStyle, javaStyle, pythonStyle]) {
      const answer = await send(a, 'bj', style, {
        method: 'GET',
        path: '/v1/peerconn/peerconn-000000000000',
      });
      expectBceError(answer, 404, 'NoSuchObject', 'PeerConnNotFound');
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
    }
  });
});
