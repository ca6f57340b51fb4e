import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PeerlinkApiError, PeerlinkClient } from '@peerlink/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { type RawResponse, rawRequest } from '../testing/raw-request.js';
import { consoleRoutes, DEFAULT_CONSOLE_DIST, decodeSegments } from './console.js';

/**
 * The web console's static files: content types, cache lifetimes, the client-routing fallback,
 * paths that try to leave the directory, and a missing build. Requests go over real HTTP with the
 * path sent byte for byte (fetch and Fastify's inject would normalise `..` away first).
 */

const INDEX_HTML = '<!doctype html><html lang="en"><title>Peerlink</title><div id="root"></div></html>';

/** A fake Vite build, with files beside it that must never be served. */
function fakeBuild(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'peerlink-console-test-'));
  writeFileSync(path.join(root, 'package.json'), '{"name":"outside"}');
  writeFileSync(path.join(root, 'secret.txt'), 'outside the build');
  const dist = path.join(root, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(dist, 'assets', 'index-Bx12ab34.js'), 'console.log("peerlink")');
  writeFileSync(path.join(dist, 'assets', 'index-Cd56ef78.css'), 'body{margin:0}');
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dist, '.env'), 'SECRET=1');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'linked.txt'));
  return dist;
}

/** The console routes alone, on a loopback port, with the app's router options. */
async function serveConsole(distDir: string): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  consoleRoutes(app, { distDir });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, port: address.port };
}

function problemOf(answer: RawResponse): { status: number; reason: string; detail: string } {
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  return JSON.parse(answer.body);
}

describe('the console files', () => {
  let app: FastifyInstance;
  let port: number;
  const get = (p: string, headers: Record<string, string> = {}) => rawRequest({ port, path: p, headers });

  beforeAll(async () => {
    ({ app, port } = await serveConsole(fakeBuild()));
  });
  afterAll(() => app.close());

  it('redirects /console to /console/, keeping the query', async () => {
    expect(await get('/console')).toMatchObject({ status: 302, headers: { location: '/console/' } });
    expect(await get('/console?lang=zh-CN')).toMatchObject({
      status: 302,
      headers: { location: '/console/?lang=zh-CN' },
    });
  });

  it('answers the page at /console/, never cached without revalidation, not frameable', async () => {
    const answer = await get('/console/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(INDEX_HTML);
    expect(answer.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['content-security-policy']).toContain("connect-src 'self'");
    expect((await get('/console/index.html')).headers['cache-control']).toBe('no-cache');
  });

  it.each([
    [
      '/console/assets/index-Bx12ab34.js',
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ],
    ['/console/assets/index-Cd56ef78.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/console/favicon.svg', 'image/svg+xml', 'no-cache'],
  ])('serves %s as %s, cached as %s', async (p, type, cache) => {
    const answer = await get(p);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(type);
    expect(answer.headers['cache-control']).toBe(cache);
    expect(answer.headers['x-frame-options']).toBeUndefined();
  });

  it('answers 304 to a revalidation of an unchanged file, and HEAD without a body', async () => {
    const first = await get('/console/');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await get('/console/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const head = await rawRequest({ port, method: 'HEAD', path: '/console/assets/index-Bx12ab34.js' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    '/console/network',
    '/console/spaces/sp-0001/members',
    '/console/vpc-peering?tab=active',
    '/console//policies/',
  ])('falls back to the page for the client route %s', async (p) => {
    const answer = await get(p);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(INDEX_HTML);
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for a missing file rather than the page', async () => {
    const answer = await get('/console/assets/index-gone.js');
    expect(answer.status).toBe(404);
    expect(problemOf(answer)).toMatchObject({ status: 404, reason: 'NoSuchConsoleFile' });
  });

  it.each([
    '/console/..%2f..%2fpackage.json',
    '/console/..%2fsecret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/%2E%2E%2Fsecret.txt',
    '/console/../secret.txt',
    '/console/assets/../../secret.txt',
    '/console/assets/..%5c..%5csecret.txt',
    '/console/.env',
    '/console/%2eenv',
    '/console/linked.txt',
    '/console/%2fetc%2fpasswd',
    '/console/a%00b',
  ])('never serves anything outside the build: %s', async (p) => {
    const answer = await get(p);
    expect(answer.status).toBe(404);
    expect(problemOf(answer)).toMatchObject({ status: 404, reason: 'NoSuchConsoleFile' });
    expect(answer.body).not.toContain('outside');
    expect(answer.body).not.toContain('SECRET');
  });

  it('refuses bad percent-encoding', async () => {
    expect((await get('/console/%E0%A4%A')).status).toBe(400);
  });

  it('decodes segments, refusing dot segments, hidden names and hidden separators', () => {
    expect(decodeSegments('')).toEqual([]);
    expect(decodeSegments('assets/a%20b.js')).toEqual(['assets', 'a b.js']);
    expect(decodeSegments('a//b/')).toEqual(['a', 'b']);
    for (const bad of ['..', '.', 'a/../b', '%2e', '.git/config', 'a%2fb', 'a%5cb', '%00', '%zz'])
      expect(decodeSegments(bad)).toBeUndefined();
  });
});

describe('without a build', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    ({ app, port } = await serveConsole(mkdtempSync(path.join(tmpdir(), 'peerlink-console-empty-'))));
  });
  afterAll(() => app.close());

  it.each(['/console/', '/console/network', '/console/index.html'])(
    'answers 503 at %s, saying how to build',
    async (p) => {
      const answer = await rawRequest({ port, path: p });
      expect(answer.status).toBe(503);
      expect(answer.headers['cache-control']).toBe('no-store');
      const problem = problemOf(answer);
      expect(problem).toMatchObject({ status: 503, reason: 'ConsoleNotBuilt' });
      expect(problem.detail).toContain('npm run build');
    },
  );

  it('still answers 404 to a path that tries to leave the directory', async () => {
    expect((await rawRequest({ port, path: '/console/..%2f..%2fpackage.json' })).status).toBe(404);
  });
});

describe('the console in the server', () => {
  let t: TestServer;
  let port: number;

  beforeAll(async () => {
    t = await startTestServer();
    port = Number(new URL(t.endpoint()).port);
  });
  afterAll(() => t.close());

  it('serves the console without credentials, from packages/console/dist', async () => {
    expect(DEFAULT_CONSOLE_DIST).toMatch(/packages[/\\]console[/\\]dist[/\\]?$/);
    expect(await rawRequest({ port, path: '/console' })).toMatchObject({
      status: 302,
      headers: { location: '/console/' },
    });
    // Built by `npm install`/`npm run build`, or not (yet): either way no signature is asked for.
    const page = await rawRequest({ port, path: '/console/peers' });
    expect([200, 503]).toContain(page.status);
    if (page.status === 200) expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    else expect(problemOf(page).reason).toBe('ConsoleNotBuilt');
  });

  it('leaves the rest of the server authenticated', async () => {
    expect((await rawRequest({ port, path: '/consoles' })).status).toBe(403);
    expect((await rawRequest({ port, path: '/api/v1/users/me' })).status).toBe(403);
  });

  it("tells the console's API calls without a session to log in (401 SessionRequired)", async () => {
    const answer = await rawRequest({
      port,
      path: '/api/v1/users/me',
      headers: { 'x-peerlink-console': '1' },
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'Unauthorized', reason: 'SessionRequired' });

    const browser = new PeerlinkClient({ endpoint: t.endpoint(), browserSession: true });
    const error = await browser.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerlinkApiError);
    expect(error).toMatchObject({ statusCode: 401, reason: 'SessionRequired' });
  });

  it('lets the console log in and call with the session cookie and its header', async () => {
    const { password } = t.server.createdAdminUser!;
    const login = await rawRequest({
      port,
      method: 'POST',
      path: '/api/v1/sessions',
      headers: { 'content-type': 'application/json', 'x-peerlink-console': '1' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(201);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const me = await rawRequest({
      port,
      path: '/api/v1/users/me',
      headers: { cookie, 'x-peerlink-console': '1' },
    });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ username: 'admin', isAdmin: true });
  });
});
