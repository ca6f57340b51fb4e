import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MASTER_KEY_FILE, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 7));
    const sealed = box.seal('fedcba9876543210fedcba9876543210');
    expect(sealed).not.toContain('fedcba98');
    expect(box.open(sealed)).toBe('fedcba9876543210fedcba9876543210');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a secret sealed under another key or tampered with', () => {
    const sealed = SecretBox.fromKey(Buffer.alloc(32, 1)).seal('secret');
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 2)).open(sealed)).toThrow();
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 1)).open(flipped)).toThrow();
  });

  it('keeps its key in the data directory, private, across restarts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-box-'));
    const sealed = SecretBox.open(dir, undefined).seal('kept');
    expect(statSync(path.join(dir, MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, MASTER_KEY_FILE), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(SecretBox.open(dir, undefined).open(sealed)).toBe('kept');
  });

  it('prefers a configured key and checks its length', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-box-'));
    expect(SecretBox.open(dir, key).open(SecretBox.fromKey(Buffer.alloc(32, 9)).seal('x'))).toBe('x');
    expect(() => SecretBox.open(dir, Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
