import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Application } from '../app/application.js';
import type { Caller } from '../app/caller.js';
import type { Clock } from '../clock.js';
import type { User } from '../domain/users.js';
import { verifyBceRequest } from './bce/auth/verify.js';
import { HttpError } from './errors.js';
import { splitUrl } from './raw-query.js';
import { isFederationPath, isPeerlinkApi } from './render-error.js';

/** Paths answered without credentials (logging in is one: it is how credentials are obtained). */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/api/v1/sessions']);

/** The web console's static files (http/console.ts): public, the page logs in through the API. */
export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}

export const SESSION_COOKIE = 'peerlink_session';
/** Cookie-authenticated writes must carry it: a cross-site form or image cannot set a header. */
export const CONSOLE_HEADER = 'x-peerlink-console';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The session of a cookie-authenticated request (the hash of its secret). */
const sessions = new WeakMap<FastifyRequest, string>();
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return sessions.get(request);
}

/** The value of one cookie in a Cookie header, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

const unauthorized = (reason: string, message: string) => new HttpError(401, 'Unauthorized', message, reason);

const userCaller = (user: User, request: FastifyRequest): Caller => ({
  accountId: user.id,
  principalId: user.id,
  isAdmin: user.isAdmin,
  region: request.region,
});

/**
 * Who calls. The Peerlink API (/api) takes, in order: an `Authorization` header (`Bearer plk_…`
 * for a user's token, else a bce-auth-v1 signature for an account's key), else the console's
 * `peerlink_session` cookie. An explicit Authorization header wins over the cookie a browser may
 * send along. The BCE API (/v1) takes bce-auth-v1 signatures only. Runs before the body is read,
 * so unauthenticated requests cost no parsing.
 */
export function registerAuthentication(
  app: FastifyInstance,
  deps: {
    application: Application;
    clock: Clock;
    clockSkewSeconds: number;
    maxSignatureExpirationSeconds: number;
  },
): void {
  app.addHook('onRequest', async (request, reply) => {
    const { path, query } = splitUrl(request.url);
    if (PUBLIC_PATHS.has(path) || isConsolePath(path)) return;
    // Other enrollments sign with their enrollment keys; http/federation checks those signatures.
    if (isFederationPath(path)) {
      // No route, no body: an unknown federation path or method is answered before anything is read.
      if (request.routeOptions.url === undefined) {
        reply.header('connection', 'close');
        throw new HttpError(
          404,
          'InvalidURI',
          `no operation answers ${request.method} ${path}`,
          'NoSuchOperation',
        );
      }
      return;
    }
    const authorization = request.headers.authorization;
    const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (isPeerlinkApi(path)) {
      if (bearer !== undefined) {
        const user = await deps.application.users.resolveToken(bearer);
        if (!user) {
          reply.header('www-authenticate', 'Bearer realm="peerlink", error="invalid_token"');
          throw unauthorized(
            'InvalidToken',
            'the bearer token is not valid: unknown, revoked, or its user was deleted',
          );
        }
        request.caller = userCaller(user, request);
        return;
      }
      const secret = authorization ? undefined : cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (secret !== undefined) {
        const session = await deps.application.users.resolveSession(secret);
        if (!session)
          throw unauthorized('SessionExpired', 'the console session has expired or ended; log in again');
        if (STATE_CHANGING.has(request.method) && request.headers[CONSOLE_HEADER] !== '1') {
          throw new HttpError(
            403,
            'AccessDenied',
            `a request authenticated by the session cookie must carry the header "X-Peerlink-Console: 1" to change anything`,
            'ConsoleHeaderRequired',
          );
        }
        sessions.set(request, session.sessionId);
        request.caller = userCaller(session.user, request);
        return;
      }
      // The console page sends its header on every call: without a session (never logged in, or the
      // browser dropped the expired cookie) it is told to log in, not that a signature is missing.
      if (!authorization && request.headers[CONSOLE_HEADER] === '1')
        throw unauthorized('SessionRequired', 'no console session: log in first');
    } else if (bearer !== undefined) {
      throw new HttpError(
        403,
        'AccessDenied',
        'the BCE API (/v1) accepts only bce-auth-v1 signatures; bearer tokens work on the Peerlink API (/api/v1)',
      );
    }
    const credential = await verifyBceRequest(
      { method: request.method, rawPath: path, rawQuery: query, headers: request.headers },
      {
        now: deps.clock.now(),
        clockSkewSeconds: deps.clockSkewSeconds,
        maxExpirationSeconds: deps.maxSignatureExpirationSeconds,
        findKey: (accessKeyId) => deps.application.accounts.resolveCredential(accessKeyId),
      },
    );
    request.caller = {
      accountId: credential.accountId,
      principalId: credential.accountId,
      isAdmin: credential.isAdmin,
      region: request.region,
    };
  });
}
