import type { EnrollmentKey } from './keys.js';
import { verifySignature } from './keys.js';

/** Why a receiver refused one pushed message, as its domain said (reason code and sentence). */
export interface Refusal {
  messageId: string;
  reason: string;
  message: string;
}

/**
 * A refusal signed with the refusing enrollment's key, returned in the answer to a push. The sender
 * believes it only if it verifies with the key it already holds for the refuser (from the invite
 * code it entered), so no one on the path, nor any third enrollment, can make a sender believe its
 * notice was refused. The signature covers both enrollment ids and the message id, so a refusal
 * cannot be replayed for another message or another sender.
 */
export interface SignedRefusal extends Refusal {
  signature: string;
}

function refusalText(from: string, to: string, refusal: Refusal): string {
  return [
    'peerlink-refusal-v1',
    from,
    to,
    refusal.messageId,
    refusal.reason,
    // JSON keeps a newline in the sentence from being read as a field boundary.
    JSON.stringify(refusal.message),
  ].join('\n');
}

export function signRefusal(key: EnrollmentKey, to: string, refusal: Refusal): SignedRefusal {
  return { ...refusal, signature: key.sign(refusalText(key.enrollmentId, to, refusal)) };
}

/** Whether `refusal` was signed by `from` (whose key is `publicKey`) for `to`. */
export function verifyRefusal(
  publicKey: string,
  from: string,
  to: string,
  refusal: unknown,
): refusal is SignedRefusal {
  if (typeof refusal !== 'object' || refusal === null) return false;
  const r = refusal as Record<string, unknown>;
  if (![r.messageId, r.reason, r.message, r.signature].every((v) => typeof v === 'string')) return false;
  const typed = r as unknown as SignedRefusal;
  return verifySignature(publicKey, refusalText(from, to, typed), typed.signature);
}
