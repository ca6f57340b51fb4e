import type { Clock } from '../clock.js';
import type { Db } from '../store/database.js';
import type { SecretBox } from '../store/secret-box.js';
import { AccountService } from './accounts.js';
import { IdGenerator } from './ids.js';
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
}

export function createApplication(deps: {
  db: Db;
  clock: Clock;
  box: SecretBox;
  quotas: Quotas;
}): Application {
  const ids = new IdGenerator();
  return {
    accounts: new AccountService(deps.db, deps.clock, deps.box),
    vpcs: new VpcService(deps.db, deps.clock, ids, deps.quotas),
    subnets: new SubnetService(deps.db, deps.clock, ids, deps.quotas),
    routes: new RouteService(deps.db, deps.clock, ids, deps.quotas),
  };
}
