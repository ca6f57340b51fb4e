import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, signRequest } from './auth/bce-signer.js';
import { VpcClient } from './clients/vpc-client.js';
import { BceServiceError, NetworkError, PeerlinkApiError } from './errors.js';
import { type ClientConfig, newClientToken, retryAfterSeconds, SignedTransport } from './transport.js';

/**
 * SignedTransport against real loopback HTTP servers started here with node:http: what is retried,
 * how often, with what on the wire, and which typed error comes out.
 */

const credentials: Credentials = { ak: 'AKTRANSPORTTEST', sk: 'SKTRANSPORTTEST' };

interface Received {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request arrived (ms). */
  at: number;
}

interface Loopback {
  endpoint: string;
  received: Received[];
}

/** Answers the n-th request (1-based); answering nothing leaves the request hanging. */
type Handler = (req: Received, res: ServerResponse, n: number) => void | Promise<void>;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function loopback(handler: Handler): Promise<Loopback> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(entry);
      void handler(entry, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function bceError(res: ServerResponse, status: number, code: string, n: number, reason?: string): void {
  json(
    res,
    status,
    { code, message: `${code} on attempt ${n}`, requestId: `req-${n}`, ...(reason ? { reason } : {}) },
    { 'x-bce-request-id': `req-${n}` },
  );
}

function transport(endpoint: string, config: Partial<ClientConfig> = {}): SignedTransport {
  return new SignedTransport({
    endpoint,
    credentials,
    ...config,
    retry: { baseDelayMs: 5, maxDelayMs: 20, ...config.retry },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

async function failureOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await failure(promise);
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

/** Checks that a request carries a valid bce-auth-v1 signature made at its own x-bce-date. */
async function expectSignedAtItsDate(request: Received, endpoint: string): Promise<void> {
  const authorization = String(request.headers.authorization);
  const [version, ak, timestamp, expiration, signedHeaders] = authorization.split('/');
  expect([version, ak, expiration]).toEqual(['bce-auth-v1', credentials.ak, '1800']);
  expect(timestamp).toBe(request.headers['x-bce-date']);
  const names = signedHeaders!.split(';');
  expect(names).toEqual(expect.arrayContaining(['host', 'x-bce-date']));
  const expected = await signRequest({
    method: request.method,
    url: new URL(request.url, endpoint),
    headers: Object.fromEntries(names.map((name) => [name, String(request.headers[name])])),
    credentials,
    timestamp: new Date(timestamp!),
    headersToSign: names,
  });
  expect(authorization).toBe(expected);
}

// The first fetch of a process loads and sets up its HTTP client; pay that before tests that time attempts.
beforeAll(async () => {
  const server = await loopback((_request, res) => json(res, 200, {}));
  await transport(server.endpoint).send('GET', '/warm-up');
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the wall clock is in a later second than `ms`, so a signature made after differs. */
const nextSecondAfter = (ms: number) => sleep(1000 - (ms % 1000) + 20);

describe('SignedTransport retries', () => {
  it('retries 503 until the server answers, re-signing every attempt with the same query and body', async () => {
    const server = await loopback(async (request, res, n) => {
      if (n <= 2) {
        // Hold each refusal into the next second, so the retry's x-bce-date must differ.
        await nextSecondAfter(request.at);
        bceError(res, 503, 'ServiceUnavailable', n);
      } else {
        json(res, 200, { vpcId: 'vpc-retried00001' });
      }
    });
    const vpc = new VpcClient({ endpoint: server.endpoint, credentials, retry: { baseDelayMs: 5 } });
    await expect(vpc.createVpc({ name: 'retried', cidr: '10.0.0.0/16' })).resolves.toEqual({
      vpcId: 'vpc-retried00001',
    });

    expect(server.received).toHaveLength(3);
    const [first] = server.received;
    expect(first!.method).toBe('POST');
    expect(first!.url).toMatch(/^\/v1\/vpc\?clientToken=[0-9a-f-]{36}$/);
    expect(JSON.parse(first!.body)).toEqual({ name: 'retried', cidr: '10.0.0.0/16' });
    for (const request of server.received) {
      expect(request.url).toBe(first!.url);
      expect(request.body).toBe(first!.body);
      expect(request.headers['content-length']).toBe(String(Buffer.byteLength(first!.body)));
      await expectSignedAtItsDate(request, server.endpoint);
    }
    const dates = server.received.map((request) => request.headers['x-bce-date']);
    const authorizations = server.received.map((request) => request.headers.authorization);
    expect(new Set(dates).size).toBe(3);
    expect(new Set(authorizations).size).toBe(3);
  });

  it('retries 503 N times then succeeds on attempt N+1, within maxRetries', async () => {
    const server = await loopback((_request, res, n) =>
      n <= 3 ? bceError(res, 503, 'ServiceUnavailable', n) : json(res, 200, { ok: n }),
    );
    const token = newClientToken();
    const answer = await transport(server.endpoint, { retry: { maxRetries: 3 } }).send('GET', '/v1/thing', {
      query: { clientToken: token, flag: true, omitted: undefined, off: false, n: 7 },
    });
    expect(answer).toEqual({ ok: 4 });
    expect(server.received.map((request) => request.url)).toEqual(
      Array(4).fill(`/v1/thing?clientToken=${token}&flag&n=7`),
    );
    for (const request of server.received) await expectSignedAtItsDate(request, server.endpoint);
  });

  it.each([500, 502, 503])('retries HTTP %i', async (status) => {
    const server = await loopback((_request, res, n) =>
      n === 1 ? bceError(res, status, 'InternalError', n) : json(res, 200, { attempt: n }),
    );
    await expect(transport(server.endpoint).send('GET', '/v1/vpc')).resolves.toEqual({ attempt: 2 });
    expect(server.received).toHaveLength(2);
  });

  it('retries a 502 whose body is not JSON (a proxy page)', async () => {
    const server = await loopback((_request, res, n) => {
      if (n === 1) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad Gateway</html>');
      } else json(res, 200, {});
    });
    await expect(transport(server.endpoint).send('GET', '/v1/vpc')).resolves.toEqual({});
    expect(server.received).toHaveLength(2);
  });

  it('retries 400 RequestExpired', async () => {
    const server = await loopback((_request, res, n) =>
      n === 1 ? bceError(res, 400, 'RequestExpired', n) : json(res, 200, { attempt: n }),
    );
    await expect(transport(server.endpoint).send('DELETE', '/v1/vpc/vpc-1')).resolves.toEqual({ attempt: 2 });
    expect(server.received.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('retries a connection reset and succeeds', async () => {
    const server = await loopback((_request, res, n) => {
      if (n === 1) res.socket?.destroy();
      else json(res, 200, { attempt: n });
    });
    await expect(transport(server.endpoint).send('GET', '/v1/vpc')).resolves.toEqual({ attempt: 2 });
    expect(server.received).toHaveLength(2);
  });

  it('retries a 503 from the Peerlink API too', async () => {
    const server = await loopback((_request, res, n) =>
      n === 1
        ? json(res, 503, {
            title: 'ServiceUnavailable',
            status: 503,
            detail: 'busy',
            code: 'ServiceUnavailable',
          })
        : json(res, 200, { accountId: 'a' }),
    );
    await expect(transport(server.endpoint).send('GET', '/api/v1/whoami')).resolves.toEqual({
      accountId: 'a',
    });
    expect(server.received).toHaveLength(2);
  });

  it('never repeats a write without a clientToken, which could act twice', async () => {
    const server = await loopback((_request, res, n) => bceError(res, 503, 'ServiceUnavailable', n));
    const error = await failureOf(
      transport(server.endpoint).send('POST', '/api/v1/accounts', { body: {} }),
      PeerlinkApiError,
    );
    expect(error.statusCode).toBe(503);
    expect(server.received).toHaveLength(1);
  });

  it('repeats a write without a clientToken only when its signature was refused (RequestExpired)', async () => {
    const server = await loopback((_request, res, n) =>
      n === 1 ? bceError(res, 400, 'RequestExpired', n) : json(res, 201, { accountId: 'a' }),
    );
    await expect(transport(server.endpoint).send('POST', '/api/v1/accounts', { body: {} })).resolves.toEqual({
      accountId: 'a',
    });
    expect(server.received).toHaveLength(2);
  });

  it('makes exactly one attempt with maxRetries 0', async () => {
    const server = await loopback((_request, res, n) => bceError(res, 503, 'ServiceUnavailable', n));
    const error = await failureOf(
      transport(server.endpoint, { retry: { maxRetries: 0 } }).send('GET', '/v1/vpc'),
      BceServiceError,
    );
    expect([error.statusCode, error.code, error.requestId]).toEqual([503, 'ServiceUnavailable', 'req-1']);
    expect(server.received).toHaveLength(1);
  });

  it('gives up after maxRetries with the last answer as a BceServiceError', async () => {
    const server = await loopback((_request, res, n) => bceError(res, 500, 'InternalError', n));
    const error = await failureOf(
      transport(server.endpoint, { retry: { maxRetries: 2 } }).send('GET', '/v1/vpc'),
      BceServiceError,
    );
    expect(server.received).toHaveLength(3);
    expect([error.statusCode, error.code, error.requestId, error.message]).toEqual([
      500,
      'InternalError',
      'req-3',
      'InternalError on attempt 3',
    ]);
  });

  it('retries 3 times by default', async () => {
    const server = await loopback((_request, res, n) => bceError(res, 503, 'ServiceUnavailable', n));
    const error = await failureOf(transport(server.endpoint).send('GET', '/v1/vpc'), BceServiceError);
    expect(server.received).toHaveLength(4);
    expect(error.requestId).toBe('req-4');
  });
});

describe('SignedTransport errors that are not retried', () => {
  it.each([
    [400, 'BadRequest', 'InvalidCidr'],
    [403, 'SignatureDoesNotMatch', undefined],
    [404, 'NoSuchObject', 'VpcNotFound'],
    [409, 'OperationDenied', 'VpcInUse'],
  ])('answers HTTP %i after one attempt as a BceServiceError', async (status, code, reason) => {
    const server = await loopback((_request, res, n) => bceError(res, status, code, n, reason));
    const error = await failureOf(transport(server.endpoint).send('PUT', '/v1/vpc/vpc-1'), BceServiceError);
    expect(server.received).toHaveLength(1);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BceServiceError');
    expect(error.code).toBe(code);
    expect(error.statusCode).toBe(status);
    expect(error.requestId).toBe('req-1');
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`${code} on attempt 1`);
  });

  it('takes the request id from the body, else from the x-bce-request-id header', async () => {
    const server = await loopback((_request, res, n) =>
      n === 1
        ? json(
            res,
            404,
            { code: 'NoSuchObject', message: 'gone', requestId: 'from-body' },
            { 'x-bce-request-id': 'from-header' },
          )
        : json(res, 409, { code: 'OperationDenied', message: 'busy' }, { 'x-bce-request-id': 'from-header' }),
    );
    const client = transport(server.endpoint);
    expect((await failureOf(client.send('GET', '/v1/vpc/a'), BceServiceError)).requestId).toBe('from-body');
    const fallback = await failureOf(client.send('GET', '/v1/vpc/b'), BceServiceError);
    expect([fallback.requestId, fallback.code, fallback.reason]).toEqual([
      'from-header',
      'OperationDenied',
      undefined,
    ]);
  });

  it('never retries a 429 (a throttled login), even a read, and reports its Retry-After', async () => {
    const server = await loopback((_request, res) =>
      json(
        res,
        429,
        {
          title: 'TooManyRequests',
          status: 429,
          detail: 'wait',
          code: 'TooManyRequests',
          reason: 'LoginThrottled',
        },
        { 'retry-after': '7' },
      ),
    );
    const error = await failureOf(transport(server.endpoint).send('GET', '/api/v1/whoami'), PeerlinkApiError);
    expect([error.statusCode, error.reason, error.retryAfterSeconds]).toEqual([429, 'LoginThrottled', 7]);
    expect(server.received).toHaveLength(1);
  });

  it('reads Retry-After given as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('throws PeerlinkApiError for /api paths, with the problem detail as message', async () => {
    const server = await loopback((_request, res) =>
      json(
        res,
        404,
        {
          type: 'urn:peerlink:error:AccountNotFound',
          title: 'NoSuchObject',
          status: 404,
          detail: 'account 0000 does not exist',
          code: 'NoSuchObject',
          reason: 'AccountNotFound',
          requestId: 'problem-1',
        },
        { 'x-bce-request-id': 'problem-1' },
      ),
    );
    const error = await failureOf(
      transport(server.endpoint).send('GET', '/api/v1/accounts/0000'),
      PeerlinkApiError,
    );
    expect(error).not.toBeInstanceOf(BceServiceError);
    expect(server.received).toHaveLength(1);
    expect([error.name, error.code, error.statusCode, error.requestId, error.reason, error.message]).toEqual([
      'PeerlinkApiError',
      'NoSuchObject',
      404,
      'problem-1',
      'AccountNotFound',
      'account 0000 does not exist',
    ]);
  });

  it('gives a typed error for a body that is not JSON', async () => {
    const server = await loopback((request, res) => {
      res.writeHead(request.url.startsWith('/api/') ? 500 : 404, {
        'content-type': 'text/html',
        'x-bce-request-id': 'html-1',
      });
      res.end('<html>Not Found</html>');
    });
    const bce = await failureOf(transport(server.endpoint).send('GET', '/v1/nowhere'), BceServiceError);
    expect([bce.code, bce.statusCode, bce.requestId, bce.message, bce.reason]).toEqual([
      'Http404',
      404,
      'html-1',
      '<html>Not Found</html>',
      undefined,
    ]);
    const api = await failureOf(
      transport(server.endpoint, { retry: { maxRetries: 0 } }).send('GET', '/api/v1/whoami'),
      PeerlinkApiError,
    );
    expect([api.code, api.statusCode, api.requestId]).toEqual(['Http500', 500, 'html-1']);
  });

  it('gives a typed error for an empty error body or a JSON body that is not an object', async () => {
    const bodies = ['', 'null', '"oops"', '[1]'];
    const server = await loopback((_request, res, n) => {
      res.writeHead(404, { 'content-type': 'application/json', 'x-bce-request-id': `r-${n}` });
      res.end(bodies[n - 1]);
    });
    for (const [i, body] of bodies.entries()) {
      const error = await failureOf(transport(server.endpoint).send('GET', '/v1/vpc/x'), BceServiceError);
      expect([error.code, error.statusCode, error.requestId]).toEqual(['Http404', 404, `r-${i + 1}`]);
      expect(error.message).toBe(body);
    }
    expect(server.received).toHaveLength(bodies.length);
  });
});

describe('SignedTransport network failures and time bounds', () => {
  it('throws NetworkError with every attempt counted and the cause when nothing listens', async () => {
    const port = await closedPort();
    const error = await failureOf(
      transport(`http://127.0.0.1:${port}`, { retry: { maxRetries: 2 } }).send('GET', '/v1/vpc'),
      NetworkError,
    );
    expect(error.name).toBe('NetworkError');
    expect(error.attempts).toBe(3);
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/v1/vpc failed`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('makes one attempt on a closed port with maxRetries 0', async () => {
    const port = await closedPort();
    const error = await failureOf(
      transport(`http://127.0.0.1:${port}`, { retry: { maxRetries: 0 } }).send('POST', '/v1/vpc', {
        body: {},
      }),
      NetworkError,
    );
    expect(error.attempts).toBe(1);
  });

  it('ends each attempt after timeoutMs against a server that never answers', async () => {
    const server = await loopback(() => {});
    const started = Date.now();
    const error = await failureOf(
      transport(server.endpoint, { timeoutMs: 150, retry: { maxRetries: 2 } }).send('GET', '/v1/vpc'),
      NetworkError,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.attempts).toBe(3);
    expect(server.received).toHaveLength(3);
    expect((error.cause as Error).name).toBe('TimeoutError');
  });

  it('bounds retries of refusals by totalTimeoutMs', async () => {
    const server = await loopback((_request, res, n) => bceError(res, 503, 'ServiceUnavailable', n));
    const started = Date.now();
    const error = await failure(
      transport(server.endpoint, {
        retry: { maxRetries: 1_000, baseDelayMs: 20, maxDelayMs: 40, totalTimeoutMs: 400 },
      }).send('GET', '/v1/vpc'),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.received.length).toBeGreaterThanOrEqual(2);
    expect(server.received.length).toBeLessThan(1_000);
    // The last answer, unless the deadline cut the last attempt short.
    if (error instanceof NetworkError) {
      expect((error.cause as Error).name).toBe('TimeoutError');
    } else {
      expect(error).toBeInstanceOf(BceServiceError);
      expect((error as BceServiceError).requestId).toBe(`req-${server.received.length}`);
    }
  });

  it('bounds the whole call by totalTimeoutMs even when one attempt would take longer', async () => {
    const server = await loopback(() => {});
    const started = Date.now();
    const error = await failureOf(
      transport(server.endpoint, { timeoutMs: 10_000, retry: { totalTimeoutMs: 300 } }).send(
        'GET',
        '/v1/vpc',
      ),
      NetworkError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.attempts).toBeGreaterThanOrEqual(1);
    expect((error.cause as Error).name).toBe('TimeoutError');
    expect(server.received.length).toBeLessThanOrEqual(error.attempts);
  });

  it('sends no retry once the deadline has passed', async () => {
    const server = await loopback((_request, res, n) => {
      // The first refusal comes after the whole budget is spent.
      setTimeout(() => bceError(res, 503, 'ServiceUnavailable', n), 250);
    });
    const error = await failureOf(
      transport(server.endpoint, { retry: { totalTimeoutMs: 200, baseDelayMs: 5 } }).send('GET', '/v1/vpc'),
      NetworkError,
    );
    // The single attempt was cut short at the deadline.
    expect(error.attempts).toBe(1);
    expect(server.received.length).toBeLessThanOrEqual(1);
  });
});
