import { badRequest } from '../domain/errors.js';
import { type EnrollmentKey, verifySignature } from './keys.js';

/**
 * Compact, copy-pasteable codes signed by an enrollment key: `<kind>.<payload>.<signature>`, the
 * payload base64url JSON, the signature Ed25519 over `<kind>.<payload>`. Anyone can read a code;
 * only the key that signed it could have written it, so a changed character is caught.
 */
export const CODE_KINDS = {
  /** An MPX invite (reference §1.3). */
  mpxInvite: 'plmpx1',
  /** A peer request's invite code (R12, R13). */
  peerRequest: 'plreq1',
  /** An enrollment's identity card, exchanged by administrators to set up a data relay. */
  identity: 'plid1',
} as const;
export type CodeKind = keyof typeof CODE_KINDS;

/** Every code names who signed it and carries that key, checked against what the reader knows. */
export interface SignedPayload {
  /** The signer's enrollment id. */
  enr: string;
  /** The signer's public key. */
  key: string;
  /** Platform title of the signer. */
  title: string | null;
}

export function encodeCode(kind: CodeKind, payload: SignedPayload, key: EnrollmentKey): string {
  const body = `${CODE_KINDS[kind]}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${key.sign(body)}`;
}

const invalid = (kind: CodeKind, why: string) =>
  badRequest('InviteCodeInvalid', `this is not a valid ${describe(kind)}: ${why}`);

function describe(kind: CodeKind): string {
  return { mpxInvite: 'MPX invite code', peerRequest: 'peer request invite code', identity: 'identity card' }[
    kind
  ];
}

/**
 * Reads a code and checks its signature against the key it carries; the caller then checks that
 * this key is the one it knows for that enrollment (or, on first contact, pins it).
 */
export function decodeCode<T extends SignedPayload>(kind: CodeKind, text: string): T {
  const code = text.replace(/\s+/g, '');
  const parts = code.split('.');
  if (parts.length !== 3 || parts[0] !== CODE_KINDS[kind])
    throw invalid(kind, `it should start with "${CODE_KINDS[kind]}." and have three dot-separated parts`);
  let payload: T;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as T;
  } catch {
    throw invalid(kind, 'its content is not readable (was it copied completely?)');
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof payload.enr !== 'string' ||
    typeof payload.key !== 'string'
  )
    throw invalid(kind, 'it names no enrollment');
  // Signed by its own key, so anyone can craft one: the fields stored from it must be text.
  const fields = payload as unknown as Record<string, unknown>;
  const textOrNull = (value: unknown) => value === null || typeof value === 'string';
  if (
    !textOrNull(fields.title) ||
    !['addr', 'nonce'].every((f) => fields[f] === undefined || textOrNull(fields[f]))
  )
    throw invalid(kind, 'its title, address or nonce is not text');
  if (!verifySignature(payload.key, `${parts[0]}.${parts[1]}`, parts[2]!))
    throw invalid(kind, 'its signature does not match its content (was it changed or cut short?)');
  return payload;
}
