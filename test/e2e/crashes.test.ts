/**
 * Crash tests. A scripted workload (VPCs, same-account and cross-account peer connections, accepts,
 * rejects, updates, resizes, route rules, DNS sync, releases) runs against `peerlink serve`, which is
 * killed with SIGKILL at a random moment; after a restart:
 *
 * - every write that got a 2xx answer is there (accounts, VPCs with their route tables, connections
 *   with both ends, route rules), and a write in flight at the kill either fully happened or not at all;
 * - the stored event history of each connection only moves along legal transitions, and its last event
 *   equals the status unless a step is still due;
 * - every step that was due (creating, starting, updating, deleting, DNS syncing) fires within seconds,
 *   exactly once, and route rules never outlive a released connection;
 * - a request left `consulting` before the kill still times out (test clock, moved after the restart);
 * - retrying an acknowledged write with its clientToken answers the first result and changes nothing.
 *
 * On SQLite the single process is killed; on PostgreSQL (PEERLINK_TEST_DATABASE_URL) one of two
 * replicas sharing a schema is, and the survivor must finish the due work before the restart.
 * Kill points come from a seed, printed at the start; PEERLINK_CRASH_SEED=<seed> replays them.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ClientConfig,
  type CreatePeerConnArgs,
  type CreateRouteRuleArgs,
  type Credentials,
  NetworkError,
  type PeerConn,
  PeerConnClient,
  type PeerConnRole,
  type PeerConnStatus,
  PeerlinkClient,
  RouteClient,
  SignedTransport,
  VpcClient,
} from '@peerlink/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TEST_DATABASE_URL,
  TEST_MASTER_KEY,
  testSchemaFor,
} from '../../packages/server/src/testing/database.js';
import { type ServeProcess, spawnServe } from './support/process.js';

const ADMIN: Credentials = { ak: 'crash-admin-ak-0001', sk: 'crash-admin-sk-0001' };
const STEP_MS = 250;
const ROUNDS = 20;
/** A kill lands this long after the workload starts: the whole script takes about 1.5 s. */
const KILL_DELAY_MS = { min: 50, max: 1200 };
/** How long due steps may take to fire after a restart (or a replica's death). */
const SETTLE_MS = 5000;
/** Seven days and a second: past any consult deadline set before the clock moves. */
const CONSULT_TIMEOUT_SECONDS = 7 * 24 * 60 * 60 + 1;
/** How far apart two processes' business clocks may be (test clock set back to real time). */
const CLOCK_SLACK_MS = 1000;
const SEED = process.env.PEERLINK_CRASH_SEED
  ? Number(process.env.PEERLINK_CRASH_SEED)
  : Math.floor(Math.random() * 2 ** 31);

const BASE_ENV: NodeJS.ProcessEnv = {
  PEERLINK_ADMIN_AK: ADMIN.ak,
  PEERLINK_ADMIN_SK: ADMIN.sk,
  PEERLINK_PEERCONN_STEP_MS: String(STEP_MS),
};

const IN_FLIGHT: readonly PeerConnStatus[] = ['creating', 'starting', 'updating', 'stopping', 'deleting'];
/** Status changes the server may record (reference state machine). */
const LEGAL: Partial<Record<PeerConnStatus, readonly PeerConnStatus[]>> = {
  creating: ['active', 'consulting'],
  consulting: ['starting', 'consult_failed', 'updating', 'deleting'],
  starting: ['active'],
  active: ['updating', 'deleting', 'expired'],
  updating: ['active', 'consulting'],
  deleting: ['deleted'],
  consult_failed: ['deleting'],
  expired: ['active', 'deleting'],
};
const SAME_STATUS_ACTIONS = [
  'Create',
  'OpenDnsSync',
  'CloseDnsSync',
  'DnsSyncComplete',
  'Renew',
  'SwitchDeleteProtect',
];
const SYSTEM_ACTIONS = ['Complete', 'DnsSyncComplete', 'ConsultTimeout', 'Expire'];
/** Actions that start a step, each of which must be completed exactly once. */
const STEP_ACTIONS = ['Create', 'Accept', 'Resize', 'Update', 'Release'];

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator for one purpose (round, chain…), independent of how the others were used. */
const rngFor = (...parts: number[]): Rng =>
  mulberry32(parts.reduce((hash, part) => Math.imul(hash ^ (part + 1), 0x9e3779b1) >>> 0, SEED));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// What the workload did, as the client saw it

interface Tenant {
  label: string;
  accountId: string;
  credentials: Credentials;
}

type Op =
  | { kind: 'accept' }
  | { kind: 'reject' }
  | { kind: 'resize'; mbps: number }
  | { kind: 'dns'; role: PeerConnRole }
  | { kind: 'update'; localIfId: string; description: string }
  | { kind: 'release' }
  | { kind: 'protect'; deleteProtect: boolean };

const ACTION_OF: Record<Op['kind'], string> = {
  accept: 'Accept',
  reject: 'Reject',
  resize: 'Resize',
  dns: 'OpenDnsSync',
  update: 'Update',
  release: 'Release',
  protect: 'SwitchDeleteProtect',
};

interface OpRecord {
  op: Op;
  token: string;
  by: Tenant;
}

interface VpcRecord {
  owner: Tenant;
  name: string;
  cidr: string;
  token: string;
  /** Set once the create was acknowledged (or, for one cut by the kill, retried after the restart). */
  vpcId?: string;
  acked: boolean;
}

interface RouteRecord {
  owner: Tenant;
  vpcId: string;
  args: CreateRouteRuleArgs & { clientToken: string };
  routeRuleId?: string;
}

interface ConnRecord {
  label: string;
  initiator: Tenant;
  acceptor: Tenant;
  cross: boolean;
  args: Omit<CreatePeerConnArgs, 'clientToken'>;
  token: string;
  id?: string;
  /** The create was acknowledged before the kill (not merely retried after it). */
  acked: boolean;
  ops: OpRecord[];
  /** A write sent but not answered when the server died: it may or may not have happened. */
  inFlight?: OpRecord;
  routes: RouteRecord[];
}

interface RoundLog {
  round: number;
  tenants: Tenant[];
  vpcs: VpcRecord[];
  conns: ConnRecord[];
  unexpected: string[];
}

interface WireEvent {
  at: string;
  actor: string;
  action: string;
  fromStatus: PeerConnStatus;
  toStatus: PeerConnStatus;
  detail?: string;
}

const config = (endpoint: string, credentials: Credentials): ClientConfig => ({
  endpoint,
  credentials,
  retry: { maxRetries: 0 },
  timeoutMs: 10_000,
});
const peerConns = (endpoint: string, tenant: Tenant) =>
  new PeerConnClient(config(endpoint, tenant.credentials));
const vpcClient = (endpoint: string, tenant: Tenant) => new VpcClient(config(endpoint, tenant.credentials));
const routeClient = (endpoint: string, tenant: Tenant) =>
  new RouteClient(config(endpoint, tenant.credentials));

async function eventsOf(endpoint: string, conn: ConnRecord): Promise<WireEvent[]> {
  const answer = await new SignedTransport(config(endpoint, conn.initiator.credentials)).send<{
    events: WireEvent[];
  }>('GET', `/api/v1/peerconns/${encodeURIComponent(conn.id!)}/events`);
  return answer.events;
}

async function moveClock(endpoint: string, body: object): Promise<void> {
  await new SignedTransport(config(endpoint, ADMIN)).send('POST', '/api/v1/_test/clock', { body });
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}

// ---------------------------------------------------------------------------------------------------
// Server processes

/** One process per slot, each with its own data directory; the slots share a database on PostgreSQL. */
class Replicas {
  private readonly slots: (ServeProcess | undefined)[];
  private readonly finished: string[] = [];

  constructor(
    private readonly dirs: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.slots = dirs.map(() => undefined);
  }

  get size(): number {
    return this.slots.length;
  }

  async start(slot: number): Promise<void> {
    const server = await spawnServe(['--data-dir', this.dirs[slot]!, '--test-clock'], this.env);
    // The request and reconciler logs (JSON lines on stdout): kept to explain a failure.
    let stdout = '';
    server.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    this.slots[slot] = { ...server, stderr: () => server.stderr() + stdout };
  }

  endpoint(slot: number): string {
    const server = this.slots[slot];
    if (!server) throw new Error(`replica ${slot} is not running`);
    return server.endpoint;
  }

  /** Endpoints of the running processes. */
  live(): string[] {
    return this.slots.flatMap((server) => (server ? [server.endpoint] : []));
  }

  /** SIGKILL; answers the time by which the process was certainly dead. */
  async kill(slot: number): Promise<number> {
    const server = this.slots[slot]!;
    this.slots[slot] = undefined;
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL');
    await exited;
    this.finished.push(server.stderr());
    return Date.now();
  }

  async stopAll(): Promise<void> {
    for (const [slot, server] of this.slots.entries()) {
      if (!server) continue;
      this.slots[slot] = undefined;
      await server.stop();
      this.finished.push(server.stderr());
    }
  }

  /** Everything every process wrote on stderr (they run at log level warn). */
  logs(): string {
    return [...this.finished, ...this.slots.flatMap((server) => (server ? [server.stderr()] : []))].join(
      '\n',
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// The workload

interface Workload {
  log: RoundLog;
  /** Where the next request goes: the one process, or a replica picked at random. */
  endpoint: () => string;
  /** Set at the kill: loops stop (on PostgreSQL they could go on against the survivor). */
  stopped: boolean;
}

async function newTenant(w: Workload, label: string): Promise<Tenant> {
  const created = await new PeerlinkClient(config(w.endpoint(), ADMIN)).createAccount({
    name: `crash-r${w.log.round}-${label}`,
  });
  const tenant = {
    label,
    accountId: created.accountId,
    credentials: { ak: created.accessKeyId, sk: created.secretAccessKey },
  };
  w.log.tenants.push(tenant);
  return tenant;
}

async function createVpc(w: Workload, owner: Tenant, name: string, cidr: string): Promise<string> {
  const record: VpcRecord = { owner, name, cidr, token: randomUUID(), acked: false };
  w.log.vpcs.push(record);
  const { vpcId } = await vpcClient(w.endpoint(), owner).createVpc({ name, cidr, clientToken: record.token });
  record.vpcId = vpcId;
  record.acked = true;
  return vpcId;
}

async function createConn(
  w: Workload,
  label: string,
  initiator: Tenant,
  localVpcId: string,
  acceptor: Tenant,
  peerVpcId: string,
  bandwidthInMbps: number,
): Promise<ConnRecord> {
  const cross = initiator !== acceptor;
  const record: ConnRecord = {
    label,
    initiator,
    acceptor,
    cross,
    args: {
      bandwidthInMbps,
      localVpcId,
      peerVpcId,
      peerRegion: 'bj',
      description: label,
      billing: { paymentTiming: 'Postpaid' },
      ...(cross ? { peerAccountId: acceptor.accountId } : {}),
    },
    token: randomUUID(),
    acked: false,
    ops: [],
    routes: [],
  };
  w.log.conns.push(record);
  const { peerConnId } = await peerConns(w.endpoint(), initiator).createPeerConn({
    ...record.args,
    clientToken: record.token,
  });
  record.id = peerConnId;
  record.acked = true;
  return record;
}

function actorOf(conn: ConnRecord, op: Op): Tenant {
  switch (op.kind) {
    case 'accept':
    case 'reject':
      return conn.acceptor;
    case 'dns':
      return op.role === 'initiator' ? conn.initiator : conn.acceptor;
    default:
      return conn.initiator;
  }
}

function sendOp(endpoint: string, conn: ConnRecord, record: OpRecord): Promise<void> {
  const client = peerConns(endpoint, record.by);
  const id = conn.id!;
  const options = { clientToken: record.token };
  const { op } = record;
  switch (op.kind) {
    case 'accept':
      return client.accept(id, options);
    case 'reject':
      return client.reject(id, options);
    case 'resize':
      return client.modifyBandwidth(id, op.mbps, options);
    case 'dns':
      return client.openSyncDns(id, op.role, options);
    case 'update':
      return client.modifyPeerConn(id, {
        localIfId: op.localIfId,
        description: op.description,
        clientToken: record.token,
      });
    case 'release':
      return client.release(id, options);
    case 'protect':
      return client.switchDeleteProtect(id, op.deleteProtect, options);
  }
}

async function operate(w: Workload, conn: ConnRecord, op: Op): Promise<void> {
  const record = { op, token: randomUUID(), by: actorOf(conn, op) };
  conn.inFlight = record;
  await sendOp(w.endpoint(), conn, record);
  conn.ops.push(record);
  conn.inFlight = undefined;
}

/** Polls one end's view (reads only) until `done`. */
async function waitView(
  w: Workload,
  conn: ConnRecord,
  role: PeerConnRole,
  done: (view: PeerConn) => boolean,
): Promise<PeerConn> {
  const owner = role === 'initiator' ? conn.initiator : conn.acceptor;
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const view = await peerConns(w.endpoint(), owner).getPeerConn(conn.id!, role);
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`${conn.label} is still ${view.status}/${view.dnsStatus}`);
    await sleep(20);
  }
}

async function addRoute(
  w: Workload,
  conn: ConnRecord,
  owner: Tenant,
  vpcId: string,
  nexthopId: string,
  destinationAddress: string,
): Promise<void> {
  const { routeTableId } = await routeClient(w.endpoint(), owner).getRouteTable({ vpcId });
  const record: RouteRecord = {
    owner,
    vpcId,
    args: {
      routeTableId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress,
      nexthopId,
      nexthopType: 'peerConn',
      description: conn.label,
      clientToken: randomUUID(),
    },
  };
  conn.routes.push(record);
  const { routeRuleId } = await routeClient(w.endpoint(), owner).createRouteRule(record.args);
  record.routeRuleId = routeRuleId;
}

const cidr = (octet: number) => `10.${octet}.0.0/16`;

/** Same account: create, route through it, resize, open DNS sync, maybe release. */
async function sameAccountChain(w: Workload, t: Tenant, i: number, release: boolean): Promise<void> {
  const [left, right] = [cidr(10 + 2 * i), cidr(11 + 2 * i)];
  const [v1, v2] = await Promise.all([
    createVpc(w, t, `same${i}-1`, left),
    createVpc(w, t, `same${i}-2`, right),
  ]);
  const conn = await createConn(w, `same${i}`, t, v1, t, v2, 10);
  const active = await waitView(w, conn, 'initiator', (view) => view.status === 'active');
  await addRoute(w, conn, t, v1, active.localIfId, right);
  await operate(w, conn, { kind: 'resize', mbps: 20 + i });
  await waitView(w, conn, 'initiator', (view) => view.status === 'active');
  await operate(w, conn, { kind: 'dns', role: 'initiator' });
  await waitView(w, conn, 'initiator', (view) => view.dnsStatus === 'open');
  if (release) await operate(w, conn, { kind: 'release' });
}

/** Cross account, accepted: accept, route, resize, acceptor opens DNS sync, maybe release. */
async function crossAcceptChain(
  w: Workload,
  a: Tenant,
  b: Tenant,
  i: number,
  release: boolean,
): Promise<void> {
  const [left, right] = [cidr(40 + 2 * i), cidr(41 + 2 * i)];
  const [v1, v2] = await Promise.all([
    createVpc(w, a, `accept${i}-1`, left),
    createVpc(w, b, `accept${i}-2`, right),
  ]);
  const conn = await createConn(w, `accept${i}`, a, v1, b, v2, 10);
  await waitView(w, conn, 'acceptor', (view) => view.status === 'consulting');
  await operate(w, conn, { kind: 'accept' });
  const active = await waitView(w, conn, 'initiator', (view) => view.status === 'active');
  await addRoute(w, conn, a, v1, active.localIfId, right);
  await operate(w, conn, { kind: 'resize', mbps: 30 + i });
  await waitView(w, conn, 'initiator', (view) => view.status === 'active');
  await operate(w, conn, { kind: 'dns', role: 'acceptor' });
  await waitView(w, conn, 'acceptor', (view) => view.dnsStatus === 'open');
  if (release) await operate(w, conn, { kind: 'release' });
}

/** Cross account, never accepted: the initiator updates its end while consulting, maybe a reject. */
async function crossUpdateChain(
  w: Workload,
  a: Tenant,
  b: Tenant,
  i: number,
  reject: boolean,
): Promise<void> {
  const [left, right] = [cidr(60 + 2 * i), cidr(61 + 2 * i)];
  const [v1, v2] = await Promise.all([
    createVpc(w, a, `update${i}-1`, left),
    createVpc(w, b, `update${i}-2`, right),
  ]);
  const conn = await createConn(w, `update${i}`, a, v1, b, v2, 10);
  const consulting = await waitView(w, conn, 'initiator', (view) => view.status === 'consulting');
  await operate(w, conn, { kind: 'update', localIfId: consulting.localIfId, description: `updated${i}` });
  await waitView(w, conn, 'initiator', (view) => view.status === 'consulting');
  if (reject) await operate(w, conn, { kind: 'reject' });
}

/**
 * Many short writes in a row (delete protection on, off, on…) so that kills often land in the middle
 * of a commit: each must then be all there or not at all.
 */
async function churnChain(w: Workload, t: Tenant): Promise<void> {
  const [v1, v2] = await Promise.all([
    createVpc(w, t, 'churn-1', cidr(80)),
    createVpc(w, t, 'churn-2', cidr(81)),
  ]);
  const conn = await createConn(w, 'churn', t, v1, t, v2, 10);
  await waitView(w, conn, 'initiator', (view) => view.status === 'active');
  for (let i = 0; i < 500 && !w.stopped; i++) {
    await operate(w, conn, { kind: 'protect', deleteProtect: i % 2 === 0 });
  }
}

/** Runs a chain; a network error means the server died under it, anything else is reported. */
async function guarded(w: Workload, label: string, startAfterMs: number, chain: () => Promise<void>) {
  await sleep(startAfterMs);
  try {
    await chain();
  } catch (error) {
    if (error instanceof NetworkError) return;
    w.log.unexpected.push(`${label}: ${describeError(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Checks

interface Snapshot {
  events: WireEvent[];
  initiator: PeerConn;
  acceptor: PeerConn;
}

interface ConnState {
  status: PeerConnStatus;
  bandwidthInMbps: number;
  dns: Record<PeerConnRole, string>;
  description: string;
  deleteProtect: boolean;
}

/** What a connection must look like after `ops`, all of them applied. */
function expectedState(conn: ConnRecord, ops: Op[]): ConnState {
  const state: ConnState = {
    status: conn.cross ? 'consulting' : 'active',
    bandwidthInMbps: conn.args.bandwidthInMbps,
    dns: { initiator: 'close', acceptor: 'close' },
    description: conn.args.description ?? '',
    deleteProtect: false,
  };
  for (const op of ops) {
    if (op.kind === 'accept') state.status = 'active';
    if (op.kind === 'reject') state.status = 'consult_failed';
    if (op.kind === 'release') state.status = 'deleted';
    if (op.kind === 'resize') state.bandwidthInMbps = op.mbps;
    if (op.kind === 'dns') state.dns[op.role] = 'open';
    if (op.kind === 'update') state.description = op.description;
    if (op.kind === 'protect') state.deleteProtect = op.deleteProtect;
  }
  return state;
}

const stateOf = (snapshot: Snapshot): ConnState => ({
  status: snapshot.initiator.status,
  bandwidthInMbps: snapshot.initiator.bandwidthInMbps,
  dns: { initiator: snapshot.initiator.dnsStatus, acceptor: snapshot.acceptor.dnsStatus },
  description: snapshot.initiator.description,
  deleteProtect: snapshot.initiator.deleteProtect,
});

const count = (events: WireEvent[], action: string, detailPrefix?: string) =>
  events.filter(
    (e) => e.action === action && (detailPrefix === undefined || e.detail?.startsWith(detailPrefix)),
  ).length;

async function views(endpoint: string, conn: ConnRecord): Promise<Snapshot> {
  const events = await eventsOf(endpoint, conn);
  const [initiator, acceptor] = await Promise.all([
    peerConns(endpoint, conn.initiator).getPeerConn(conn.id!, 'initiator'),
    peerConns(endpoint, conn.acceptor).getPeerConn(conn.id!, 'acceptor'),
  ]);
  return { events, initiator, acceptor };
}

/** Stored and shown agree, no step is in flight, and every DNS step that started has completed. */
function isSettled({ events, initiator, acceptor }: Snapshot): boolean {
  const last = events.at(-1);
  return (
    last !== undefined &&
    last.toStatus === initiator.status &&
    acceptor.status === initiator.status &&
    !IN_FLIGHT.includes(initiator.status) &&
    ![initiator.dnsStatus, acceptor.dnsStatus].some((dns) => dns === 'syncing' || dns === 'closing') &&
    (['initiator', 'acceptor'] as const).every(
      (role) =>
        count(events, 'OpenDnsSync', role) + count(events, 'CloseDnsSync', role) ===
        count(events, 'DnsSyncComplete', role),
    )
  );
}

/** Right after the kill: both ends exist, and the stored status is the shown one unless a step is due. */
function checkFirstRead(conn: ConnRecord, { events, initiator, acceptor }: Snapshot): void {
  const where = `${conn.label} ${conn.id} right after the kill`;
  for (const view of [initiator, acceptor]) {
    expect(view.peerConnId, where).toBe(conn.id);
    expect(view.localIfId, where).toMatch(/^qpif-/);
  }
  expect(initiator.localIfId, where).not.toBe(acceptor.localIfId);
  const last = events.at(-1);
  expect(last, `${where}: no events`).toBeDefined();
  if (last!.toStatus !== initiator.status) {
    expect(IN_FLIGHT, `${where}: stored ${last!.toStatus}, shown ${initiator.status}`).toContain(
      last!.toStatus,
    );
  }
}

async function settle(endpoint: string, conn: ConnRecord): Promise<Snapshot> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const snapshot = await views(endpoint, conn);
    if (isSettled(snapshot)) return snapshot;
    if (Date.now() > deadline) {
      throw new Error(
        `${conn.label} ${conn.id}: due work did not fire within ${SETTLE_MS} ms: shown ${snapshot.initiator.status} ` +
          `(dns ${snapshot.initiator.dnsStatus}/${snapshot.acceptor.dnsStatus}), stored history ${JSON.stringify(snapshot.events)}`,
      );
    }
    await sleep(50);
  }
}

/** The history: Create first, then only legal moves, each from where the previous one left. */
function checkHistory(conn: ConnRecord, events: WireEvent[]): void {
  const where = `${conn.label} ${conn.id} history ${JSON.stringify(events)}`;
  expect(events[0], where).toMatchObject({
    action: 'Create',
    actor: conn.initiator.accountId,
    fromStatus: 'creating',
    toStatus: 'creating',
  });
  let returnTo: PeerConnStatus | undefined;
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1]!;
    const event = events[i]!;
    expect(event.fromStatus, where).toBe(previous.toStatus);
    // Replicas' test clocks differ by the few milliseconds of setting them back to real time.
    expect(Date.parse(event.at), where).toBeGreaterThanOrEqual(Date.parse(previous.at) - CLOCK_SLACK_MS);
    if (event.fromStatus === event.toStatus) expect(SAME_STATUS_ACTIONS, where).toContain(event.action);
    else expect(LEGAL[event.fromStatus] ?? [], where).toContain(event.toStatus);
    expect(event.actor === 'system', where).toBe(SYSTEM_ACTIONS.includes(event.action));
    if (event.action === 'Complete') {
      expect(IN_FLIGHT, where).toContain(event.fromStatus);
      if (event.fromStatus === 'creating')
        expect(event.toStatus, where).toBe(conn.cross ? 'consulting' : 'active');
      if (event.fromStatus === 'updating') expect(event.toStatus, where).toBe(returnTo);
    } else {
      // Nothing but the step's completion happens to a connection while a step is in flight.
      expect(IN_FLIGHT, where).not.toContain(event.fromStatus);
    }
    if (event.toStatus === 'updating') returnTo = event.fromStatus;
  }
}

/** After settling: the connection is the acknowledged writes, plus all or nothing of the one in flight. */
function checkOutcome(conn: ConnRecord, snapshot: Snapshot): boolean {
  const { events, initiator, acceptor } = snapshot;
  const where = `${conn.label} ${conn.id} (acknowledged ${JSON.stringify(conn.ops.map((r) => r.op))}, in flight ${JSON.stringify(conn.inFlight?.op)})`;
  checkHistory(conn, events);
  // Both ends, each with its own interface, describing the same connection.
  expect(initiator, where).toMatchObject({
    role: 'initiator',
    localVpcId: conn.args.localVpcId,
    peerVpcId: conn.args.peerVpcId,
    peerAccountId: conn.acceptor.accountId,
  });
  expect(acceptor, where).toMatchObject({
    role: 'acceptor',
    localVpcId: conn.args.peerVpcId,
    peerVpcId: conn.args.localVpcId,
    peerAccountId: conn.initiator.accountId,
    status: initiator.status,
    bandwidthInMbps: initiator.bandwidthInMbps,
  });
  for (const view of [initiator, acceptor]) expect(view.localIfId, where).toMatch(/^qpif-/);
  expect(initiator.localIfId, where).not.toBe(acceptor.localIfId);

  const acknowledged = conn.ops.map((record) => record.op);
  const before = expectedState(conn, acknowledged);
  const after = conn.inFlight ? expectedState(conn, [...acknowledged, conn.inFlight.op]) : before;
  const state = stateOf(snapshot);
  expect([before, after], `${where}: state ${JSON.stringify(state)}`).toContainEqual(state);
  const inFlightApplied = conn.inFlight !== undefined && JSON.stringify(state) !== JSON.stringify(before);

  // Each write happened once: no acknowledged write lost, none doubled.
  expect(count(events, 'Create'), where).toBe(1);
  for (const kind of Object.keys(ACTION_OF) as Op['kind'][]) {
    const expected =
      acknowledged.filter((op) => op.kind === kind).length +
      (inFlightApplied && conn.inFlight!.op.kind === kind ? 1 : 0);
    expect(count(events, ACTION_OF[kind]), `${where}: ${ACTION_OF[kind]} events`).toBe(expected);
  }
  // Each started step fired exactly once.
  expect(count(events, 'Complete'), where).toBe(
    STEP_ACTIONS.reduce((sum, action) => sum + count(events, action), 0),
  );
  expect(count(events, 'ConsultTimeout'), where).toBe(0);
  return inFlightApplied;
}

interface RoundFigures {
  acknowledged: number;
  inFlight: number;
  stepsFiredAfterKill: number;
  consultTimeouts: number;
  retriedCreates: number;
  /** Writes cut by a kill (operations on a connection) found fully applied after the restart. */
  cutWritesApplied: number;
}

/** Right after the kill (SQLite: on the restarted process; PostgreSQL: on the survivor). */
async function checkAfterKill(
  endpoint: string,
  log: RoundLog,
  deadAt: number,
): Promise<{ stepsFiredAfterKill: number }> {
  const conns = log.conns.filter((conn) => conn.id);
  for (const conn of conns) checkFirstRead(conn, await views(endpoint, conn));
  const settled = await Promise.all(conns.map((conn) => settle(endpoint, conn)));
  // A step whose due time is after the death cannot have been applied by the dead process.
  const stepsFiredAfterKill = settled
    .flatMap((snapshot) => snapshot.events)
    .filter((event) => event.actor === 'system' && Date.parse(event.at) > deadAt).length;
  return { stepsFiredAfterKill };
}

/** After the restart: everything acknowledged is there, retries are idempotent, timeouts fire. */
async function checkRound(
  endpoint: () => string,
  log: RoundLog,
  clockEndpoint: string,
): Promise<Omit<RoundFigures, 'stepsFiredAfterKill' | 'inFlight'>> {
  let acknowledged = 0;
  let cutWritesApplied = 0;
  let retriedCreates = 0;
  // Accounts created before the workload still sign in.
  for (const tenant of log.tenants) {
    const who = await new PeerlinkClient(config(endpoint(), tenant.credentials)).whoami();
    expect(who.accountId).toBe(tenant.accountId);
    acknowledged += 1;
  }

  // Creates cut by the kill: the same clientToken makes them happen at most once.
  for (const vpc of log.vpcs.filter((record) => !record.acked)) {
    const { vpcId } = await vpcClient(endpoint(), vpc.owner).createVpc({
      name: vpc.name,
      cidr: vpc.cidr,
      clientToken: vpc.token,
    });
    vpc.vpcId = vpcId;
    const all = (await vpcClient(endpoint(), vpc.owner).listVpcs({ maxKeys: 1000 })).vpcs;
    expect(
      all.filter((other) => other.name === vpc.name).map((other) => other.vpcId),
      `VPC ${vpc.name} retried after the kill`,
    ).toEqual([vpcId]);
    retriedCreates += 1;
  }
  for (const conn of log.conns.filter((record) => !record.acked)) {
    const { peerConnId } = await peerConns(endpoint(), conn.initiator).createPeerConn({
      ...conn.args,
      clientToken: conn.token,
    });
    conn.id = peerConnId;
    const { peerConns: ends } = await peerConns(endpoint(), conn.initiator).listPeerConn({
      vpcId: conn.args.localVpcId,
      maxKeys: 1000,
    });
    expect(
      ends.filter((end) => end.peerVpcId === conn.args.peerVpcId).map((end) => end.peerConnId),
      `${conn.label} retried after the kill`,
    ).toEqual([peerConnId]);
    retriedCreates += 1;
  }

  // VPCs, each with its route table; a retried create answers the same VPC.
  for (const vpc of log.vpcs) {
    const shown = await vpcClient(endpoint(), vpc.owner).getVpc(vpc.vpcId!);
    expect(shown).toMatchObject({ vpcId: vpc.vpcId, name: vpc.name, cidr: vpc.cidr });
    expect((await routeClient(endpoint(), vpc.owner).getRouteTable({ vpcId: vpc.vpcId! })).vpcId).toBe(
      vpc.vpcId,
    );
    const again = await vpcClient(endpoint(), vpc.owner).createVpc({
      name: vpc.name,
      cidr: vpc.cidr,
      clientToken: vpc.token,
    });
    expect(again.vpcId, `VPC ${vpc.name} retried with its clientToken`).toBe(vpc.vpcId);
    if (vpc.acked) acknowledged += 1;
  }

  // Connections: settled, consistent, all-or-nothing; then retries change nothing.
  const conns = log.conns.filter((conn) => conn.id);
  const snapshots = new Map<ConnRecord, Snapshot>();
  for (const conn of conns) {
    const snapshot = await settle(endpoint(), conn);
    if (checkOutcome(conn, snapshot)) cutWritesApplied += 1;
    snapshots.set(conn, snapshot);
    if (conn.acked) acknowledged += 1 + conn.ops.length;
  }

  // Route rules: an acknowledged rule lives exactly as long as its connection; none outlives one.
  const interfaces = new Map<string, { conn: ConnRecord; vpcId: string; status: PeerConnStatus }>();
  for (const [conn, { initiator, acceptor }] of snapshots) {
    for (const view of [initiator, acceptor])
      interfaces.set(view.localIfId, { conn, vpcId: view.localVpcId, status: view.status });
  }
  const tables = new Map<string, { routeRuleId: string; nexthopId: string; nexthopType: string }[]>();
  for (const vpc of log.vpcs) {
    tables.set(
      vpc.vpcId!,
      (await routeClient(endpoint(), vpc.owner).getRouteTable({ vpcId: vpc.vpcId! })).routeRules,
    );
  }
  for (const [vpcId, rules] of tables) {
    for (const rule of rules.filter((r) => r.nexthopType === 'peerConn')) {
      const target = interfaces.get(rule.nexthopId);
      expect(
        target,
        `route ${rule.routeRuleId} in ${vpcId} leads to unknown ${rule.nexthopId}`,
      ).toBeDefined();
      expect(target!.vpcId).toBe(vpcId);
      expect(['deleting', 'deleted'], `route ${rule.routeRuleId} outlives ${target!.conn.id}`).not.toContain(
        target!.status,
      );
    }
  }
  for (const conn of conns) {
    const status = snapshots.get(conn)!.initiator.status;
    for (const route of conn.routes) {
      const rules = tables.get(route.vpcId) ?? [];
      const present = rules.some((rule) =>
        route.routeRuleId ? rule.routeRuleId === route.routeRuleId : rule.nexthopId === route.args.nexthopId,
      );
      if (status === 'deleted') expect(present, `route of released ${conn.label}`).toBe(false);
      else if (route.routeRuleId) expect(present, `acknowledged route of ${conn.label}`).toBe(true);
      if (route.routeRuleId) {
        acknowledged += 1;
        const again = await routeClient(endpoint(), route.owner).createRouteRule(route.args);
        expect(again.routeRuleId, `route of ${conn.label} retried with its clientToken`).toBe(
          route.routeRuleId,
        );
      }
    }
  }

  // Idempotency records survived: retries answer the first result and record nothing new.
  for (const conn of conns) {
    const again = await peerConns(endpoint(), conn.initiator).createPeerConn({
      ...conn.args,
      clientToken: conn.token,
    });
    expect(again.peerConnId, `${conn.label} retried with its clientToken`).toBe(conn.id);
    for (const record of conn.ops) await sendOp(endpoint(), conn, record);
    const events = await eventsOf(endpoint(), conn);
    expect(events, `${conn.label}: retried writes recorded something`).toEqual(snapshots.get(conn)!.events);
  }

  // A request left consulting still times out once its deadline passes (the clock is moved after the
  // restart: its offset lives in memory), and the timeout is stored.
  const consulting = conns.filter((conn) => snapshots.get(conn)!.initiator.status === 'consulting');
  expect(consulting.length, 'no request was left consulting').toBeGreaterThan(0);
  await moveClock(clockEndpoint, { advanceSeconds: CONSULT_TIMEOUT_SECONDS });
  try {
    for (const conn of consulting) {
      const { events, initiator } = await views(clockEndpoint, conn);
      expect(initiator.status, `${conn.label} after the consult deadline`).toBe('consult_failed');
      expect(events.at(-1), `${conn.label} history`).toMatchObject({
        actor: 'system',
        action: 'ConsultTimeout',
        fromStatus: 'consulting',
        toStatus: 'consult_failed',
      });
      checkHistory(conn, events);
    }
  } finally {
    // Back to real time, so the next round's steps fall due on a restarted process too.
    await moveClock(clockEndpoint, { realTime: true });
  }
  return { acknowledged, consultTimeouts: consulting.length, retriedCreates, cutWritesApplied };
}

// ---------------------------------------------------------------------------------------------------
// Rounds

interface Figures {
  rounds: number;
  killPoints: string[];
  acknowledged: number;
  inFlight: number;
  stepsFiredAfterKill: number;
  consultTimeouts: number;
  retriedCreates: number;
  cutWritesApplied: number;
  vpcs: { owner: Tenant; vpcId: string }[];
}

async function runRounds(replicas: Replicas): Promise<Figures> {
  const figures: Figures = {
    rounds: 0,
    killPoints: [],
    acknowledged: 0,
    inFlight: 0,
    stepsFiredAfterKill: 0,
    consultTimeouts: 0,
    retriedCreates: 0,
    cutWritesApplied: 0,
    vpcs: [],
  };
  for (let slot = 0; slot < replicas.size; slot++) await replicas.start(slot);
  for (let round = 0; round < ROUNDS; round++) {
    const rng = rngFor(round);
    const killDelay = Math.round(KILL_DELAY_MS.min + rng() * (KILL_DELAY_MS.max - KILL_DELAY_MS.min));
    const victim = Math.floor(rng() * replicas.size);
    const killPoint = replicas.size > 1 ? `${killDelay}ms/replica${victim}` : `${killDelay}ms`;
    try {
      const log: RoundLog = { round, tenants: [], vpcs: [], conns: [], unexpected: [] };
      const pick = () => {
        const live = replicas.live();
        // Once the one process is dead, a request cannot be sent at all: as good as refused.
        if (live.length === 0) throw new NetworkError('no server is running', 0);
        return live[Math.floor(Math.random() * live.length)]!;
      };
      const w: Workload = { log, endpoint: pick, stopped: false };

      // Before the workload: accounts, and a cross-account request already consulting.
      const [a, b, c] = [await newTenant(w, 'a'), await newTenant(w, 'b'), await newTenant(w, 'c')];
      const [t1, t2] = await Promise.all([
        createVpc(w, a, 'timeout-1', cidr(90)),
        createVpc(w, b, 'timeout-2', cidr(91)),
      ]);
      const candidate = await createConn(w, 'timeout', a, t1, b, t2, 5);
      await settle(w.endpoint(), candidate);

      // The workload, cut by the kill.
      const choices = rngFor(round, 1);
      const chains = [
        ...[0, 1, 2].map((i) =>
          guarded(w, `same${i}`, choices() * 100, () => sameAccountChain(w, c, i, choices() < 0.5)),
        ),
        ...[0, 1].map((i) =>
          guarded(w, `accept${i}`, choices() * 100, () => crossAcceptChain(w, a, b, i, choices() < 0.5)),
        ),
        guarded(w, 'update0', choices() * 100, () => crossUpdateChain(w, a, b, 0, choices() < 0.5)),
        guarded(w, 'churn', 0, () => churnChain(w, c)),
      ];
      await sleep(killDelay);
      w.stopped = true;
      const deadAt = await replicas.kill(victim);
      await Promise.all(chains);
      expect(log.unexpected, 'the workload failed before the kill').toEqual([]);
      figures.inFlight +=
        log.conns.filter((conn) => conn.inFlight || !conn.acked).length +
        log.vpcs.filter((vpc) => !vpc.acked).length +
        log.conns.flatMap((conn) => conn.routes).filter((route) => !route.routeRuleId).length;

      let afterKill: { stepsFiredAfterKill: number };
      let clockSlot = victim;
      if (replicas.size > 1) {
        // The survivor finishes what was due, including what the dead replica had claimed, alone.
        const survivor = replicas.live()[0]!;
        afterKill = await checkAfterKill(survivor, log, deadAt);
        await replicas.start(victim);
        clockSlot = Math.floor(rng() * replicas.size);
      } else {
        await replicas.start(victim);
        afterKill = await checkAfterKill(replicas.endpoint(victim), log, deadAt);
      }
      const checked = await checkRound(pick, log, replicas.endpoint(clockSlot));
      expect(replicas.logs()).not.toContain('reconcile task failed');

      figures.rounds += 1;
      figures.killPoints.push(killPoint);
      figures.acknowledged += checked.acknowledged;
      figures.stepsFiredAfterKill += afterKill.stepsFiredAfterKill;
      figures.consultTimeouts += checked.consultTimeouts;
      figures.retriedCreates += checked.retriedCreates;
      figures.cutWritesApplied += checked.cutWritesApplied;
      for (const vpc of log.vpcs) figures.vpcs.push({ owner: vpc.owner, vpcId: vpc.vpcId! });
    } catch (error) {
      const message = `seed ${SEED}, round ${round}, kill at ${killPoint}: ${describeError(error)}`;
      const errors = replicas
        .logs()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line));
      console.error(`${message}\n--- server errors ---\n${errors.join('\n').slice(-6000)}`);
      throw new Error(message, { cause: error });
    }
  }
  // Nothing written in an earlier round went missing in a later one's crash.
  const endpoint = replicas.live()[0]!;
  for (const { owner, vpcId } of figures.vpcs) {
    expect((await vpcClient(endpoint, owner).getVpc(vpcId)).vpcId).toBe(vpcId);
  }
  return figures;
}

function report(database: string, figures: Figures): void {
  console.log(
    `crash test on ${database} (seed ${SEED}): ${figures.rounds} rounds, kill points [${figures.killPoints.join(', ')}], ` +
      `${figures.acknowledged} acknowledged writes checked, ${figures.inFlight} writes cut by a kill, ` +
      `${figures.retriedCreates} cut creates retried, ${figures.cutWritesApplied} cut operations found applied, ${figures.stepsFiredAfterKill} due steps fired after a kill, ` +
      `${figures.consultTimeouts} consult timeouts fired after a kill`,
  );
}

const tempDir = (label: string) => mkdtempSync(path.join(tmpdir(), `peerlink-crash-${label}-`));
const running: Replicas[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((replicas) => replicas.stopAll()));
});

console.log(`crash tests: seed ${SEED} (PEERLINK_CRASH_SEED=${SEED} replays the kill points)`);

describe('crash recovery, single SQLite process', () => {
  it(`keeps every acknowledged write and fires every due step across ${ROUNDS} kill -9`, async () => {
    // SQLite even on a PostgreSQL test run: empty values count as unset.
    const replicas = new Replicas([tempDir('sqlite')], {
      ...BASE_ENV,
      PEERLINK_DATABASE_URL: '',
      PEERLINK_DATABASE_SCHEMA: '',
      PEERLINK_MASTER_KEY: '',
    });
    running.push(replicas);
    const figures = await runRounds(replicas);
    report('SQLite', figures);
    expect(figures.rounds).toBe(ROUNDS);
    expect(figures.stepsFiredAfterKill).toBeGreaterThan(0);
    await replicas.stopAll();
  }, 240_000);
});

if (TEST_DATABASE_URL) {
  describe('crash recovery, two PostgreSQL replicas', () => {
    it(`keeps every acknowledged write; the survivor finishes due work across ${ROUNDS} kill -9`, async () => {
      const dirs = [tempDir('pg-0'), tempDir('pg-1')];
      const replicas = new Replicas(dirs, {
        ...BASE_ENV,
        PEERLINK_DATABASE_URL: TEST_DATABASE_URL,
        PEERLINK_DATABASE_SCHEMA: testSchemaFor(dirs[0]!),
        PEERLINK_MASTER_KEY: TEST_MASTER_KEY,
      });
      running.push(replicas);
      const figures = await runRounds(replicas);
      report('PostgreSQL', figures);
      expect(figures.rounds).toBe(ROUNDS);
      expect(figures.stepsFiredAfterKill).toBeGreaterThan(0);
      await replicas.stopAll();
    }, 240_000);
  });
}
