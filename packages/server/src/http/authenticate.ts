import type { FastifyInstance } from 'fastify';
import type { Application } from '../app/application.js';
import type { Clock } from '../clock.js';
import { verifyBceRequest } from './bce/auth/verify.js';
import { splitUrl } from './raw-query.js';

/** Paths answered without credentials. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Every /v1 and /api request is signed with bce-auth-v1; the caller is the key's account. Runs before
 * the body is read, so unauthenticated requests cost no parsing.
 */
export function registerAuthentication(
  app: FastifyInstance,
  deps: { application: Application; clock: Clock; clockSkewSeconds: number },
): void {
  app.addHook('onRequest', async (request) => {
    const { path, query } = splitUrl(request.url);
    if (PUBLIC_PATHS.has(path)) return;
    const credential = await verifyBceRequest(
      { method: request.method, rawPath: path, rawQuery: query, headers: request.headers },
      {
        now: deps.clock.now(),
        clockSkewSeconds: deps.clockSkewSeconds,
        findKey: (accessKeyId) => deps.application.accounts.resolveCredential(accessKeyId),
      },
    );
    request.caller = { accountId: credential.accountId, isAdmin: credential.isAdmin, region: request.region };
  });
}
