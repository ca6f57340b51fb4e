import { badRequest } from './errors.js';

/** A deployment of Peerlink as its peers know it: a stable id, a signing key and a platform title. */
export interface Enrollment {
  id: string;
  /** Ed25519 public key, raw 32 bytes in base64url: what peers verify this enrollment's messages with. */
  publicKey: string;
  /** Shown to the other side with every peer request (Peer Manager R11); unset until an administrator sets it. */
  platformTitle: string | null;
  createdAt: number;
}

export const PLATFORM_TITLE_MAX = 128;

/** A title people recognise: 1-128 characters once trimmed, no control characters. */
export function checkPlatformTitle(text: string): string {
  const title = text.trim();
  if (title.length === 0 || [...title].length > PLATFORM_TITLE_MAX) {
    throw badRequest('InvalidPlatformTitle', `the platform title must be 1-${PLATFORM_TITLE_MAX} characters`);
  }
  if (/\p{Cc}/u.test(title))
    throw badRequest('InvalidPlatformTitle', 'the platform title must not contain control characters');
  return title;
}
