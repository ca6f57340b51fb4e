import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { type Clock, systemClock } from '../clock.js';
import { DEFAULT_TIMINGS, type PeerConnTimings } from '../domain/peerconn/model.js';
import { Delivery } from '../federation/delivery.js';
import { MpxClient } from '../federation/mpx-client.js';
import { Receiver } from '../federation/receiver.js';
import { FEDERATION_WINDOW_MS } from '../federation/signing.js';
import type { ReconcileTask } from '../reconciler/reconciler.js';
import type { Db } from '../store/database.js';
import { deleteIdempotencyRecordsBefore } from '../store/repositories/idempotency.js';
import { forgetNoncesBefore } from '../store/repositories/outbox.js';
import type { SecretBox } from '../store/secret-box.js';
import { AccountService } from './accounts.js';
import { EndpointService } from './endpoints.js';
import { EnrollmentService } from './enrollment.js';
import { IDEMPOTENCY_WINDOW_MS } from './idempotency.js';
import { IdGenerator } from './ids.js';
import { NetworkService } from './network.js';
import { Outbox } from './outbox.js';
import { PeerConnService } from './peer-conns.js';
import { PeeringService } from './peerings.js';
import { PolicyService } from './policies.js';
import type { Quotas } from './quotas.js';
import { ReplicationService } from './replication.js';
import { RouteService } from './routes.js';
import { SpaceDataService } from './space-data.js';
import { SpaceService } from './spaces.js';
import { SubnetService } from './subnets.js';
import { UserService } from './users.js';
import { VpcService } from './vpcs.js';

/** The use cases, wired to one database and one clock. */
export interface Application {
  accounts: AccountService;
  vpcs: VpcService;
  subnets: SubnetService;
  routes: RouteService;
  peerConns: PeerConnService;
  enrollment: EnrollmentService;
  spaces: SpaceService;
  policies: PolicyService;
  users: UserService;
  network: NetworkService;
  peerings: PeeringService;
  outbox: Outbox;
  /** Applies messages from other enrollments (pushed to the federation endpoints, pulled, relayed). */
  receiver: Receiver;
  delivery: Delivery;
  spaceData: SpaceDataService;
  replication: ReplicationService;
  /** Dataplane endpoints (addresses in subnets); the dataplane itself is started by server.ts. */
  endpoints: EndpointService;
  /** The due work the reconciler runs. */
  reconcileTasks: ReconcileTask[];
  /** Aborts calls to other enrollments under way and refuses new ones (the server is closing). */
  shutdown(): void;
}

export function createApplication(deps: {
  db: Db;
  clock: Clock;
  box: SecretBox;
  quotas: Quotas;
  timings?: Partial<PeerConnTimings>;
  /** Wall time for sessions and token use (never moved by the test clock); the system clock by default. */
  authClock?: Clock;
  log?: FastifyBaseLogger;
  /** How often to collect messages from remotes that cannot push to this side. */
  federationPullIntervalMs?: number;
  /** The longest pause between delivery attempts to another enrollment. */
  federationRetryMaxMs?: number;
}): Application {
  const ids = new IdGenerator();
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const peerConns = new PeerConnService(
    deps.db,
    deps.clock,
    ids,
    { perVpc: deps.quotas.peerConnsPerVpc, perAccount: deps.quotas.peerConnsPerAccount },
    timings,
  );
  const enrollment = new EnrollmentService(deps.db, deps.clock, ids, deps.box);
  const users = new UserService(deps.db, deps.clock, deps.authClock ?? systemClock, ids, (db, event) =>
    enrollment.audit(db, event),
  );
  const audit = (
    db: Parameters<EnrollmentService['audit']>[0],
    event: Parameters<EnrollmentService['audit']>[1],
  ) => enrollment.audit(db, event);
  const spaces = new SpaceService(deps.db, deps.clock, ids, audit);
  const policies = new PolicyService(deps.db, deps.clock, ids, audit);
  const outbox = new Outbox(deps.clock, ids);
  const network = new NetworkService(deps.db, deps.clock, ids, enrollment, policies, outbox, audit);
  const peerings = new PeeringService(
    deps.db,
    deps.clock,
    ids,
    enrollment,
    network,
    spaces,
    policies,
    outbox,
    audit,
  );
  // The enrollment id never changes: read once (with the signing key), not per message or write.
  const selfId = async () => (await enrollment.signingKey()).enrollmentId;
  const receiver = new Receiver(deps.db, deps.clock, selfId, (db, id) => network.knownKey(db, id));
  receiver.on('mpx.entered', (tx, from, body) => network.onMpxEntered(tx, from, body));
  peerings.registerHandlers(receiver);
  const log = deps.log ?? pino({ level: 'silent' });
  const spaceData = new SpaceDataService(deps.db, deps.clock, ids, selfId, spaces, audit);
  const replication = new ReplicationService(deps.db, deps.clock, ids, outbox, peerings, spaces, audit, log);
  replication.registerHandlers(receiver);
  spaceData.onTypesChanged = () => replication.typesChanged();
  const wallClock = deps.authClock ?? systemClock;
  const closing = new AbortController();
  const delivery = new Delivery(
    deps.db,
    deps.clock,
    () => enrollment.signingKey(),
    new MpxClient(
      () => enrollment.signingKey(),
      () => wallClock.now(),
      closing.signal,
    ),
    receiver,
    network,
    policies,
    log,
    {
      pullIntervalMs: deps.federationPullIntervalMs ?? 1000,
      retryMaxMs: deps.federationRetryMaxMs ?? 5 * 60 * 1000,
    },
  );
  return {
    shutdown: () => closing.abort(),
    spaceData,
    replication,
    network,
    peerings,
    outbox,
    receiver,
    delivery,
    accounts: new AccountService(deps.db, deps.clock, deps.box, (db, event) => enrollment.audit(db, event)),
    enrollment,
    spaces,
    policies,
    users,
    vpcs: new VpcService(deps.db, deps.clock, ids, deps.quotas),
    subnets: new SubnetService(deps.db, deps.clock, ids, deps.quotas),
    routes: new RouteService(deps.db, deps.clock, ids, deps.quotas, timings),
    peerConns,
    endpoints: new EndpointService(deps.db, deps.clock, ids),
    reconcileTasks: [
      { name: 'peer-connections', run: () => peerConns.reconcileDue() },
      {
        name: 'idempotency-sweep',
        run: async () => {
          await deleteIdempotencyRecordsBefore(deps.db, deps.clock.now() - IDEMPOTENCY_WINDOW_MS);
          // Sweeping is housekeeping, not progress: it never asks for another tick.
          return 0;
        },
      },
      { name: 'replication-export', run: () => replication.exportDue() },
      { name: 'federation-delivery', run: () => delivery.deliverDue() },
      { name: 'federation-pull', run: () => delivery.pullDue() },
      { name: 'federation-relay', run: () => delivery.readRelays() },
      {
        name: 'federation-nonce-sweep',
        run: async () => {
          await forgetNoncesBefore(deps.db, wallClock.now() - 2 * FEDERATION_WINDOW_MS);
          return 0;
        },
      },
      {
        name: 'session-sweep',
        run: async () => {
          await users.sweepExpiredSessions();
          return 0;
        },
      },
    ],
  };
}
