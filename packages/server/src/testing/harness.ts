import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  type ClientConfig,
  type Credentials,
  DataplaneClient,
  PeerConnClient,
  PeerlinkClient,
  PeerManagerClient,
  RouteClient,
  SpaceDataClient,
  SubnetClient,
  VpcClient,
} from '@peerlink/sdk';
import type { NewCredentials } from '../app/accounts.js';
import type { Clock } from '../clock.js';
import { type ConfigOverrides, resolveConfig } from '../config.js';
import type { DataplaneDriver } from '../dataplane/model.js';
import type { Region } from '../domain/regions.js';
import { type RunningServer, startServer } from '../server.js';
import { testDatabaseOverrides } from './database.js';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  admin: NewCredentials;
  /** Base URL of a region's listener (bj on the main port, gz on a second one). */
  endpoint(region?: Region): string;
  /** SDK clients for some credentials, through a region's listener. */
  clients(
    credentials: Credentials,
    region?: Region,
  ): {
    vpc: VpcClient;
    subnet: SubnetClient;
    route: RouteClient;
    peerlink: PeerlinkClient;
    peerConn: PeerConnClient;
    peerManager: PeerManagerClient;
    spaceData: SpaceDataClient;
    dataplane: DataplaneClient;
  };
  /** Runs the reconciler until nothing is due (after moving a manual clock). */
  reconcile(): Promise<number>;
  /** A new ordinary account and clients for it. */
  newAccount(
    region?: Region,
  ): Promise<{ credentials: Credentials; accountId: string } & ReturnType<TestServer['clients']>>;
  close(): Promise<void>;
}

/** A log stream that keeps every JSON line a server writes, for tests that check what was logged. */
export function capturedLog(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'peerlink-test-'));
}

/** A real server on loopback ports with a fresh data directory: bj on one port, gz on another. */
export async function startTestServer(
  options: {
    overrides?: ConfigOverrides;
    clock?: Clock;
    authClock?: Clock;
    /** A dataplane driver instead of the configured one (a recording double, say). */
    dataplaneDriver?: DataplaneDriver;
    dataDir?: string;
    /**
     * To restart on a `dataDir` an earlier test server made: that server's `admin`. Without it the
     * data directory must be new, so that the administrator's credentials are known.
     */
    admin?: NewCredentials;
    /** Where the server's pino lines go (with `overrides.logLevel`); nowhere by default. */
    logStream?: Writable;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = resolveConfig({
    flags: {
      dataDir,
      port: 0,
      host: '127.0.0.1',
      regionPorts: { gz: 0 },
      logLevel: 'silent',
      ...testDatabaseOverrides(dataDir),
      ...options.overrides,
    },
  });
  const server = await startServer(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.authClock ? { authClock: options.authClock } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.dataplaneDriver ? { dataplaneDriver: options.dataplaneDriver } : {}),
  });
  // A configured administrator key is not handed back by startServer: the test supplied it, so it knows it.
  const configured =
    server.configuredAdmin && config.adminSecretAccessKey
      ? { ...server.configuredAdmin, secretAccessKey: config.adminSecretAccessKey }
      : undefined;
  const admin = server.createdAdmin ?? configured ?? options.admin;
  if (!admin) {
    await server.close();
    throw new Error('the test data directory was not empty; pass the admin of the server that made it');
  }
  const endpoint = (region: Region = 'bj') => {
    const url = server.endpoints[region];
    if (!url) throw new Error(`no listener for region ${region}`);
    return url;
  };
  const clients = (credentials: Credentials, region: Region = 'bj') => {
    const config: ClientConfig = { endpoint: endpoint(region), credentials };
    return {
      vpc: new VpcClient(config),
      subnet: new SubnetClient(config),
      route: new RouteClient(config),
      peerlink: new PeerlinkClient(config),
      peerConn: new PeerConnClient(config),
      peerManager: new PeerManagerClient(config),
      spaceData: new SpaceDataClient(config),
      dataplane: new DataplaneClient(config),
    };
  };
  const adminClient = clients({ ak: admin.accessKeyId, sk: admin.secretAccessKey }).peerlink;
  return {
    server,
    dataDir,
    admin,
    endpoint,
    clients,
    newAccount: async (region) => {
      const created = await adminClient.createAccount();
      const credentials = { ak: created.accessKeyId, sk: created.secretAccessKey };
      return { credentials, accountId: created.accountId, ...clients(credentials, region) };
    },
    reconcile: () => server.reconcile(),
    close: () => server.close(),
  };
}
