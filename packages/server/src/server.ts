import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino, { type DestinationStream } from 'pino';
import type { NewCredentials } from './app/accounts.js';
import { createApplication } from './app/application.js';
import { type Clock, systemClock, TestClock } from './clock.js';
import type { Config } from './config.js';
import { createDriver, DataplaneUnavailableError, defaultDataplanePrefix } from './dataplane/drivers.js';
import type { DataplaneDriver } from './dataplane/model.js';
import { DataplaneService } from './dataplane/service.js';
import type { Region } from './domain/regions.js';
import { buildHttpApp } from './http/app.js';
import { createListener, type ListenerLimits } from './http/listener.js';
import { Reconciler } from './reconciler/reconciler.js';
import { prepareDataDir } from './store/data-dir.js';
import { openDatabase } from './store/database.js';
import { SecretBox } from './store/secret-box.js';

export interface RunningServer {
  /** Base URL of each region's listener. */
  endpoints: Partial<Record<Region, string>>;
  /**
   * Set when the first start of an empty data directory generated the administrator's key: to show
   * once. A configured key (`adminAccessKeyId`/`adminSecretAccessKey`) is never handed back, so that
   * nothing prints what the operator supplied; `configuredAdmin` says it was used.
   */
  createdAdmin?: NewCredentials;
  /** Set when the first start created the administrator account with the configured key. */
  configuredAdmin?: { accountId: string; accessKeyId: string };
  /** Set when the first start created the `admin` user with a generated password: to show once. */
  createdAdminUser?: { username: string; password: string };
  /** Set when the first start created the `admin` user with the configured `adminPassword`. */
  configuredAdminUser?: { username: string };
  /** Every method and path the HTTP API serves, as registered (`/v1/vpc/:vpcId`). */
  routes: ReadonlyArray<{ method: string; url: string }>;
  /** Runs due work now until nothing is left (tests use it after moving their clock). */
  reconcile(): Promise<number>;
  /** The dataplane service (tests run a pass with `converge()` and read its status). */
  dataplane: DataplaneService;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Business time (timeouts, expiry, timestamps); the system clock by default. */
  clock?: Clock;
  /** Time for signature checks; the system clock by default. */
  authClock?: Clock;
  /** Where JSON logs go; standard output by default. */
  logStream?: DestinationStream;
  /** A dataplane driver to use instead of the configured one (tests record what it is given). */
  dataplaneDriver?: DataplaneDriver;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Listen addresses meaning every interface: clients then reach a listener under any name. */
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** How often a closing listener drops the keep-alive connections that went idle meanwhile. */
const IDLE_SWEEP_MS = 50;

/**
 * Waits for `closing` while dropping idle keep-alive connections: Node closes only the connections
 * idle when `close()` is called, so one whose request was still running would otherwise hold the
 * listener open for the whole keep-alive timeout (72 s in Fastify).
 */
async function sweepingIdle(server: Server, closing: Promise<void>): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    server.closeIdleConnections();
    await closing;
  } finally {
    clearInterval(sweep);
  }
}

function closeServer(server: Server): Promise<void> {
  return sweepingIdle(server, new Promise((resolve) => server.close(() => resolve())));
}

/**
 * Opens the data directory (migrating it), makes sure an administrator exists, and serves every
 * configured region: the main port for `config.region`, one more listener per `regionPorts` entry.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const baseClock = options.clock ?? systemClock;
  const testClock = config.testClock ? new TestClock(baseClock) : undefined;
  const clock = testClock ?? baseClock;
  const authClock = options.authClock ?? systemClock;
  const logger = pino(
    { level: config.logLevel, base: { service: 'peerlink' } },
    options.logStream ?? process.stdout,
  );
  // The directory holds the SQLite database or master.key unless both live elsewhere.
  if (!config.databaseUrl || !config.masterKey) {
    const looseMode = prepareDataDir(config.dataDir);
    if (looseMode !== undefined) {
      logger.warn(
        { dataDir: config.dataDir, mode: looseMode.toString(8) },
        'the data directory is readable or writable by group or others; its files are 0600, but restrict it too (chmod 700)',
      );
    }
  }
  const db = await openDatabase(config, (error) => logger.warn({ err: error }, 'database connection lost'));
  const box = SecretBox.open(config.dataDir, config.masterKey);
  const application = createApplication({
    db,
    clock,
    box,
    quotas: config.quotas,
    timings: { stepMs: config.peerConnStepMs, deletedRetentionMs: config.peerConnRetentionMs },
    authClock,
    log: logger,
    federationRetryMaxMs: config.federationRetryMaxMs,
  });
  const reconciler = new Reconciler(application.reconcileTasks, config.reconcileIntervalMs, logger);
  application.outbox.onEnqueued = () => reconciler.poke();
  application.spaceData.onChanged = () => reconciler.poke();
  application.replication.onWork = () => reconciler.poke();

  const configuredAdmin =
    config.adminAccessKeyId && config.adminSecretAccessKey
      ? { accessKeyId: config.adminAccessKeyId, secretAccessKey: config.adminSecretAccessKey }
      : undefined;
  const firstAdmin = await application.accounts.bootstrap(configuredAdmin);
  const firstAdminUser = await application.users.bootstrap(config.adminPassword);
  const enrollment = await application.enrollment.ensure();

  // The dataplane: refuse to start when the driver cannot work here (one sentence, no stack).
  let driver: DataplaneDriver;
  try {
    driver =
      options.dataplaneDriver ??
      (await createDriver(config.dataplane, {
        prefix: config.dataplanePrefix ?? defaultDataplanePrefix(enrollment.id),
        stateDir: path.join(config.dataDir, 'dataplane'),
        log: logger,
      }));
    await driver.check();
  } catch (error) {
    await db.destroy();
    // A driver's sentence may name the dataplane itself ("the linux dataplane needs …"): say it once.
    const message = (error as Error).message;
    const named = `the ${config.dataplane} dataplane `;
    const why = message.startsWith(named) ? `it ${message.slice(named.length)}` : message;
    throw new DataplaneUnavailableError(`the ${config.dataplane} dataplane cannot start: ${why}`);
  }
  const dataplane = new DataplaneService(db, clock, application.peerConns.timings, driver, logger, {
    repairIntervalMs: config.dataplaneRepairIntervalMs,
  });
  // Every write that changes the network, and every step the reconciler takes, asks for a pass.
  const converge = () => dataplane.poke();
  application.peerConns.onDueWork = () => {
    reconciler.poke();
    converge();
  };
  application.peerConns.onAdvanced = converge;
  application.vpcs.onChanged = converge;
  application.subnets.onChanged = converge;
  application.routes.onChanged = converge;
  application.endpoints.onChanged = converge;

  const regionByPort = new Map<number, Region>();
  const routes: Array<{ method: string; url: string }> = [];
  const listenerLimits: ListenerLimits = {
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    maxConnections: config.maxConnections,
  };
  const app = buildHttpApp({
    application,
    db,
    clock,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    listenerLimits,
    clockSkewSeconds: config.clockSkewSeconds,
    maxSignatureExpirationSeconds: config.maxSignatureExpirationSeconds,
    regionOfPort: (port) => (port !== undefined && regionByPort.get(port)) || config.region,
    regionOfAuthority: (authority) => {
      // A Host naming one of our listeners as clients address it: `<host>:<port>` of an endpoint (or
      // any name with that port when listening on every address).
      const at = authority.lastIndexOf(':');
      const port = Number(authority.slice(at + 1));
      const region = at > 0 && Number.isInteger(port) ? regionByPort.get(port) : undefined;
      if (!region) return undefined;
      const name = authority.slice(0, at);
      return ANY_ADDRESS.has(config.host) || name === config.host.toLowerCase() ? region : undefined;
    },
    authClock,
    testClock,
    reconciler,
    onRoute: (route) => routes.push(route),
    dataplane,
  });
  await app.ready();

  const endpoints: Partial<Record<Region, string>> = {};
  const extraServers: Server[] = [];
  try {
    await app.listen({ port: config.port, host: config.host });
    const mainPort = (app.server.address() as AddressInfo).port;
    regionByPort.set(mainPort, config.region);
    endpoints[config.region] = `http://${config.host}:${mainPort}`;
    application.enrollment.publicUrl = config.publicUrl ?? endpoints[config.region] ?? null;
    for (const [region, port] of Object.entries(config.regionPorts) as [Region, number][]) {
      const server = createListener(listenerLimits, (req, res) => app.routing(req, res));
      extraServers.push(server);
      const bound = await listen(server, port, config.host);
      regionByPort.set(bound, region);
      endpoints[region] = `http://${config.host}:${bound}`;
    }
  } catch (error) {
    await Promise.all(extraServers.map(closeServer));
    await sweepingIdle(app.server, app.close());
    await dataplane.stop();
    await db.destroy();
    throw error;
  }
  reconciler.start();
  dataplane.start();
  logger.info({ endpoints, dataDir: config.dataDir, testClock: config.testClock }, 'peerlink serving');

  let closing: Promise<void> | undefined;
  return {
    endpoints,
    routes,
    ...(firstAdmin && !configuredAdmin ? { createdAdmin: firstAdmin } : {}),
    ...(firstAdmin && configuredAdmin
      ? { configuredAdmin: { accountId: firstAdmin.accountId, accessKeyId: firstAdmin.accessKeyId } }
      : {}),
    ...(firstAdminUser && config.adminPassword === undefined ? { createdAdminUser: firstAdminUser } : {}),
    ...(firstAdminUser && config.adminPassword !== undefined
      ? { configuredAdminUser: { username: firstAdminUser.username } }
      : {}),
    reconcile: () => reconciler.drain(),
    dataplane,
    close: () => {
      closing ??= (async () => {
        // Outbound federation calls first, so the reconciler's last tick does not wait on a remote.
        application.shutdown();
        await reconciler.stop();
        // The network outlives the control plane: stop converging, never tear it down.
        await dataplane.stop();
        await Promise.all(extraServers.map(closeServer));
        await sweepingIdle(app.server, app.close());
        await db.destroy();
      })();
      return closing;
    },
  };
}
