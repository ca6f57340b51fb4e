import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { restrictExisting } from './data-dir.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
export const MASTER_KEY_FILE = 'master.key';

/**
 * Seals secrets kept at rest (secret access keys must stay recoverable to verify HMAC signatures,
 * so they are encrypted, not hashed) with AES-256-GCM under one master key.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES)
      throw new Error(`the master key must be ${KEY_BYTES} bytes, got ${key.length}`);
    return new SecretBox(key);
  }

  /**
   * The master key given by configuration (base64), or the one kept in the data directory, created
   * there (mode 0600) on first start; an existing file is set 0600 again in case it was loosened.
   */
  static open(dataDir: string, configuredKey: string | undefined): SecretBox {
    if (configuredKey) return SecretBox.fromKey(Buffer.from(configuredKey, 'base64'));
    const file = path.join(dataDir, MASTER_KEY_FILE);
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    restrictExisting(file);
    return SecretBox.fromKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string): string {
    const [version, payload] = sealed.split(':');
    if (version !== VERSION || !payload) throw new Error('unknown sealed secret format');
    const bytes = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }
}
