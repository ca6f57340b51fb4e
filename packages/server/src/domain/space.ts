import { badRequest } from './errors.js';
import { idPattern } from './ids.js';

/**
 * A space: the top-level container a peer connection joins on each side (Peer Manager §1.1). Its
 * managers (account or user ids) are the only principals who may peer it (R10); enrollment
 * administrators create spaces but manage one only if they are among its managers.
 */
export interface Space {
  id: string;
  name: string;
  description: string;
  /** Principal ids, sorted; never empty. */
  managers: string[];
  createdAt: number;
}

export const SPACE_NAME_MAX = 64;
export const SPACE_ID = idPattern('spc');
/** An account id (32 hex digits) or a user id (`usr-` and 12 base-36 characters). */
const PRINCIPAL_ID = /^(?:[0-9a-f]{32}|usr-[0-9a-z]{12})$/;

/** A name people recognise: 1-64 characters once trimmed, no control characters. */
export function checkSpaceName(text: string): string {
  const name = text.trim();
  if (name.length === 0 || [...name].length > SPACE_NAME_MAX) {
    throw badRequest('InvalidSpaceName', `the space name must be 1-${SPACE_NAME_MAX} characters`);
  }
  if (/\p{Cc}/u.test(name))
    throw badRequest('InvalidSpaceName', 'the space name must not contain control characters');
  return name;
}

export function checkSpaceId(text: string): string {
  if (!SPACE_ID.test(text)) throw badRequest('InvalidSpaceId', `"${text}" is not a space id (spc-…)`);
  return text;
}

export function checkPrincipalId(text: string): string {
  if (!PRINCIPAL_ID.test(text)) {
    throw badRequest(
      'InvalidPrincipalId',
      `"${text}" is not a principal id: an account id (32 hex digits) or a user id (usr-…)`,
    );
  }
  return text;
}

/** The managers of a new space: its creator and whoever else was named, each once, sorted. */
export function initialManagers(creator: string, named: readonly string[] = []): string[] {
  return [...new Set([creator, ...named.map(checkPrincipalId)])].sort();
}
