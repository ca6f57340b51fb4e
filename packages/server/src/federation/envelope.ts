import { createHash } from 'node:crypto';
import type { EnrollmentKey } from './keys.js';
import { verifySignature } from './keys.js';

/**
 * One message between enrollments, signed by its sender, so that it can be checked wherever it
 * arrives from: pushed over MPX, pulled by the remote, or carried as a file by a cross-domain
 * solution. `body` is JSON text; `sha256` is its checksum.
 */
export interface Envelope {
  id: string;
  from: string;
  to: string;
  kind: string;
  createdAt: number;
  body: string;
  sha256: string;
  signature: string;
}

function signedText(envelope: Omit<Envelope, 'signature'>): string {
  return [
    'peerlink-message-v1',
    envelope.id,
    envelope.from,
    envelope.to,
    envelope.kind,
    envelope.createdAt,
    envelope.sha256,
  ].join('\n');
}

export function sealEnvelope(
  key: EnrollmentKey,
  message: { id: string; to: string; kind: string; createdAt: number; body: string },
): Envelope {
  const unsigned = {
    ...message,
    from: key.enrollmentId,
    sha256: createHash('sha256').update(message.body).digest('hex'),
  };
  return { ...unsigned, signature: key.sign(signedText(unsigned)) };
}

/** Why an envelope cannot be trusted, or undefined when its checksum and signature hold. */
export function envelopeProblem(envelope: Envelope, publicKey: string): string | undefined {
  if (createHash('sha256').update(envelope.body).digest('hex') !== envelope.sha256)
    return 'checksum mismatch';
  if (!verifySignature(publicKey, signedText(envelope), envelope.signature)) return 'bad signature';
  return undefined;
}

export function isEnvelope(value: unknown): value is Envelope {
  const e = value as Record<string, unknown>;
  return (
    typeof e === 'object' &&
    e !== null &&
    ['id', 'from', 'to', 'kind', 'body', 'sha256', 'signature'].every((k) => typeof e[k] === 'string') &&
    typeof e.createdAt === 'number'
  );
}
