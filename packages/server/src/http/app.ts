import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Application } from '../app/application.js';
import type { Clock, TestClock } from '../clock.js';
import type { DataplaneService } from '../dataplane/service.js';
import type { Region } from '../domain/regions.js';
import type { Reconciler } from '../reconciler/reconciler.js';
import type { Db } from '../store/database.js';
import { accountRoutes } from './api/routes/accounts.js';
import { dataplaneRoutes } from './api/routes/dataplane.js';
import { enrollmentRoutes } from './api/routes/enrollment.js';
import { networkRoutes } from './api/routes/network.js';
import { peerConnEventRoutes } from './api/routes/peer-conn-events.js';
import { peerConnectionRoutes } from './api/routes/peer-connections.js';
import { policyRoutes } from './api/routes/policies.js';
import { spaceDataRoutes } from './api/routes/space-data.js';
import { spaceRoutes } from './api/routes/spaces.js';
import { testClockRoutes } from './api/routes/test-clock.js';
import { userRoutes } from './api/routes/users.js';
import { registerAuthentication } from './authenticate.js';
import { BCE_ROUTES } from './bce/routes/index.js';
import { consoleRoutes, DEFAULT_CONSOLE_DIST } from './console.js';
import { HttpError, toHttpError } from './errors.js';
import { federationRoutes } from './federation/routes.js';
import { parseJsonBody } from './json-body.js';
import { createListener, type ListenerLimits } from './listener.js';
import { registerObservability } from './observability.js';
import { parseRawQuery, queryObject, splitUrl } from './raw-query.js';
import { BCE_JSON, isPeerlinkApi, renderError } from './render-error.js';
import { resolveRegion } from './request-context.js';

export interface HttpAppDeps {
  application: Application;
  db: Db;
  clock: Clock;
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  /** Timeouts and the connection cap of the main listener (server.ts gives the others the same). */
  listenerLimits: ListenerLimits;
  clockSkewSeconds: number;
  maxSignatureExpirationSeconds: number;
  /** Region of the listener that accepted a connection, by local port; filled in as listeners start. */
  regionOfPort: (port: number | undefined) => Region;
  /** Region of the listener a Host header (`127.0.0.1:8081`) names, if it names one of this server's. */
  regionOfAuthority?: (authority: string) => Region | undefined;
  /** Wall time for signature checks: business time may be moved by the test clock, this never is. */
  authClock: Clock;
  testClock: TestClock | undefined;
  reconciler: Reconciler;
  dataplane: DataplaneService;
  /** The built web console served at /console/; packages/console/dist by default. */
  consoleDistDir?: string;
  /** Told of every route as it is registered (server.ts lists them for diagnostics and tests). */
  onRoute?: (route: { method: string; url: string }) => void;
}

export function buildHttpApp(deps: HttpAppDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger,
    // One line per request is written by the observability hook instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    bodyLimit: deps.bodyLimitBytes,
    serverFactory: (handler) => createListener(deps.listenerLimits, handler),
    routerOptions: {
      ignoreTrailingSlash: true,
      // The raw query is parsed as bce-auth-v1 signs it: percent-decoding only, `+` stays a plus.
      // This runs inside the router, where a throw escapes every handler (and would end the
      // process), so bad percent-encoding reads as no query here and is refused by onRequest.
      querystringParser: (raw) => {
        try {
          return queryObject(raw);
        } catch {
          return {};
        }
      },
    },
    return503OnClosing: true,
    // Errors found while routing (bad percent-encoding, an over-long path segment) skip the hooks and
    // the error handler; without this Fastify answers them in its own format.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-bce-request-id', request.id);
      return renderError(request, reply, toHttpError(error));
    },
  });

  const { onRoute } = deps;
  if (onRoute)
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) onRoute({ method, url: route.url });
    });

  app.decorateRequest('region', 'bj');
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-bce-request-id', request.id);
    request.region = resolveRegion(
      request.headers.host,
      deps.regionOfPort(request.socket.localPort),
      deps.regionOfAuthority,
    );
    // Throws 400 InvalidURI on bad percent-encoding, which the query parser above had to swallow.
    parseRawQuery(splitUrl(request.url).query);
    if (/%00/i.test(request.url)) throw new HttpError(400, 'InvalidURI', 'the URI must not contain %00');
  });

  const registry = registerObservability(app, deps.db);
  for (const metric of deps.dataplane.metrics) registry.registerMetric(metric);
  registerAuthentication(app, { ...deps, clock: deps.authClock });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer, request.headers['content-md5'] as string | undefined));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // BCE SDKs need an explicit JSON type and, for empty answers, `{}` rather than a chunked nothing.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isPeerlinkApi(request.url) && splitUrl(request.url).path.startsWith('/v')) reply.type(BCE_JSON);
    return payload;
  });

  for (const register of BCE_ROUTES) register(app, deps);
  accountRoutes(app, deps);
  enrollmentRoutes(app, deps);
  peerConnEventRoutes(app, deps);
  spaceRoutes(app, deps);
  spaceDataRoutes(app, deps);
  policyRoutes(app, deps);
  testClockRoutes(app, deps);
  federationRoutes(app, deps);
  networkRoutes(app, deps);
  peerConnectionRoutes(app, deps);
  userRoutes(app, deps);
  dataplaneRoutes(app, deps);
  consoleRoutes(app, { distDir: deps.consoleDistDir ?? DEFAULT_CONSOLE_DIST });

  app.setErrorHandler((error, request, reply) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) request.log.error({ err: error }, 'request failed');
    return renderError(request, reply, httpError);
  });
  app.setNotFoundHandler((request, reply) => {
    const { path } = splitUrl(request.url);
    const version = /^\/v(\d+)\//.exec(path)?.[1];
    const error =
      version !== undefined && version !== '1'
        ? new HttpError(404, 'InvalidVersion', `API version v${version} does not exist; use /v1`)
        : new HttpError(404, 'InvalidURI', `no operation answers ${request.method} ${path}`);
    return renderError(request, reply, error);
  });
  return app;
}
