import { createHash } from 'node:crypto';
import { badRequest } from '../errors.js';

/** File paths in a space: relative, `/`-separated, no empty, `.` or `..` segments. */
const MAX_PATH = 512;
/** Files travel inside replication chunks and API bodies; larger ones need a blob transport first. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export function checkFilePath(text: string): string {
  const segments = text.split('/');
  if (
    text.length === 0 ||
    text.length > MAX_PATH ||
    /\p{Cc}|\\/u.test(text) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw badRequest(
      'InvalidFilePath',
      `"${text}" is not a file path: 1-${MAX_PATH} characters, segments separated by /, none empty, . or .., no backslashes or control characters`,
    );
  }
  return text;
}

export function checkFileSize(bytes: number): void {
  if (bytes > MAX_FILE_BYTES)
    throw badRequest('FileTooLarge', `a file holds at most ${MAX_FILE_BYTES} bytes; this one has ${bytes}`);
}

export function contentHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
