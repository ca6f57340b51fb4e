import { createHash, randomBytes } from 'node:crypto';
import type { EnrollmentKey } from './keys.js';
import { verifySignature } from './keys.js';

/**
 * Requests between enrollments are signed with the sender's enrollment key over the method, the
 * path, both enrollment ids, a timestamp, a single-use nonce and the body's hash. The receiver
 * refuses a timestamp outside its window and a nonce it has seen (replay protection).
 */
export const FEDERATION_HEADERS = {
  from: 'x-peerlink-from',
  to: 'x-peerlink-to',
  date: 'x-peerlink-date',
  nonce: 'x-peerlink-nonce',
  signature: 'x-peerlink-signature',
  /** The sender's public key, for the first contact only (an MPX "entered" notice). */
  key: 'x-peerlink-key',
} as const;

/** How far a signed request's timestamp may be from the receiver's clock. */
export const FEDERATION_WINDOW_MS = 5 * 60 * 1000;

export interface SignedRequestParts {
  method: string;
  pathAndQuery: string;
  from: string;
  to: string;
  date: number;
  nonce: string;
  body: string;
}

function stringToSign(parts: SignedRequestParts): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [
    'peerlink-federation-v1',
    parts.method.toUpperCase(),
    parts.pathAndQuery,
    parts.from,
    parts.to,
    String(parts.date),
    parts.nonce,
    bodyHash,
  ].join('\n');
}

export function signRequest(
  key: EnrollmentKey,
  request: { method: string; pathAndQuery: string; to: string; body: string; now: number },
): Record<string, string> {
  const parts: SignedRequestParts = {
    ...request,
    from: key.enrollmentId,
    date: request.now,
    nonce: randomBytes(16).toString('base64url'),
  };
  return {
    [FEDERATION_HEADERS.from]: parts.from,
    [FEDERATION_HEADERS.to]: parts.to,
    [FEDERATION_HEADERS.date]: String(parts.date),
    [FEDERATION_HEADERS.nonce]: parts.nonce,
    [FEDERATION_HEADERS.signature]: key.sign(stringToSign(parts)),
  };
}

export function verifyRequestSignature(
  publicKey: string,
  parts: SignedRequestParts,
  signature: string,
): boolean {
  return verifySignature(publicKey, stringToSign(parts), signature);
}
