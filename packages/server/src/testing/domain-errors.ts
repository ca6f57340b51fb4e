import { expect } from 'vitest';
import { DomainError, type ErrorKind } from '../domain/errors.js';

/** Matches a DomainError of this kind and reason, for `toThrow(refused(…))`. */
export const refused = (kind: ErrorKind, reason: string) => expect.objectContaining({ kind, reason });

/** Runs `fn`, which must throw a DomainError, and returns that error. */
export function domainRefusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}
