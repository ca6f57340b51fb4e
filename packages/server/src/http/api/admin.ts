import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../app/caller.js';
import { HttpError } from '../errors.js';
import { callerOf } from '../request-context.js';

/** The Peerlink API's administration endpoints are for administrator accounts only. */
export function requireAdmin(request: FastifyRequest): Caller {
  const caller = callerOf(request);
  if (!caller.isAdmin)
    throw new HttpError(403, 'AccessDenied', 'this operation needs an administrator account');
  return caller;
}
