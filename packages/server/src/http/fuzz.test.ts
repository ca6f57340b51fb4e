import type { Credentials } from '@peerlink/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../json-depth.js';
import { capturedLog, startTestServer, type TestServer } from '../testing/harness.js';
import { rawRequest } from '../testing/raw-request.js';
import { signedRequest } from '../testing/signed-request.js';

/**
 * Every registered route, sent malformed input signed and unsigned: no answer may be a 5xx and
 * nothing may be logged at error level. Keeps what issue #13 fixed from coming back on a new route.
 * Bounded: one sweep over every route with a fixed set of inputs, then random combinations.
 */

/** The default bodyLimitBytes: bodies just under and just over it. */
const BODY_LIMIT = 1024 * 1024;
const RANDOM_RUNS = 250;
const RANDOM_TIME_LIMIT_MS = 8000;

const log = capturedLog();
let t: TestServer;
let credentials: Credentials;
let routes: Array<{ method: string; url: string }>;
beforeAll(async () => {
  t = await startTestServer({ overrides: { logLevel: 'warn' }, logStream: log.stream });
  credentials = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
  // HEAD routes are Fastify's copies of GET ones; the console's catch-all serves files only.
  routes = t.server.routes.filter((route) => route.method !== 'HEAD');
});
afterAll(() => t.close());

interface Body {
  what: string;
  body?: string | Buffer;
  contentType?: string;
}

const nest = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const bigString = (bytes: number) => JSON.stringify({ name: 'x'.repeat(bytes - 12) });

/** Bodies every route gets in the sweep. */
const BODIES: Body[] = [
  { what: 'none' },
  { what: 'empty', body: '', contentType: 'application/json' },
  { what: 'deep nesting', body: `{"a":${nest(10_000)}}`, contentType: 'application/json' },
  {
    what: 'nesting at the limit',
    body: `{"a":${nest(MAX_JSON_DEPTH - 1)}}`,
    contentType: 'application/json',
  },
  { what: 'not JSON', body: '{"name": ', contentType: 'application/json' },
  { what: 'array', body: '[1,2,3]', contentType: 'application/json' },
  { what: 'number', body: '42', contentType: 'application/json' },
  { what: 'null', body: 'null', contentType: 'application/json' },
  {
    what: 'wrong types',
    body: JSON.stringify({ name: 1, cidr: [], description: {}, messages: 'x', ids: 7, username: null }),
    contentType: 'application/json',
  },
  { what: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { what: 'form', body: 'a=1&b=%zz', contentType: 'application/x-www-form-urlencoded' },
  { what: 'multipart', body: '--x\r\n\r\nhi\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
  { what: 'odd type', body: '{}', contentType: ';;;/' },
];

/** Bodies of random runs only: near and over the size limit, too slow to send to every route. */
const LARGE_BODIES: Body[] = [
  { what: 'just under the limit', body: bigString(BODY_LIMIT - 64), contentType: 'application/json' },
  { what: 'over the limit', body: bigString(BODY_LIMIT + 1), contentType: 'application/json' },
];

/** Path parameter values: plausible, malformed percent-encoding, invalid UTF-8, long, NUL. */
const SEGMENTS = ['vpc-abc123', '%', '%zz', '%ff%fe', '%00', '..', 'a'.repeat(300), '%E2%82', 'x%2Fy'];
/** Raw query strings. */
const QUERIES = [
  '',
  'marker=%',
  'maxKeys=abc',
  'maxKeys=-1&marker=%ff',
  'a=%E0%A4%A',
  'x=%00',
  'maxKeys=99999999999999999999',
];

function pathOf(url: string, segment: string): string {
  return url.replace(/:[A-Za-z]+/g, segment).replace(/\*$/, segment);
}

interface Attempt {
  method: string;
  path: string;
  query: string;
  body: Body;
  signed: boolean;
}

async function send(attempt: Attempt): Promise<number> {
  const headers: Record<string, string> = attempt.body.contentType
    ? { 'content-type': attempt.body.contentType }
    : {};
  const body = attempt.body.body;
  if (attempt.signed) {
    const answer = await signedRequest({
      endpoint: t.endpoint(),
      credentials,
      method: attempt.method,
      path: attempt.path,
      query: attempt.query,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    return answer.status;
  }
  const target = attempt.query === '' ? attempt.path : `${attempt.path}?${attempt.query}`;
  const answer = await rawRequest({
    port: Number(new URL(t.endpoint()).port),
    method: attempt.method,
    path: target,
    headers: {
      ...headers,
      ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  return answer.status;
}

const describeAttempt = (a: Attempt) =>
  `${a.signed ? 'signed' : 'unsigned'} ${a.method} ${a.path.slice(0, 80)}?${a.query} body=${a.body.what}`;

const errorLines = () =>
  log.lines
    .filter((line) => (line.level as number) >= 50)
    .map((line) => `${line.msg} ${JSON.stringify(line.err)}`);

describe('fuzzing every route', () => {
  it('finds the routes', () => {
    // The BCE API, the Peerlink API and federation: a registration change that empties this would
    // make the fuzzing below pass vacuously.
    expect(routes.length).toBeGreaterThan(50);
    for (const prefix of ['/v1/', '/api/v1/', '/federation/v1/'])
      expect(routes.some((route) => route.url.startsWith(prefix))).toBe(true);
  });

  it('answers no 5xx to a sweep of malformed bodies, paths and queries on every route', async () => {
    const failures: string[] = [];
    for (const [index, route] of routes.entries()) {
      // Each route sees every body, with a path segment and query that vary from route to route.
      for (const [b, body] of BODIES.entries()) {
        const attempt: Attempt = {
          method: route.method,
          path: pathOf(route.url, SEGMENTS[(index + b) % SEGMENTS.length]!),
          query: QUERIES[(index + b) % QUERIES.length]!,
          body,
          signed: b % 2 === 0,
        };
        const status = await send(attempt);
        if (status >= 500) failures.push(`${status} ${describeAttempt(attempt)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(errorLines()).toEqual([]);
  }, 30_000);

  it('answers no 5xx to random combinations, large bodies included', async () => {
    const failures: string[] = [];
    const attempt = fc.record({
      route: fc.constantFrom(...routes),
      segment: fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[A-Za-z0-9%._~-]{0,40}$/)),
      query: fc.oneof(fc.constantFrom(...QUERIES), fc.stringMatching(/^[A-Za-z0-9%=&+._-]{0,40}$/)),
      body: fc.oneof(
        fc.constantFrom(...BODIES, ...LARGE_BODIES),
        fc.json({ maxDepth: 4 }).map((json) => ({
          what: `json ${json.slice(0, 40)}`,
          body: json,
          contentType: 'application/json',
        })),
      ),
      signed: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(attempt, async ({ route, segment, query, body, signed }) => {
        const sent: Attempt = { method: route.method, path: pathOf(route.url, segment), query, body, signed };
        const status = await send(sent);
        if (status >= 500) failures.push(`${status} ${describeAttempt(sent)}`);
        return status < 500;
      }),
      { numRuns: RANDOM_RUNS, interruptAfterTimeLimit: RANDOM_TIME_LIMIT_MS, endOnFailure: true },
    );
    expect(failures).toEqual([]);
    expect(errorLines()).toEqual([]);
  }, 30_000);
});
