import { badRequest } from './errors.js';

/** A local user as the use cases see it (never with its password hash). */
export interface User {
  id: string;
  username: string;
  isAdmin: boolean;
  createdAt: number;
}

/** Lowercase letters, digits and `. _ @ -`, starting with a letter or digit; 1 to 64 characters. */
const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
/** Token names: 1 to 64 printable characters (spaces included), e.g. `cli@laptop` or `CI deploy`. */
const TOKEN_NAME = /^[\p{L}\p{N}\p{P}\p{S}][\p{L}\p{N}\p{P}\p{S} ]{0,63}$/u;

/** Usernames are case-insensitive: stored and compared in lowercase. */
export function normalizeUsername(text: string): string {
  return text.trim().toLowerCase();
}

export function checkUsername(text: string): string {
  const username = normalizeUsername(text);
  if (!USERNAME.test(username)) {
    throw badRequest(
      'InvalidUsername',
      'username must be 1-64 characters: letters, digits and "._@-", starting with a letter or digit',
    );
  }
  return username;
}

export function checkTokenName(text: string): string {
  const name = text.trim();
  if (!TOKEN_NAME.test(name)) {
    throw badRequest('InvalidTokenName', 'token name must be 1-64 printable characters');
  }
  return name;
}

/** User ids (`usr-…`) and account ids (32 hex digits) never look alike. */
export function isUserId(principalId: string): boolean {
  return principalId.startsWith('usr-');
}
