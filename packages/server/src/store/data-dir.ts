import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Owner read and write: the database holds sealed secrets and password hashes, master.key unseals them. */
export const PRIVATE_FILE_MODE = 0o600;
/** Group and others' read and write bits; execute (traversal) alone reveals no names or contents. */
const LOOSE_BITS = 0o066;

/**
 * Creates the data directory (0700) when missing. An existing one keeps its mode, which the operator
 * chose (a shared mount, say); answers that mode when group or others may read or write it, so the
 * caller can warn, else undefined.
 */
export function prepareDataDir(dir: string): number | undefined {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  return (mode & LOOSE_BITS) !== 0 ? mode : undefined;
}

/**
 * Sets an existing file to 0600 (files an earlier version or a restored backup left 0644). chmod,
 * unlike the mode given at creation, is not narrowed by the umask, so the result is exact.
 */
export function restrictExisting(file: string): void {
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Creates `file` empty and private when missing (never truncating it), else restricts it. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
