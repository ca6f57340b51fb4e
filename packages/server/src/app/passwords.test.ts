import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import {
  checkPasswordPolicy,
  decoyHash,
  generatePassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
} from './passwords.js';

describe('password hashes', () => {
  it('are scrypt with the cost, a 16-byte salt and a 32-byte key in the string', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, key] = hash.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('verify the right password and only it', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('differ for the same password (random salt)', async () => {
    expect(await hashPassword('same password 123')).not.toBe(await hashPassword('same password 123'));
  });

  it('match composed and decomposed forms of the same text', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 2024');
    expect(await verifyPassword('cafe\u0301 au lait 2024', hash)).toBe(true);
  });

  it('read their cost from the stored string', async () => {
    const stored = await hashPassword('an older hash 123');
    const parts = stored.split('$');
    // Same salt and password, cheaper cost: a different key, so verification must use the stored cost.
    expect(
      await verifyPassword('an older hash 123', [...parts.slice(0, 1), '1024', ...parts.slice(2)].join('$')),
    ).toBe(false);
  });

  it('never match malformed stored values', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$x$8$1$AAAA$AAAA',
      'bcrypt$16384$8$1$AAAA$AAAA',
      'scrypt$16384$8$1$AAAA$',
    ]) {
      expect(await verifyPassword('whatever password', stored)).toBe(false);
    }
  });

  it('include a decoy that no password matches', async () => {
    expect(await verifyPassword('', await decoyHash())).toBe(false);
    expect(await decoyHash()).toBe(await decoyHash());
  });
});

describe('password policy', () => {
  it(`refuses fewer than ${MIN_PASSWORD_LENGTH} characters with a clear reason`, () => {
    const error = (() => {
      try {
        checkPasswordPolicy('short-pass1');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'BadRequest', reason: 'PasswordTooShort' });
    expect((error as Error).message).toMatch(/at least 12 characters/);
  });

  it('counts characters, not bytes, and accepts 12', () => {
    expect(checkPasswordPolicy('twelve chars')).toBe('twelve chars');
    expect(() => checkPasswordPolicy('密码密码密码密码密码密')).toThrow(/at least 12/);
    expect(() => checkPasswordPolicy('x'.repeat(1025))).toThrow(/at most 1024/);
  });

  it('generates passwords that pass it', () => {
    const generated = generatePassword();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(checkPasswordPolicy(generated)).toBe(generated);
    expect(generatePassword()).not.toBe(generated);
  });
});
