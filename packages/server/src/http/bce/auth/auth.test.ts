import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { bceTimestamp, type Credentials, signRequest } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startTestServer, type TestServer } from '../../../testing/harness.js';
import { type RawResponse, rawRequest } from '../../../testing/raw-request.js';

/** The Baidu JS SDK's signer (reference §5.3 checks it byte for byte), as an independent implementation. */
interface BaiduAuth {
  generateAuthorization(
    method: string,
    resource: string,
    params?: Record<string, string | null>,
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
const MINUTE = 60_000;

// A whole second, so that a timestamp N seconds back is exactly N seconds old to the server.
const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
let t: TestServer;
let port: number;
/** Host as every SDK sends it for an endpoint with a port. */
let host: string;
let account: Awaited<ReturnType<TestServer['newAccount']>>;

beforeAll(async () => {
  t = await startTestServer({ clock, authClock: clock });
  port = Number(new URL(t.endpoint()).port);
  host = `127.0.0.1:${port}`;
  account = await t.newAccount();
});
afterAll(() => t.close());

/** Headers a Go or Python client sends on a GET (Content-Type even without a body). */
function sdkHeaders(atMs = clock.now()): Record<string, string> {
  return {
    host,
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': bceTimestamp(new Date(atMs)),
  };
}

/** Headers of a client that sends no request date (neither `x-bce-date` nor `Date`). */
function undatedHeaders(): Record<string, string> {
  return { host, 'content-type': 'application/json;charset=utf-8' };
}

/** The set Java and Python sign under an empty list: four fixed names plus every `x-bce-*` (§5.3). */
function javaDefaultSet(headers: Record<string, string>): string[] {
  return [
    'host',
    'content-length',
    'content-type',
    'content-md5',
    ...Object.keys(headers).filter((name) => name.startsWith('x-bce-')),
  ];
}

/**
 * An Authorization value computed by the SDK signer (not the server's canonical.ts). `signed: 'empty'`
 * signs the Java/Python default set and leaves the list empty: `bce-auth-v1/ak/ts/exp//sig`.
 */
async function authorize(input: {
  method?: string;
  path: string;
  headers: Record<string, string>;
  credentials?: Credentials;
  timestampMs?: number;
  expirationSeconds?: number;
  signed?: string[] | 'empty';
}): Promise<string> {
  const authorization = await signRequest({
    method: input.method ?? 'GET',
    url: new URL(`http://${input.headers.host ?? host}${input.path}`),
    headers: input.headers,
    credentials: input.credentials ?? account.credentials,
    timestamp: new Date(input.timestampMs ?? clock.now()),
    ...(input.expirationSeconds === undefined ? {} : { expirationSeconds: input.expirationSeconds }),
    headersToSign: input.signed === 'empty' ? javaDefaultSet(input.headers) : input.signed,
  });
  if (input.signed !== 'empty') return authorization;
  const parts = authorization.split('/');
  parts[4] = '';
  return parts.join('/');
}

function send(input: {
  method?: string;
  path: string;
  headers: Record<string, string>;
  authorization?: string;
  body?: string;
}): Promise<RawResponse> {
  return rawRequest({
    port,
    method: input.method ?? 'GET',
    path: input.path,
    headers: input.authorization ? { ...input.headers, authorization: input.authorization } : input.headers,
    ...(input.body === undefined ? {} : { body: input.body }),
  });
}

/** A BCE JSON answer with the given status; its parsed body. */
function bceJson(response: RawResponse, status: number): Record<string, unknown> {
  expect({ status: response.status, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toBe(BCE_JSON);
  expect(response.headers['x-bce-request-id']).toMatch(UUID);
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** A BCE error body `{code, message, requestId}` whose requestId is the x-bce-request-id header. */
function expectBceError(response: RawResponse, status: number, code: string): Record<string, unknown> {
  const body = bceJson(response, status);
  expect(body).toMatchObject({ code, requestId: response.headers['x-bce-request-id'] });
  expect(body.message).toEqual(expect.any(String));
  expect(body.message).not.toBe('');
  return body;
}

async function signedGet(
  path: string,
  options: Omit<Parameters<typeof authorize>[0], 'path' | 'headers'> & {
    headers?: Record<string, string>;
  } = {},
): Promise<RawResponse> {
  const headers = options.headers ?? sdkHeaders();
  return send({ path, headers, authorization: await authorize({ ...options, path, headers }) });
}

describe('bce-auth-v1 over HTTP: what the SDKs send is accepted', () => {
  it('accepts a GET with an explicit signed list (Go/JS style)', async () => {
    const headers = sdkHeaders();
    const authorization = await authorize({
      path: '/v1/vpc',
      headers,
      signed: ['content-type', 'host', 'x-bce-date'],
    });
    expect(authorization).toMatch(
      new RegExp(
        `^bce-auth-v1/${account.credentials.ak}/[^/]+/1800/content-type;host;x-bce-date/[0-9a-f]{64}$`,
      ),
    );
    const body = bceJson(await send({ path: '/v1/vpc', headers, authorization }), 200);
    expect(body).toMatchObject({ vpcs: [], isTruncated: false });
  });

  it('accepts an empty signed list (Java/Python style), signing the default set with every x-bce-* header', async () => {
    // Signed independently of the server: if it left x-bce-foo or x-bce-request-id out of the
    // default set, or signed nothing for an empty list, the signature would not match.
    const headers = {
      ...sdkHeaders(),
      'content-length': '0',
      'x-bce-foo': 'bar',
      'x-bce-request-id': randomUUID(),
    };
    const authorization = await authorize({ path: '/v1/vpc', headers, signed: 'empty' });
    expect(authorization).toMatch(/^bce-auth-v1\/[0-9a-f]+\/[^/]+\/1800\/\/[0-9a-f]{64}$/);
    bceJson(await send({ path: '/v1/vpc', headers, authorization }), 200);
  });

  it('with an empty list, an x-bce-* header changed after signing breaks the signature', async () => {
    const headers = { ...sdkHeaders(), 'x-bce-foo': 'bar' };
    const authorization = await authorize({ path: '/v1/vpc', headers, signed: 'empty' });
    // Untouched it verifies, so the refusal below is down to the changed header alone.
    bceJson(await send({ path: '/v1/vpc', headers, authorization }), 200);
    const tampered = await send({
      path: '/v1/vpc',
      headers: { ...headers, 'x-bce-foo': 'baz' },
      authorization,
    });
    expectBceError(tampered, 400, 'SignatureDoesNotMatch');
    // With an explicit list the same header is not signed, so changing it does no harm (Go's
    // unsigned x-bce-request-id).
    const explicit = await authorize({ path: '/v1/vpc', headers, signed: ['host', 'x-bce-date'] });
    bceJson(
      await send({ path: '/v1/vpc', headers: { ...headers, 'x-bce-foo': 'baz' }, authorization: explicit }),
      200,
    );
  });

  it('accepts Java requests: no x-bce-date, only an RFC 1123 Date, and an empty list', async () => {
    const headers = {
      host,
      'content-type': 'application/json; charset=utf-8',
      date: new Date(clock.now()).toUTCString(),
    };
    const authorization = await authorize({ path: '/v1/vpc', headers, signed: 'empty' });
    bceJson(await send({ path: '/v1/vpc', headers, authorization }), 200);
  });

  it('treats a valueless flag (Go: ?foo) and an empty value (?foo=) alike', async () => {
    for (const path of ['/v1/vpc?isDefault=false&foo', '/v1/vpc?isDefault=false&foo=']) {
      const headers = { ...sdkHeaders(), 'x-bce-request-id': randomUUID() };
      const authorization = await authorize({
        path,
        headers,
        signed: ['content-type', 'host', 'x-bce-date'],
      });
      bceJson(await send({ path, headers, authorization }), 200);
    }
    // Signed as `foo=` (what every SDK signs), sent bare as Go and Java put it on the wire.
    const headers = sdkHeaders();
    const authorization = await authorize({ path: '/v1/vpc?isDefault=false&foo=', headers });
    bceJson(await send({ path: '/v1/vpc?isDefault=false&foo', headers, authorization }), 200);
  });

  it('signs the Host header with its port, exactly as received', async () => {
    const withPort = sdkHeaders();
    expect(withPort.host).toBe(`127.0.0.1:${port}`);
    bceJson(await signedGet('/v1/vpc', { headers: withPort, signed: ['host', 'x-bce-date'] }), 200);
    // Signed without the port but sent with it: the server must not strip the port.
    const authorization = await authorize({
      path: '/v1/vpc',
      headers: { ...withPort, host: '127.0.0.1' },
      signed: ['host', 'x-bce-date'],
    });
    expectBceError(
      await send({ path: '/v1/vpc', headers: withPort, authorization }),
      400,
      'SignatureDoesNotMatch',
    );
  });

  it('accepts JS-style over-encoded paths and queries (%2d for "-")', async () => {
    const { vpcId } = await account.vpc.createVpc({ name: 'encoded', cidr: '10.7.0.0/16' });
    const overEncoded = vpcId.replace('-', '%2d');
    expect(overEncoded).not.toBe(vpcId);
    const headers = {
      host,
      'content-type': 'application/json; charset=UTF-8',
      'x-bce-date': sdkHeaders()['x-bce-date']!,
    };
    const listed = bceJson(await signedGet(`/v1/vpc?vpcIds=${overEncoded}`, { headers }), 200);
    expect((listed.vpcs as { vpcId: string }[]).map((vpc) => vpc.vpcId)).toEqual([vpcId]);
    const shown = bceJson(await signedGet(`/v1/vpc/${overEncoded}`, { headers }), 200);
    expect(shown).toMatchObject({ vpc: { vpcId, name: 'encoded' } });
  });

  it('accepts a signature exactly as old as its expiration when the request carries no date of its own', async () => {
    // With an x-bce-date as old, the date check (clockSkewSeconds, 900 s) would refuse it first.
    const timestampMs = clock.now() - 1800 * 1000;
    bceJson(await signedGet('/v1/vpc', { headers: undatedHeaders(), timestampMs }), 200);
  });

  it('accepts a request date just within the clock skew (900 s) on either side', async () => {
    for (const offset of [-900, 900]) {
      const dateMs = clock.now() + offset * 1000;
      // The signature's own timestamp stays now, so only the request date is at the edge.
      bceJson(await signedGet('/v1/vpc', { headers: sdkHeaders(dateMs) }), 200);
    }
  });

  it('accepts a fresh signature declaring a longer expiration than the cap: it is clamped, not refused', async () => {
    for (const expirationSeconds of [3600, 9_999_999_999]) {
      bceJson(await signedGet('/v1/vpc', { expirationSeconds }), 200);
    }
  });

  it('serves the region named by the signed Host', async () => {
    const headers = { ...sdkHeaders(), host: `bcc.gz.baidubce.com:${port}` };
    const response = await signedGet('/api/v1/whoami', { headers, signed: ['host', 'x-bce-date'] });
    expect({ status: response.status, body: JSON.parse(response.body) }).toMatchObject({
      status: 200,
      body: { region: 'gz' },
    });
  });
});

describe('bce-auth-v1 over HTTP: refusals', () => {
  it('refuses an unknown access key with 403 InvalidAccessKeyId', async () => {
    const response = await signedGet('/v1/vpc', { credentials: { ak: 'f'.repeat(32), sk: 'f'.repeat(32) } });
    expectBceError(response, 403, 'InvalidAccessKeyId');
  });

  it('refuses the right access key with the wrong secret: 400 SignatureDoesNotMatch', async () => {
    const response = await signedGet('/v1/vpc', {
      credentials: { ak: account.credentials.ak, sk: `${account.credentials.sk.slice(0, -1)}x` },
    });
    expectBceError(response, 400, 'SignatureDoesNotMatch');
  });

  it('refuses a query changed after signing', async () => {
    const headers = sdkHeaders();
    const authorization = await authorize({ path: '/v1/vpc?maxKeys=1', headers });
    bceJson(await send({ path: '/v1/vpc?maxKeys=1', headers, authorization }), 200);
    const tampered = await send({ path: '/v1/vpc?maxKeys=2', headers, authorization });
    expectBceError(tampered, 400, 'SignatureDoesNotMatch');
  });

  it('refuses a signed header changed after signing', async () => {
    const headers = sdkHeaders();
    const authorization = await authorize({
      path: '/v1/vpc',
      headers,
      signed: ['host', 'x-bce-date', 'content-type'],
    });
    expect(authorization).toContain('/content-type;host;x-bce-date/');
    bceJson(await send({ path: '/v1/vpc', headers, authorization }), 200);
    const tampered = await send({
      path: '/v1/vpc',
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      authorization,
    });
    expectBceError(tampered, 400, 'SignatureDoesNotMatch');
  });

  it('refuses a signature past its 1800 s expiration: 400 RequestExpired', async () => {
    const timestampMs = clock.now() - 31 * MINUTE;
    const response = await signedGet('/v1/vpc', { headers: sdkHeaders(timestampMs), timestampMs });
    const body = expectBceError(response, 400, 'RequestExpired');
    expect(body.message).toContain('Request has expired');
    const justPast = clock.now() - 1801 * 1000;
    expectBceError(
      await signedGet('/v1/vpc', { headers: sdkHeaders(justPast), timestampMs: justPast }),
      400,
      'RequestExpired',
    );
  });

  it('honours a short expiration from the Authorization header', async () => {
    const timestampMs = clock.now() - 2 * MINUTE;
    const expired = await signedGet('/v1/vpc', {
      headers: sdkHeaders(timestampMs),
      timestampMs,
      expirationSeconds: 60,
    });
    expectBceError(expired, 400, 'RequestExpired');
    const recent = clock.now() - 30_000;
    bceJson(
      await signedGet('/v1/vpc', { headers: sdkHeaders(recent), timestampMs: recent, expirationSeconds: 60 }),
      200,
    );
  });

  it('caps the declared expiration at 1800 s (maxSignatureExpirationSeconds): a three-year-old replay is RequestExpired', async () => {
    const timestampMs = clock.now() - 3 * 365 * 24 * 60 * MINUTE;
    // As captured: its x-bce-date as old as the signature, and without any date.
    for (const headers of [sdkHeaders(timestampMs), undatedHeaders()]) {
      const response = await signedGet('/v1/vpc', { headers, timestampMs, expirationSeconds: 9_999_999_999 });
      const body = expectBceError(response, 400, 'RequestExpired');
      expect(body.message).toContain('1800');
    }
    // A declared 3600 s counts as 1800 s: 1801 s after signing it has expired.
    const justPast = clock.now() - 1801 * 1000;
    expectBceError(
      await signedGet('/v1/vpc', {
        headers: undatedHeaders(),
        timestampMs: justPast,
        expirationSeconds: 3600,
      }),
      400,
      'RequestExpired',
    );
  });

  it('checks the request date within clockSkewSeconds (900 s) whatever the expiration: 403 RequestTimeTooSkewed', async () => {
    // Signed 901 s ago with the usual 1800 s validity: the signature has not expired, the date is too old.
    const old = clock.now() - 901 * 1000;
    const stale = await signedGet('/v1/vpc', { headers: sdkHeaders(old), timestampMs: old });
    expectBceError(stale, 403, 'RequestTimeTooSkewed');
    // A date too far ahead, under a signature timestamped now.
    const ahead = await signedGet('/v1/vpc', { headers: sdkHeaders(clock.now() + 901 * 1000) });
    expectBceError(ahead, 403, 'RequestTimeTooSkewed');
    // Java's RFC 1123 Date is held to the same bound.
    const javaHeaders = { ...undatedHeaders(), date: new Date(old).toUTCString() };
    const java = await signedGet('/v1/vpc', { headers: javaHeaders, timestampMs: old, signed: 'empty' });
    expectBceError(java, 403, 'RequestTimeTooSkewed');
  });

  it('refuses a signature that does not cover the Host header: 403 AccessDenied', async () => {
    const response = await signedGet('/v1/vpc', { signed: ['content-type', 'x-bce-date'] });
    const body = expectBceError(response, 403, 'AccessDenied');
    expect(body.message).toContain('host');
  });

  it('does not serve the region an unsigned Host names', async () => {
    // Signed for bj's endpoint without covering Host, then sent with a Host naming gz.
    const headers = { ...sdkHeaders(), host: `bcc.gz.baidubce.com:${port}` };
    const response = await signedGet('/api/v1/whoami', { headers, signed: ['x-bce-date'] });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'AccessDenied' });
    // Covered by the signature, a Host changed in transit breaks it.
    const authorization = await authorize({ path: '/api/v1/whoami', headers: sdkHeaders() });
    const moved = await send({ path: '/api/v1/whoami', headers, authorization });
    expect(moved.status).toBe(400);
    expect(JSON.parse(moved.body)).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a timestamp far in the future: 400 RequestExpired', async () => {
    const timestampMs = clock.now() + 60 * MINUTE;
    const response = await signedGet('/v1/vpc', { headers: sdkHeaders(timestampMs), timestampMs });
    expectBceError(response, 400, 'RequestExpired');
  });

  it.each([
    ['five parts', (ak: string, ts: string) => `bce-auth-v1/${ak}/${ts}/1800/${'0'.repeat(64)}`],
    [
      'version bce-auth-v2',
      (ak: string, ts: string) => `bce-auth-v2/${ak}/${ts}/1800/host/${'0'.repeat(64)}`,
    ],
    [
      'timestamp not yyyy-mm-ddThh:mm:ssZ',
      (ak: string) => `bce-auth-v1/${ak}/1700000000/1800/host/${'0'.repeat(64)}`,
    ],
    [
      'timestamp with milliseconds',
      (ak: string, ts: string) => `bce-auth-v1/${ak}/${ts.replace('Z', '.000Z')}/1800/host/${'0'.repeat(64)}`,
    ],
    [
      'non-numeric expiration',
      (ak: string, ts: string) => `bce-auth-v1/${ak}/${ts}/soon/host/${'0'.repeat(64)}`,
    ],
  ])('refuses a malformed Authorization (%s): 400 InvalidHTTPAuthHeader', async (_case, build) => {
    const headers = sdkHeaders();
    const authorization = build(account.credentials.ak, headers['x-bce-date']!);
    expectBceError(await send({ path: '/v1/vpc', headers, authorization }), 400, 'InvalidHTTPAuthHeader');
  });

  it('refuses a request without Authorization: 403 AccessDenied', async () => {
    expectBceError(await send({ path: '/v1/vpc', headers: sdkHeaders() }), 403, 'AccessDenied');
  });

  it('refuses an x-bce-date that cannot be parsed: 400 InvalidHTTPRequest', async () => {
    const headers = { ...sdkHeaders(), 'x-bce-date': 'yesterday' };
    const response = await signedGet('/v1/vpc', { headers });
    expectBceError(response, 400, 'InvalidHTTPRequest');
  });
});

describe('maxSignatureExpirationSeconds', () => {
  it('clamps every signature to the configured validity', async () => {
    const short = await startTestServer({
      clock,
      authClock: clock,
      overrides: { maxSignatureExpirationSeconds: 60 },
    });
    try {
      const shortPort = Number(new URL(short.endpoint()).port);
      const shortAccount = await short.newAccount();
      const at = async (ageSeconds: number) => {
        const headers = { host: `127.0.0.1:${shortPort}` };
        const authorization = await authorize({
          path: '/v1/vpc',
          headers,
          credentials: shortAccount.credentials,
          timestampMs: clock.now() - ageSeconds * 1000,
        });
        return rawRequest({ port: shortPort, path: '/v1/vpc', headers: { ...headers, authorization } });
      };
      // Declared 1800 s (the SDK default), honoured for 60.
      bceJson(await at(60), 200);
      expectBceError(await at(61), 400, 'RequestExpired');
    } finally {
      await short.close();
    }
  });
});

describe('an independent signer: @baiducloud/sdk Auth', () => {
  const authorizeWithBaidu = (
    method: string,
    path: string,
    params: Record<string, string>,
    headers: Record<string, string>,
  ) =>
    new Auth(account.credentials.ak, account.credentials.sk).generateAuthorization(
      method,
      path,
      params,
      headers,
      Math.floor(clock.now() / 1000),
      1800,
    );

  it('signs a GET the server accepts', async () => {
    const headers = {
      host,
      'content-type': 'application/json; charset=UTF-8',
      'x-bce-date': bceTimestamp(new Date(clock.now())),
    };
    const authorization = authorizeWithBaidu('GET', '/v1/vpc', { maxKeys: '5' }, headers);
    expect(authorization).toMatch(/\/content-type;host;x-bce-date\/[0-9a-f]{64}$/);
    const body = bceJson(await send({ path: '/v1/vpc?maxKeys=5', headers, authorization }), 200);
    expect(body).toMatchObject({ maxKeys: 5 });
  });

  it('signs a POST with a JSON body that creates a VPC, then a GET that reads it', async () => {
    const clientToken = randomUUID();
    const payload = JSON.stringify({
      name: 'baidu_js',
      cidr: '10.20.0.0/16',
      description: 'signed by auth.js',
    });
    const headers = {
      host,
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(payload)),
      'x-bce-date': bceTimestamp(new Date(clock.now())),
    };
    const authorization = authorizeWithBaidu('POST', '/v1/vpc', { clientToken }, headers);
    expect(authorization).toMatch(/\/content-length;content-type;host;x-bce-date\/[0-9a-f]{64}$/);
    const created = bceJson(
      await send({
        method: 'POST',
        path: `/v1/vpc?clientToken=${clientToken}`,
        headers,
        authorization,
        body: payload,
      }),
      200,
    );
    expect(created.vpcId).toMatch(/^vpc-/);
    const vpcId = created.vpcId as string;

    const getHeaders = {
      host,
      'content-type': 'application/json; charset=UTF-8',
      'x-bce-date': headers['x-bce-date'],
    };
    const shown = bceJson(
      await send({
        path: `/v1/vpc/${vpcId}`,
        headers: getHeaders,
        authorization: authorizeWithBaidu('GET', `/v1/vpc/${vpcId}`, {}, getHeaders),
      }),
      200,
    );
    expect(shown).toMatchObject({ vpc: { vpcId, name: 'baidu_js', description: 'signed by auth.js' } });
  });
});

describe('paths outside the BCE API', () => {
  it('answers /healthz, /readyz and /metrics without credentials', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const response = await rawRequest({ port, path, headers: { host } });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
    expect((await rawRequest({ port, path: '/metrics', headers: { host } })).body).toContain(
      'peerlink_http_requests_total',
    );
  });

  it('authenticates /api/v1/whoami and refuses a bad signature with problem+json', async () => {
    const good = await signedGet('/api/v1/whoami');
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ accountId: account.accountId, isAdmin: false });

    const response = await signedGet('/api/v1/whoami', {
      credentials: { ak: account.credentials.ak, sk: 'wrong-secret' },
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 400,
      requestId: response.headers['x-bce-request-id'],
    });
    expect(response.headers['x-bce-request-id']).toMatch(UUID);
  });
});
