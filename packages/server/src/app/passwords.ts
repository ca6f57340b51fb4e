import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../domain/errors.js';
import { Semaphore } from './semaphore.js';

/** Shorter passwords are refused; longer ones are refused too, so hashing stays cheap. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** scrypt cost parameters of new hashes (16 MiB of memory, some tens of milliseconds). */
const COST = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const SCHEME = 'scrypt';

/**
 * Every scrypt call of the server goes through this: each holds 16 MiB and a thread of libuv's
 * pool (4 threads, shared with file access and DNS), so 100 concurrent logins would cost 1.6 GiB
 * and starve everything else. A few hash at once, a few more wait their turn, the rest are refused
 * at once (`HashingBusy`, answered 503 with Retry-After) instead of piling up.
 */
export const HASHING_CONCURRENCY = 2;
export const HASHING_QUEUE = 16;
export const passwordHashing = new Semaphore(HASHING_CONCURRENCY, HASHING_QUEUE);

function derive(
  password: string,
  salt: Buffer,
  cost: { N: number; r: number; p: number },
  keyBytes: number,
): Promise<Buffer> {
  return passwordHashing.run(() => scryptKey(password, salt, cost, keyBytes));
}

function scryptKey(
  password: string,
  salt: Buffer,
  cost: { N: number; r: number; p: number },
  keyBytes: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes; the default (32 MiB) would refuse stronger stored costs.
    const maxmem = 256 * cost.N * cost.r;
    scrypt(password, salt, keyBytes, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Refuses passwords outside the policy, with a message that says what the policy is. */
export function checkPasswordPolicy(password: string): string {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw badRequest(
      'PasswordTooShort',
      `the password must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${length})`,
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw badRequest(
      'PasswordTooLong',
      `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
  return password;
}

/** `scrypt$16384$8$1$<salt base64>$<key base64>`: the cost travels with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password.normalize('NFC'), salt, COST, KEY_BYTES);
  return [SCHEME, COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether the password matches a stored hash; a malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(password.normalize('NFC'), salt, { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of no one's password: checked when a login names an unknown user, so that such a
 * login takes as long as a wrong password does and the answer time tells nothing.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex')).catch((error: unknown) => {
    // A refusal (hashing busy) must not be remembered as the decoy for good.
    decoy = undefined;
    throw error;
  });
  return decoy;
}

/** 24 characters of base64url (144 random bits): for generated passwords. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
