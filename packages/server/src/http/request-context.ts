import type { FastifyRequest } from 'fastify';
import type { Caller } from '../app/caller.js';
import { isRegion, type Region } from '../domain/regions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The region whose endpoint was called. */
    region: Region;
    /** The authenticated account; set by the auth hook on every /v1 and /api request. */
    caller?: Caller;
  }
}

const BCE_HOST = /^bcc\.([a-z0-9-]+)\./i;

/**
 * The region of a request: `Host: bcc.<region>.…` names it; otherwise it is the region of the
 * listener (port) that accepted the connection.
 */
export function resolveRegion(host: string | undefined, listenerRegion: Region): Region {
  const named = host ? BCE_HOST.exec(host)?.[1]?.toLowerCase() : undefined;
  return named && isRegion(named) ? named : listenerRegion;
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route reached without an authenticated caller');
  return request.caller;
}
