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
 * The region of a request, from the signed `Host` first: `Host: bcc.<region>.…` names it; a Host
 * naming one of this server's own listeners (`127.0.0.1:8081`) means that listener's region, so a
 * request signed for one listener and replayed at another is still served where it was signed for;
 * otherwise (a proxy's name in front) it is the region of the listener that accepted the connection.
 */
export function resolveRegion(
  host: string | undefined,
  listenerRegion: Region,
  regionOfAuthority: (authority: string) => Region | undefined = () => undefined,
): Region {
  if (!host) return listenerRegion;
  const named = BCE_HOST.exec(host)?.[1]?.toLowerCase();
  if (named && isRegion(named)) return named;
  return regionOfAuthority(host.toLowerCase()) ?? listenerRegion;
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route reached without an authenticated caller');
  return request.caller;
}
