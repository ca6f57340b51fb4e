import { PeerlinkApiError, PeerlinkClient } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_RULES } from '../../../app/login-throttle.js';
import { HASHING_CONCURRENCY, passwordHashing } from '../../../app/passwords.js';
import { ManualClock, startTestServer, type TestServer } from '../../../testing/harness.js';
import { type RawResponse, rawRequest } from '../../../testing/raw-request.js';

// Wall time of the server's authentication, moved by hand: waits pass without sleeping.
const authClock = new ManualClock();
let t: TestServer;
let adminPassword: string;
beforeAll(async () => {
  t = await startTestServer({ authClock });
  adminPassword = t.server.createdAdminUser!.password;
});
afterAll(() => t.close());

const port = () => Number(new URL(t.endpoint()).port);

function login(username: string, password: string, from = '127.0.0.1'): Promise<RawResponse> {
  const body = JSON.stringify({ username, password });
  return rawRequest({
    port: port(),
    method: 'POST',
    path: '/api/v1/sessions',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
    localAddress: from,
  });
}

/** Creates a user through the administrator's session; answers its password. */
async function newUser(username: string): Promise<string> {
  const password = `${username}-password-123`;
  const admin = await login('admin', adminPassword, '127.0.0.9');
  expect(admin.status).toBe(201);
  const cookie = admin.headers['set-cookie']![0]!.split(';')[0]!;
  const body = JSON.stringify({ username, password });
  const created = await rawRequest({
    port: port(),
    method: 'POST',
    path: '/api/v1/users',
    headers: {
      cookie,
      'x-peerlink-console': '1',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
    localAddress: '127.0.0.9',
  });
  expect(created.status).toBe(201);
  return password;
}

describe('login throttling', () => {
  it('refuses attempts at once with 429 and Retry-After after a few failures, then lets the right password in after the wait', async () => {
    const password = await newUser('carol');
    const free = THROTTLE_RULES.pair.freeFailures;
    // The free failures, and the first one that starts a wait, are checked: plain 401s.
    for (let i = 0; i <= free; i++) expect((await login('carol', 'wrong password!!')).status).toBe(401);

    const hashedBefore = passwordHashing.started;
    // A fast guesser (60 attempts in a burst) is refused without a single hash.
    const burst = await Promise.all(Array.from({ length: 60 }, () => login('carol', 'wrong password!!')));
    expect(burst.map((r) => r.status)).toEqual(Array(60).fill(429));
    expect(passwordHashing.started).toBe(hashedBefore);
    const refused = burst[0]!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429, reason: 'LoginThrottled' });

    // The right password waits too: the guesser cannot tell a throttled guess from a wrong one.
    expect((await login('carol', password)).status).toBe(429);

    authClock.advance(1000);
    // The next failure doubles the wait.
    expect((await login('carol', 'wrong password!!')).status).toBe(401);
    const doubled = await login('carol', password);
    expect(doubled.status).toBe(429);
    expect(doubled.headers['retry-after']).toBe('2');

    authClock.advance(2000);
    expect((await login('carol', password)).status).toBe(201);
    // The success cleared this address's state: a mistyped password is a plain 401 again.
    expect((await login('carol', 'wrong password!!')).status).toBe(401);
  });

  it('reaches SDK callers as a PeerlinkApiError with retryAfterSeconds, after one attempt', async () => {
    await newUser('erin');
    const client = new PeerlinkClient({ endpoint: t.endpoint() });
    const hashedBefore = passwordHashing.started;
    const errors: unknown[] = [];
    for (let i = 0; i < THROTTLE_RULES.pair.freeFailures + 2; i++)
      errors.push(await client.login('erin', 'wrong password!!').catch((e: unknown) => e));
    const last = errors.at(-1) as PeerlinkApiError;
    expect(last).toBeInstanceOf(PeerlinkApiError);
    expect([last.statusCode, last.reason, last.retryAfterSeconds]).toEqual([429, 'LoginThrottled', 1]);
    // One request per call: the SDK repeated none of them (each would have been hashed or refused).
    expect(passwordHashing.started - hashedBefore).toBe(THROTTLE_RULES.pair.freeFailures + 1);
    authClock.advance(1000);
  });

  it('caps the wait a guesser elsewhere imposes on the real user, and keeps the guesser waiting longer', async () => {
    const password = await newUser('dave');
    const attacker = '127.0.0.2';
    // Fail from the attacker's address for as long as it takes to reach every cap.
    for (let i = 0; i < 12; i++) {
      const answer = await login('dave', 'guess guess guess', attacker);
      expect([401, 429]).toContain(answer.status);
      authClock.advance(Number(answer.headers['retry-after'] ?? 0) * 1000);
      if (answer.status === 429)
        expect((await login('dave', 'guess guess guess', attacker)).status).toBe(401);
    }
    const guesser = await login('dave', 'guess guess guess', attacker);
    expect(guesser.status).toBe(429);
    expect(Number(guesser.headers['retry-after'])).toBe(THROTTLE_RULES.pair.maxDelayMs / 1000);

    // The real user, from their own address, waits the user's short cap at most.
    const real = await login('dave', password, '127.0.0.3');
    expect(real.status).toBe(429);
    expect(Number(real.headers['retry-after'])).toBeLessThanOrEqual(THROTTLE_RULES.user.maxDelayMs / 1000);
    authClock.advance(THROTTLE_RULES.user.maxDelayMs);
    expect((await login('dave', password, '127.0.0.3')).status).toBe(201);
    // …while the guesser's own address and pair still wait.
    expect((await login('dave', 'guess guess guess', attacker)).status).toBe(429);
  });

  it('bounds concurrent password hashing: 100 concurrent bad logins hash a few at a time, the rest are refused', async () => {
    authClock.advance(60 * 60 * 1000); // earlier tests' state is forgotten
    passwordHashing.peak = 0;
    const hashedBefore = passwordHashing.started;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(`nobody${i}`, 'wrong password!!', '127.0.0.4')),
    );
    const statuses = answers.map((a) => a.status);
    for (const status of statuses) expect([401, 429, 503]).toContain(status);
    for (const answer of answers.filter((a) => a.status !== 401))
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(passwordHashing.peak).toBeLessThanOrEqual(HASHING_CONCURRENCY);
    // Distinct usernames, one address: the address's free failures and one more are checked.
    expect(passwordHashing.started - hashedBefore).toBeLessThanOrEqual(
      THROTTLE_RULES.address.freeFailures + 1,
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(
      100 - THROTTLE_RULES.address.freeFailures - 1,
    );
  });
});
