import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollmentKey } from '../../federation/keys.js';
import { FEDERATION_HEADERS, signRequest } from '../../federation/signing.js';
import { type Enrollment, startEnrollment } from '../../testing/enrollments.js';
import { closesWithin, openConnection } from '../../testing/raw-socket.js';
import { FIRST_CONTACT_MAX_BYTES } from './routes.js';

/** Refusals of federation pushes decided from the headers alone, before any of the body is read. */

const PATH = '/federation/v1/messages';
/** What the attack in issue #13 declared: close to the 32 MiB limit of a known sender. */
const LARGE = 31 * 1024 * 1024;

function stranger(): EnrollmentKey {
  const pair = generateKeyPairSync('ed25519');
  return EnrollmentKey.fromPkcs8(
    `enr-${randomBytes(6).toString('hex')}`,
    pair.publicKey.export({ format: 'jwk' }).x!,
    pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  );
}

let a: Enrollment;
/** Admitted by A's ingress policy, but unknown to A: it may only make first contact. */
const admitted = stranger();
/** Not admitted by any ingress policy of A. */
const outsider = stranger();
beforeAll(async () => {
  a = await startEnrollment('Alpha');
  await a.peerlink.addIngressRule({ enrollmentId: admitted.enrollmentId });
});
afterAll(() => a?.server.close());

const port = () => Number(new URL(a.server.endpoint()).port);

/** Headers of a push `from` signs over `body`, offering its key (first contact) unless told not to. */
function signed(from: EnrollmentKey, body: string, offerKey = true): Record<string, string> {
  return {
    ...signRequest(from, { method: 'POST', pathAndQuery: PATH, to: a.enrollmentId, body, now: Date.now() }),
    ...(offerKey ? { [FEDERATION_HEADERS.key]: from.publicKey } : {}),
    'content-type': 'application/json',
  };
}

/**
 * Sends the head of a push declaring `contentLength` and then only a few bytes of body; answers the
 * response the server sent without waiting for the rest, and whether it then closed the connection.
 */
async function pushHeadOnly(
  headers: Record<string, string>,
  contentLength: number,
  requestLine = `POST ${PATH}`,
) {
  const connection = await openConnection(port());
  const lines = Object.entries({ ...headers, host: '127.0.0.1', 'content-length': String(contentLength) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  connection.socket.write(`${requestLine} HTTP/1.1\r\n${lines}\r\n{"messages":[`);
  try {
    const { status } = await connection.responseHead(5000);
    const closed = await closesWithin(connection, 2000);
    const text = connection.received();
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    return { status, reason: body.reason, closed };
  } finally {
    connection.socket.destroy();
  }
}

describe('federation pushes refused before the body is read', () => {
  it('answers an unsigned push declaring 31 MiB with 401 and closes, having read a few bytes', async () => {
    expect(await pushHeadOnly({ 'content-type': 'application/json' }, LARGE)).toEqual({
      status: 401,
      reason: 'MissingFederationHeader',
      closed: true,
    });
  });

  it('answers a federation path or method that has no route with 404 before the body', async () => {
    for (const requestLine of [`PUT ${PATH}`, 'POST /federation/v1/identity', 'POST /federation/v1/nothing'])
      expect(
        await pushHeadOnly({ 'content-type': 'application/json' }, LARGE, requestLine),
        requestLine,
      ).toEqual({
        status: 404,
        reason: 'NoSuchOperation',
        closed: true,
      });
  });

  it('answers an unknown sender that offers no key with 401 before the body', async () => {
    expect(await pushHeadOnly(signed(admitted, 'x'.repeat(10), false), LARGE)).toEqual({
      status: 401,
      reason: 'UnknownEnrollment',
      closed: true,
    });
  });

  it('answers a sender no ingress policy admits with 403 before the body', async () => {
    expect(await pushHeadOnly(signed(outsider, 'x'), LARGE)).toEqual({
      status: 403,
      reason: 'IngressNotAllowed',
      closed: true,
    });
  });

  it(`refuses a first contact declaring more than ${FIRST_CONTACT_MAX_BYTES} bytes with 413 before the body`, async () => {
    expect(await pushHeadOnly(signed(admitted, 'x'), FIRST_CONTACT_MAX_BYTES + 1)).toEqual({
      status: 413,
      reason: 'FirstContactTooLarge',
      closed: true,
    });
  });

  it('refuses a chunked first contact once it exceeds the first-contact size', async () => {
    const body = JSON.stringify({ messages: [], padding: 'x'.repeat(FIRST_CONTACT_MAX_BYTES) });
    const response = await fetch(`${a.server.endpoint()}${PATH}`, {
      method: 'POST',
      headers: signed(admitted, body),
      // A stream has no length to declare: fetch sends it chunked.
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect({
      status: response.status,
      reason: ((await response.json()) as { reason?: string }).reason,
    }).toEqual({
      status: 413,
      reason: 'FirstContactTooLarge',
    });
  });

  it('still checks the signature of a first contact after reading its body', async () => {
    const body = JSON.stringify({ messages: [] });
    const response = await fetch(`${a.server.endpoint()}${PATH}`, {
      method: 'POST',
      headers: signed(admitted, JSON.stringify({ messages: [], other: true })),
      body,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ reason: 'SignatureMismatch' });
  });

  it('refuses a signed first contact nested too deep with 400 JsonTooDeep', async () => {
    const body = `{"messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const response = await fetch(`${a.server.endpoint()}${PATH}`, {
      method: 'POST',
      headers: signed(admitted, body),
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'MalformedJSON', reason: 'JsonTooDeep' });
  });
});
