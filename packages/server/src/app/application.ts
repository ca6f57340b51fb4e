import type { Clock } from '../clock.js';
import { DEFAULT_TIMINGS, type PeerConnTimings } from '../domain/peerconn/model.js';
import type { ReconcileTask } from '../reconciler/reconciler.js';
import type { Db } from '../store/database.js';
import { deleteIdempotencyRecordsBefore } from '../store/repositories/idempotency.js';
import type { SecretBox } from '../store/secret-box.js';
import { AccountService } from './accounts.js';
import { EnrollmentService } from './enrollment.js';
import { IDEMPOTENCY_WINDOW_MS } from './idempotency.js';
import { IdGenerator } from './ids.js';
import { PeerConnService } from './peer-conns.js';
import type { Quotas } from './quotas.js';
import { RouteService } from './routes.js';
import { SubnetService } from './subnets.js';
import { VpcService } from './vpcs.js';

/** The use cases, wired to one database and one clock. */
export interface Application {
  accounts: AccountService;
  vpcs: VpcService;
  subnets: SubnetService;
  routes: RouteService;
  peerConns: PeerConnService;
  enrollment: EnrollmentService;
  /** The due work the reconciler runs. */
  reconcileTasks: ReconcileTask[];
}

export function createApplication(deps: {
  db: Db;
  clock: Clock;
  box: SecretBox;
  quotas: Quotas;
  timings?: Partial<PeerConnTimings>;
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
  return {
    accounts: new AccountService(deps.db, deps.clock, deps.box, (db, event) => enrollment.audit(db, event)),
    enrollment,
    vpcs: new VpcService(deps.db, deps.clock, ids, deps.quotas),
    subnets: new SubnetService(deps.db, deps.clock, ids, deps.quotas),
    routes: new RouteService(deps.db, deps.clock, ids, deps.quotas, timings),
    peerConns,
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
    ],
  };
}
