import { BceServiceError, NetworkError, PeerlinkApiError, WaiterError } from '@peerlink/sdk';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command run on the user's behalf (dataplane exec) ended with this code: exit with it, silently. */
export class ChildExit extends Error {
  override name = 'ChildExit';
  constructor(readonly exitCode: number) {
    super(`the command exited with code ${exitCode}`);
  }
}

export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

/** What to do about common refusals, in a sentence. */
const HINTS: Record<string, string> = {
  LoginThrottled:
    'too many failed logins for this user or from this machine; wait as long as the server says, then try again',
  HashingBusy: 'the server is busy checking other passwords; try again in a moment',
  InvalidAccessKeyId: 'check --ak, PEERLINK_AK or your profile (peerlink configure)',
  SignatureDoesNotMatch: 'check the secret key (--sk, PEERLINK_SK or your profile)',
  RequestExpired: "check this machine's clock",
  NoSuchObject: 'check the id and the region of the endpoint you called',
  PeerConnBusy: 'another operation is in progress; retry when it has finished (or use --wait)',
  AccessDenied: 'this needs an administrator account',
  NotSpaceManager: 'a manager of the space must do this (peerlink spaces managers add <space> <you>)',
  OnlyOriginator: 'only the side that created the request can activate it',
  NetworkPolicyMissing: 'an administrator must add the named policies (peerlink policy ingress|egress add)',
  NoTransport: 'an administrator must establish MPX (peerlink network mpx …) or a data relay first',
  PlatformTitleMissing: 'an administrator must set it: peerlink enrollment title "<title>"',
  InviteExpired: 'ask the other side for a new code',
  LocalInviteRequired: 'generate yours with peerlink network mpx invite; name it with --invite',
  ObjectExists: 'an object with this primary key exists; change it with peerlink data objects update',
  UnknownMarking: 'an administrator must create the marking first (peerlink data markings create <name>)',
  NoSuchObjectType: 'check the type name (peerlink data types list <space>)',
  ObjectTypeInUse: 'delete the objects of the type first (peerlink data objects list <space> --type <type>)',
  InvalidProperties: 'check the property names and their types (peerlink data types show <space> <type>)',
  InvalidObjectType:
    'give --property name:type (string, integer, double, boolean, timestamp) and a string or integer --primary-key among them',
  InvalidFilePath: 'use a relative path of /-separated segments, none empty, . or ..',
  FileTooLarge: 'a file holds at most 8 MiB',
  NoSuchConflict: 'check the id (peerlink data conflicts list <space>)',
  InvalidTypeMapping:
    'map the primary key and only properties of the local type, each to a different remote property',
};

/** Prints an error the way a user can act on it, and answers the exit code. */
export function reportError(error: unknown, write: (line: string) => void): number {
  if (error instanceof ChildExit) return error.exitCode;
  // ConfigError comes from the lazily loaded server package, so it is recognised by name.
  if (error instanceof UsageError || (error instanceof Error && error.name === 'ConfigError')) {
    write(`peerlink: ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof BceServiceError || error instanceof PeerlinkApiError) {
    write(`peerlink: ${error.code}${error.reason ? ` (${error.reason})` : ''}: ${error.message}`);
    const hint = HINTS[error.reason ?? ''] ?? HINTS[error.code];
    if (hint) write(`  hint: ${hint}`);
    if (error.retryAfterSeconds !== undefined)
      write(
        `  retry after ${error.retryAfterSeconds} s (the server refuses earlier attempts without checking them)`,
      );
    write(`  status ${error.statusCode}, request id ${error.requestId}`);
    return EXIT_API_ERROR;
  }
  if (error instanceof NetworkError) {
    write(`peerlink: ${error.message}`);
    write('  hint: is the server running? check --endpoint, PEERLINK_ENDPOINT or your profile');
    return EXIT_API_ERROR;
  }
  if (error instanceof WaiterError) {
    write(`peerlink: ${error.message}`);
    return EXIT_API_ERROR;
  }
  write(`peerlink: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_API_ERROR;
}
