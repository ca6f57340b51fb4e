import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerlinkClient } from './clients/peerlink-client.js';
import { PeerlinkApiError } from './errors.js';
import { newClientToken, SignedTransport } from './transport.js';

/** How the transport authenticates: a bearer token, a session from a login, or a signature. */

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A loopback server that records requests; logins set the cookie, logouts clear it. */
async function loopback(answer?: (seen: Seen, n: number) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      seen.push(entry);
      const custom = answer?.(entry, seen.length);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (entry.method === 'POST' && entry.url === '/api/v1/sessions')
        headers['set-cookie'] = 'peerlink_session=s3cr3t; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200';
      if (entry.method === 'DELETE' && entry.url === '/api/v1/sessions/current')
        headers['set-cookie'] = 'peerlink_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0';
      res.writeHead(custom?.status ?? 200, headers);
      res.end(JSON.stringify(custom?.body ?? {}));
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
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('transport authentication', () => {
  it('sends a token as a bearer instead of signing, even when AK/SK are given too', async () => {
    const { endpoint, seen } = await loopback();
    await new SignedTransport({ endpoint, token: 'plk_abc', credentials: { ak: 'ak', sk: 'sk' } }).send(
      'GET',
      '/api/v1/users/me',
    );
    expect(seen[0]!.headers.authorization).toBe('Bearer plk_abc');
    expect(seen[0]!.headers.cookie).toBeUndefined();
  });

  it('signs with AK/SK when there is no token', async () => {
    const { endpoint, seen } = await loopback();
    await new SignedTransport({ endpoint, credentials: { ak: 'ak', sk: 'sk' } }).send(
      'GET',
      '/api/v1/whoami',
    );
    expect(String(seen[0]!.headers.authorization)).toMatch(/^bce-auth-v1\/ak\//);
  });

  it('keeps the session of a login, with the console header, until the logout clears it', async () => {
    const { endpoint, seen } = await loopback();
    const client = new PeerlinkClient({ endpoint });
    await client.login('alice', 'a long password');
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers.cookie).toBeUndefined();
    await client.me();
    expect(seen[1]!.headers).toMatchObject({ cookie: 'peerlink_session=s3cr3t', 'x-peerlink-console': '1' });
    expect(seen[1]!.headers.authorization).toBeUndefined();
    await client.logout();
    expect(seen[2]!.headers.cookie).toBe('peerlink_session=s3cr3t');
    await client.me();
    expect(seen[3]!.headers.cookie).toBeUndefined();
  });

  it('keeps retrying reads the same way with a token', async () => {
    const { endpoint, seen } = await loopback((_, n) =>
      n === 1 ? { status: 503, body: { code: 'Busy' } } : { status: 200 },
    );
    await new SignedTransport({ endpoint, token: 'plk_abc', retry: { baseDelayMs: 1, maxDelayMs: 2 } }).send(
      'GET',
      '/api/v1/tokens',
    );
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer plk_abc', 'Bearer plk_abc']);
  });

  it('does not retry a refused token', async () => {
    const { endpoint, seen } = await loopback(() => ({
      status: 401,
      body: { code: 'Unauthorized', detail: 'the bearer token is not valid', reason: 'InvalidToken' },
    }));
    const error = await new SignedTransport({ endpoint, token: 'plk_old' })
      .send('GET', '/api/v1/tokens')
      .catch((e) => e);
    expect(error).toBeInstanceOf(PeerlinkApiError);
    expect(error).toMatchObject({ statusCode: 401, reason: 'InvalidToken' });
    expect(seen).toHaveLength(1);
  });
});

describe('browser session mode (the web console)', () => {
  /** The global fetch, recording what the transport asked of it. */
  function recordingFetch() {
    const inits: RequestInit[] = [];
    const recording: typeof fetch = (input, init) => {
      inits.push(init ?? {});
      return fetch(input, init);
    };
    return { inits, fetch: recording };
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the console header with the same-origin credentials mode, and never a Cookie', async () => {
    const { endpoint, seen } = await loopback();
    const { inits, fetch } = recordingFetch();
    const client = new PeerlinkClient({ endpoint, browserSession: true, fetch });
    await client.login('alice', 'a long password');
    await client.me();
    await client.setPlatformTitle('Alpha');
    await client.logout();
    // The login answered Set-Cookie; a browser would keep it, the SDK leaves it to the browser.
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/sessions',
      'GET /api/v1/users/me',
      'PUT /api/v1/enrollment',
      'DELETE /api/v1/sessions/current',
    ]);
    for (const request of seen) {
      expect(request.headers['x-peerlink-console']).toBe('1');
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
    }
    for (const init of inits) {
      expect(init.credentials).toBe('same-origin');
      const headers = new Headers(init.headers);
      expect(headers.has('cookie')).toBe(false);
      expect(headers.has('content-length')).toBe(false);
      expect(headers.get('x-peerlink-console')).toBe('1');
    }
  });

  it("goes to the page's own origin when no endpoint is given", async () => {
    const { endpoint, seen } = await loopback();
    vi.stubGlobal('location', new URL(`${endpoint}/console/network`));
    await new PeerlinkClient({ browserSession: true }).me();
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/users/me']);
  });

  it('answers a 401 as a PeerlinkApiError the console can send back to its login page', async () => {
    const { endpoint } = await loopback(() => ({
      status: 401,
      body: { code: 'Unauthorized', detail: 'log in again', reason: 'SessionExpired' },
    }));
    const error = await new PeerlinkClient({ endpoint, browserSession: true }).me().catch((e) => e);
    expect(error).toBeInstanceOf(PeerlinkApiError);
    expect(error).toMatchObject({ statusCode: 401, reason: 'SessionExpired', message: 'log in again' });
  });

  it('refuses to be combined with AK/SK or a token, and needs an endpoint outside a page', () => {
    expect(() => new SignedTransport({ browserSession: true, token: 'plk_abc' })).toThrow(/browserSession/);
    expect(() => new SignedTransport({ browserSession: true, credentials: { ak: 'ak', sk: 'sk' } })).toThrow(
      /browserSession/,
    );
    expect(() => new SignedTransport({ browserSession: true })).toThrow(/endpoint is required/);
    expect(() => new SignedTransport({})).toThrow(/endpoint is required/);
  });

  it('makes client tokens without crypto.randomUUID (a page served over plain HTTP)', () => {
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    const tokens = new Set(Array.from({ length: 50 }, () => newClientToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens)
      expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
