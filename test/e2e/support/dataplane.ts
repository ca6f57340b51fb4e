import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type ClientConfig,
  type Credentials,
  DataplaneClient,
  type DataplaneEndpoint,
  type DataplaneStatus,
  PeerConnClient,
  type PeerConnRole,
  PeerlinkClient,
  RouteClient,
  SubnetClient,
  VpcClient,
} from '@peerlink/sdk';
import { run } from '../../../packages/server/src/dataplane/linux/exec.js';
import { LinuxDriver } from '../../../packages/server/src/dataplane/linux/index.js';
import {
  dataplaneSkipReason,
  dataplaneUnavailable,
  ownedNetns,
} from '../../../packages/server/src/testing/netns.js';
import { PEERLINK_BIN, type ServeProcess, spawnServe } from './process.js';

/**
 * Support for the end-to-end dataplane tests: `peerlink serve --dataplane linux` with a random
 * prefix, SDK clients per account, and a cleanup that leaves nothing of the prefix on the host.
 */

export const ADMIN: Credentials = { ak: 'dp-admin-ak-0001', sk: 'dp-admin-sk-0001' };
/** Peer connection steps (creating, starting, updating, DNS syncing) take this long. */
export const STEP_MS = 100;

/** Why these tests skip here (printed), or null; PEERLINK_REQUIRE_DATAPLANE=1 makes a reason fail the file. */
export function e2eSkipReason(suite: string): string | null {
  let reason = dataplaneUnavailable();
  if (!reason && !existsSync(path.join(path.dirname(PEERLINK_BIN), '../dist')))
    reason = 'the CLI is not built (npx tsc -b packages/cli)';
  return dataplaneSkipReason(suite, reason);
}

export const newPrefix = () => `e${randomBytes(4).toString('hex')}`;

export function serveDataplane(dataDir: string, prefix: string): Promise<ServeProcess> {
  return spawnServe(['--data-dir', dataDir, '--dataplane', 'linux', '--dataplane-prefix', prefix], {
    PEERLINK_ADMIN_AK: ADMIN.ak,
    PEERLINK_ADMIN_SK: ADMIN.sk,
    PEERLINK_PEERCONN_STEP_MS: String(STEP_MS),
    PEERLINK_DATAPLANE_REPAIR_INTERVAL_MS: '1000',
  });
}

export interface Tenant {
  accountId: string;
  credentials: Credentials;
  config: ClientConfig;
  vpc: VpcClient;
  subnet: SubnetClient;
  route: RouteClient;
  peerConn: PeerConnClient;
  dataplane: DataplaneClient;
}

export function clientsFor(endpoint: string, accountId: string, credentials: Credentials): Tenant {
  const config: ClientConfig = { endpoint, credentials };
  return {
    accountId,
    credentials,
    config,
    vpc: new VpcClient(config),
    subnet: new SubnetClient(config),
    route: new RouteClient(config),
    peerConn: new PeerConnClient(config),
    dataplane: new DataplaneClient(config),
  };
}

export async function newTenant(endpoint: string, name: string): Promise<Tenant> {
  const admin = new PeerlinkClient({ endpoint, credentials: ADMIN });
  const created = await admin.createAccount({ name });
  return clientsFor(endpoint, created.accountId, {
    ak: created.accessKeyId,
    sk: created.secretAccessKey,
  });
}

export interface Network {
  vpcId: string;
  subnetId: string;
  endpoint: DataplaneEndpoint;
  /** The subnet's gateway: the router's address, and the endpoint's DNS resolver. */
  gateway: string;
}

/** A VPC `10.<octet>.0.0/16` with a subnet `10.<octet>.0.0/24` and one endpoint in it. */
export async function network(owner: Tenant, octet: number, endpointName: string): Promise<Network> {
  const { vpcId } = await owner.vpc.createVpc({ name: `v${octet}`, cidr: `10.${octet}.0.0/16` });
  const { subnetId } = await owner.subnet.createSubnet({
    name: `s${octet}`,
    zoneName: 'cn-bj-a',
    cidr: `10.${octet}.0.0/24`,
    vpcId,
  });
  const endpoint = await owner.dataplane.createEndpoint({ subnetId, name: endpointName });
  return { vpcId, subnetId, endpoint, gateway: `10.${octet}.0.1` };
}

/** A route rule in `owner`'s VPC: `destination` through its own end (`role`) of the connection. */
export async function peerRoute(
  owner: Tenant,
  vpcId: string,
  destination: string,
  peerConnId: string,
  role: PeerConnRole,
): Promise<string> {
  const { localIfId } = await owner.peerConn.getPeerConn(peerConnId, role);
  const { routeTableId } = await owner.route.getRouteTable({ vpcId });
  const { routeRuleId } = await owner.route.createRouteRule({
    routeTableId,
    sourceAddress: '0.0.0.0/0',
    destinationAddress: destination,
    nexthopType: 'peerConn',
    nexthopId: localIfId,
    description: '',
  });
  return routeRuleId;
}

export const FAST = { minDelayMs: 20, maxDelayMs: 100, timeoutMs: 10_000 };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until `done` holds, at most `tries` times `everyMs` apart; answers the last value
 * (the caller asserts on it, so a miss shows what was seen).
 */
export async function poll<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { tries = 20, everyMs = 200 }: { tries?: number; everyMs?: number } = {},
): Promise<T> {
  let value = await probe();
  for (let i = 1; i < tries && !done(value); i++) {
    await sleep(everyMs);
    value = await probe();
  }
  return value;
}

/** Every item of a status, flattened. */
export const statusItems = (status: DataplaneStatus) => [
  ...status.vpcs,
  ...status.endpoints,
  ...status.connections,
];

/**
 * Removes whatever a test server left of its prefix: the driver's teardown (namespaces, DNS
 * responders, files), then any namespace of the prefix still listed; answers what is left.
 */
export async function removeDataplane(prefix: string, dataDir: string): Promise<string[]> {
  const driver = new LinuxDriver({ prefix, stateDir: path.join(dataDir, 'dataplane') });
  await driver.teardown();
  for (const ns of await ownedNetns(prefix)) await run('ip', ['netns', 'del', ns]);
  return ownedNetns(prefix);
}

/** What remains of a prefix on the host besides namespaces: /etc/netns dirs and DNS responders. */
export async function leftovers(prefix: string): Promise<{ etcNetns: string[]; responders: string }> {
  const etcNetns = existsSync('/etc/netns')
    ? readdirSync('/etc/netns').filter((d) => d.startsWith(`${prefix}-`))
    : [];
  // A responder exits within a second of its records file's removal.
  const responders = await poll(
    async () => (await run('pgrep', ['-f', `linux-${prefix}/dns/`])).stdout.trim(),
    (out) => out === '',
    { tries: 15, everyMs: 200 },
  );
  return { etcNetns, responders };
}

/** What a namespace looks like, for a failure message: its inode (changes when it is re-created), listeners, addresses, routes. */
export async function describeNetns(ns: string): Promise<string> {
  const lines = [
    `${ns}: ${(await run('stat', ['-L', '-c', 'inode %i', `/run/netns/${ns}`])).stdout.trim() || 'absent'}`,
  ];
  for (const args of [
    ['ss', '-Htln'],
    ['ip', '-br', 'addr'],
    ['ip', 'route'],
  ]) {
    const res = await run('ip', ['netns', 'exec', ns, ...args], { timeoutMs: 3000 });
    lines.push(`  ${args.join(' ')}: ${(res.stdout + res.stderr).trim().replaceAll('\n', ' | ')}`);
  }
  return lines.join('\n');
}
