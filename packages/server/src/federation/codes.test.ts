import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import { decodeCode, encodeCode, type SignedPayload } from './codes.js';
import { envelopeProblem, sealEnvelope } from './envelope.js';
import { EnrollmentKey } from './keys.js';
import { FEDERATION_HEADERS, signRequest, verifyRequestSignature } from './signing.js';

function newKey(id = 'enr-test00000001'): EnrollmentKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return EnrollmentKey.fromPkcs8(
    id,
    publicKey.export({ format: 'jwk' }).x!,
    privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  );
}

interface Payload extends SignedPayload {
  nonce: string;
}

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.reason : String(error);
  }
  return 'accepted';
};

describe('signed codes', () => {
  const key = newKey();
  const payload: Payload = { enr: key.enrollmentId, key: key.publicKey, title: 'Alpha 航天', nonce: 'n1' };
  const code = encodeCode('peerRequest', payload, key);

  it('refuses a correctly signed code whose fields have the wrong types (a crafted code, not a 500)', () => {
    for (const wrong of [{ title: { a: 1 } }, { title: 7 }, { addr: ['x'] }, { nonce: 1 }]) {
      const crafted = encodeCode('identity', { ...payload, ...wrong } as unknown as SignedPayload, key);
      expect(
        reasonOf(() => decodeCode('identity', crafted)),
        JSON.stringify(wrong),
      ).toBe('InviteCodeInvalid');
    }
  });

  it('round-trips, survives line breaks from copy and paste, and is the same text each time', () => {
    expect(decodeCode<Payload>('peerRequest', code)).toEqual(payload);
    expect(decodeCode<Payload>('peerRequest', `${code.slice(0, 40)}\n  ${code.slice(40)}\n`)).toEqual(
      payload,
    );
    expect(encodeCode('peerRequest', payload, key)).toBe(code);
  });

  it('refuses every single-character change of the content or the signature', () => {
    const [kind, body, signature] = code.split('.') as [string, string, string];
    for (const at of [0, 7, Math.floor(body.length / 2), body.length - 2]) {
      const swapped = body[at] === 'A' ? 'B' : 'A';
      const forged = `${kind}.${body.slice(0, at)}${swapped}${body.slice(at + 1)}.${signature}`;
      expect(reasonOf(() => decodeCode('peerRequest', forged))).toBe('InviteCodeInvalid');
    }
    const badSignature = `${kind}.${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(reasonOf(() => decodeCode('peerRequest', badSignature))).toBe('InviteCodeInvalid');
  });

  it('refuses a code of another kind, a truncated one, and one re-signed by another key', () => {
    expect(reasonOf(() => decodeCode('mpxInvite', code))).toBe('InviteCodeInvalid');
    expect(reasonOf(() => decodeCode('peerRequest', code.slice(0, -10)))).toBe('InviteCodeInvalid');
    const other = newKey();
    const impostor = encodeCode('peerRequest', { ...payload, key: key.publicKey }, other);
    expect(reasonOf(() => decodeCode('peerRequest', impostor))).toBe('InviteCodeInvalid');
  });
});

describe('message envelopes', () => {
  const key = newKey();
  const envelope = sealEnvelope(key, {
    id: 'msg-1',
    to: 'enr-b',
    kind: 'peering.activated',
    createdAt: 1,
    body: '{"peeringId":"p"}',
  });

  it('verify with the sender key only, and catch a changed body or header', () => {
    expect(envelopeProblem(envelope, key.publicKey)).toBeUndefined();
    expect(envelopeProblem(envelope, newKey().publicKey)).toBe('bad signature');
    expect(envelopeProblem({ ...envelope, body: '{"peeringId":"q"}' }, key.publicKey)).toBe(
      'checksum mismatch',
    );
    expect(envelopeProblem({ ...envelope, to: 'enr-c' }, key.publicKey)).toBe('bad signature');
    expect(envelopeProblem({ ...envelope, kind: 'peering.deleted' }, key.publicKey)).toBe('bad signature');
  });
});

describe('federation request signatures', () => {
  const key = newKey();
  const request = {
    method: 'POST',
    pathAndQuery: '/federation/v1/messages',
    to: 'enr-b',
    body: '{"messages":[]}',
    now: 1000,
  };
  const headers = signRequest(key, request);
  const parts = {
    method: 'POST',
    pathAndQuery: request.pathAndQuery,
    from: key.enrollmentId,
    to: 'enr-b',
    date: 1000,
    nonce: headers[FEDERATION_HEADERS.nonce]!,
    body: request.body,
  };
  const signature = headers[FEDERATION_HEADERS.signature]!;

  it('cover method, path, both enrollments, time, nonce and body', () => {
    expect(verifyRequestSignature(key.publicKey, parts, signature)).toBe(true);
    for (const change of [
      { method: 'GET' },
      { pathAndQuery: '/federation/v1/messages/ack' },
      { from: 'enr-x' },
      { to: 'enr-c' },
      { date: 1001 },
      { nonce: 'other' },
      { body: '{"messages":[1]}' },
    ]) {
      expect(verifyRequestSignature(key.publicKey, { ...parts, ...change }, signature)).toBe(false);
    }
    expect(signRequest(key, request)[FEDERATION_HEADERS.nonce]).not.toBe(parts.nonce);
  });
});
