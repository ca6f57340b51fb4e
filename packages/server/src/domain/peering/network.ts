import { badRequest } from '../errors.js';
import type { MpxDirection } from './mpx.js';

/** An MPX invite this side generated (reference §1.3): single use, expiring, revocable. */
export interface MpxInvite {
  id: string;
  direction: MpxDirection;
  nonce: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** The remote enrollment this side entered a code of, using this invite. */
  usedFor: string | null;
}

/**
 * This side's record of an MPX connection with one remote enrollment. Established once this side
 * entered the remote's code (`enteredAt`) and the remote told it that it entered this side's code
 * (`remoteEnteredAt`): both sides, both steps (R4).
 */
export interface MpxConnection {
  remoteEnrollmentId: string;
  name: string | null;
  remotePublicKey: string;
  remoteTitle: string | null;
  remoteAddress: string | null;
  remoteDirection: MpxDirection | null;
  remoteInviteNonce: string | null;
  localInviteId: string | null;
  localDirection: MpxDirection | null;
  enteredAt: number | null;
  remoteEnteredAt: number | null;
  establishedAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  createdAt: number;
  /** The remote refused this side's notice (signed refusal); `lastError` says why. */
  refusedAt: number | null;
}

export type RelayDirection = 'export' | 'import';
export const RELAY_TRANSPORTS = ['file'] as const;
export type RelayTransport = (typeof RELAY_TRANSPORTS)[number];

/** One one-way channel of a data relay (R7): files this side writes (export) or reads (import). */
export interface RelayChannel {
  id: string;
  name: string;
  remoteEnrollmentId: string;
  remotePublicKey: string;
  remoteTitle: string | null;
  direction: RelayDirection;
  transport: RelayTransport;
  path: string;
  createdBy: string;
  createdAt: number;
  lastOkAt: number | null;
  lastError: string | null;
  messages: number;
  rejected: number;
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

export function checkConnectionName(text: string): string {
  const name = text.trim();
  if (!NAME.test(name))
    throw badRequest(
      'InvalidName',
      'a connection or channel name is 1-64 letters, digits, spaces, dots, dashes or underscores',
    );
  return name;
}

/** An http(s) base URL without credentials, query or fragment, as peers reach this enrollment. */
export function checkAddress(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest('InvalidAddress', `"${text}" is not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
    throw badRequest(
      'InvalidAddress',
      'the address must be an http(s) URL without credentials, query or fragment',
    );
  return url.toString().replace(/\/+$/, '');
}
