import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** An enrollment's Ed25519 key pair; the public half travels as raw 32 bytes in base64url. */
export class EnrollmentKey {
  private constructor(
    readonly enrollmentId: string,
    readonly publicKey: string,
    private readonly privateKey: KeyObject,
  ) {}

  static fromPkcs8(enrollmentId: string, publicKey: string, pkcs8Base64: string): EnrollmentKey {
    const key = createPrivateKey({ key: Buffer.from(pkcs8Base64, 'base64'), format: 'der', type: 'pkcs8' });
    return new EnrollmentKey(enrollmentId, publicKey, key);
  }

  sign(data: string | Buffer): string {
    return sign(null, Buffer.from(data), this.privateKey).toString('base64url');
  }
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(raw: string): KeyObject | undefined {
  let key = publicKeys.get(raw);
  if (!key) {
    try {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
    } catch {
      return undefined;
    }
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(raw, key);
  }
  return key;
}

/**
 * An Ed25519 signature (64 bytes) in base64url without padding: 86 characters, the last one
 * carrying 2 bits and 4 zero bits. Decoding ignores those 4 bits, so without the last class four
 * different texts would pass for the same signature (a changed code character going unnoticed).
 */
const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{85}[AQgw]$/;

/** False for a bad signature and for anything that is not a key or a signature at all. */
export function verifySignature(publicKey: string, data: string | Buffer, signature: string): boolean {
  const key = publicKeyObject(publicKey);
  if (!key || !SIGNATURE_TEXT.test(signature)) return false;
  try {
    return verify(null, Buffer.from(data), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
