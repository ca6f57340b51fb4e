import type { Clock } from '../clock.js';
import { noSuchObject } from '../domain/errors.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import { advancePeerConn } from '../domain/peerconn/advance.js';
import { endOf, otherRole, type PeerConnTimings } from '../domain/peerconn/model.js';
import { checkPeerConnRoute, type PeerConnRouteTarget } from '../domain/peerconn/route-target.js';
import {
  checkRouteRule,
  checkRouteRuleQuota,
  type RouteRule,
  type RouteRuleFields,
  type RouteTable,
  type RouteTableFacts,
} from '../domain/route.js';
import { vpcBlocks } from '../domain/vpc.js';
import type { Db, Executor, Tx } from '../store/database.js';
import { findPeerConnByInterface } from '../store/repositories/peer-conns.js';
import {
  deleteRouteRuleRow,
  findRouteRule,
  findRouteTable,
  insertRouteRule,
  pageRulesOfTable,
  rulesOfTable,
  saveRouteRule,
} from '../store/repositories/routes.js';
import { subnetsOfVpc } from '../store/repositories/subnets.js';
import { findVpcAnyOwner } from '../store/repositories/vpcs.js';
import { transact } from '../store/transact.js';
import type { Caller, IdempotencyInput } from './caller.js';
import { runIdempotent } from './idempotency.js';
import type { IdGenerator } from './ids.js';
import { requireVpc } from './lookups.js';
import type { Quotas } from './quotas.js';

export type RouteTableRef = { routeTableId: string } | { vpcId: string };

export class RouteService {
  /** Called after each committed change (the dataplane converges to it). */
  onChanged: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly quotas: Quotas,
    /** Only to read a connection's status as of now (the step durations themselves are stored). */
    private readonly peerConnTimings: PeerConnTimings,
  ) {}

  async getTable(caller: Caller, ref: RouteTableRef): Promise<{ table: RouteTable; rules: RouteRule[] }> {
    const table = await this.requireTable(this.db, caller, ref);
    return { table, rules: await rulesOfTable(this.db, table.id) };
  }

  async createRule(
    caller: Caller,
    command: RouteRuleFields & { routeTableId: string },
    idem?: IdempotencyInput,
  ): Promise<{ routeRuleId: string }> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(
        tx,
        { accountId: caller.accountId, operation: 'CreateRouteRule', now },
        idem,
        async () => {
          const table = await this.requireTable(tx, caller, { routeTableId: command.routeTableId });
          const rules = await rulesOfTable(tx, table.id);
          const checked = checkRouteRule(command, await this.facts(tx, caller, table, rules, command));
          checkRouteRuleQuota(rules.length, this.quotas.routeRulesPerTable);
          const rule: RouteRule = {
            id: this.ids.next('rr'),
            routeTableId: table.id,
            accountId: caller.accountId,
            ...checked,
            description: checked.description ?? '',
            ipVersion: 4,
            pathType: 'normal',
            createdAt: now,
          };
          await insertRouteRule(tx, rule);
          return { routeRuleId: rule.id };
        },
      ),
    );
  }

  async listRules(caller: Caller, ref: RouteTableRef, page: PageRequest): Promise<Page<RouteRule>> {
    const table = await this.requireTable(this.db, caller, ref);
    return toPage(await pageRulesOfTable(this.db, table.id, page), page, (rule) => rule.id);
  }

  /** Absent fields keep their value; the result is checked as a new rule would be. */
  async updateRule(
    caller: Caller,
    routeRuleId: string,
    command: Partial<Omit<RouteRuleFields, 'nexthopType'>>,
    idem?: IdempotencyInput,
  ): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(
        tx,
        { accountId: caller.accountId, operation: 'UpdateRouteRule', now },
        idem,
        async () => {
          const { rule, table } = await this.requireRule(tx, caller, routeRuleId);
          const others = (await rulesOfTable(tx, table.id)).filter((other) => other.id !== rule.id);
          const checked = checkRouteRule(
            {
              sourceAddress: command.sourceAddress ?? rule.sourceAddress,
              destinationAddress: command.destinationAddress ?? rule.destinationAddress,
              nexthopId: command.nexthopId ?? rule.nexthopId,
              nexthopType: rule.nexthopType,
              description: command.description ?? rule.description,
            },
            await this.facts(tx, caller, table, others, {
              nexthopType: rule.nexthopType,
              nexthopId: command.nexthopId ?? rule.nexthopId,
            }),
          );
          await saveRouteRule(tx, { ...rule, ...checked, description: checked.description ?? '' });
          return {};
        },
      ),
    );
  }

  async deleteRule(caller: Caller, routeRuleId: string, idem?: IdempotencyInput): Promise<object> {
    const now = this.clock.now();
    return this.write((tx) =>
      runIdempotent(
        tx,
        { accountId: caller.accountId, operation: 'DeleteRouteRule', now },
        idem,
        async () => {
          const { rule } = await this.requireRule(tx, caller, routeRuleId);
          await deleteRouteRuleRow(tx, rule.id);
          return {};
        },
      ),
    );
  }

  private async facts(
    db: Executor,
    caller: Caller,
    table: RouteTable,
    otherRules: RouteRule[],
    nexthop: { nexthopType: string; nexthopId: string },
  ): Promise<RouteTableFacts> {
    const vpc = await requireVpc(db, caller, table.vpcId);
    const target =
      nexthop.nexthopType === 'peerConn' ? await this.peerConnTarget(db, nexthop.nexthopId) : undefined;
    return {
      vpc,
      subnets: await subnetsOfVpc(db, vpc.id),
      otherRules,
      checkPeerConnNexthop: (nexthopId, destination) =>
        checkPeerConnRoute(target, vpc.id, nexthopId, destination),
    };
  }

  private async peerConnTarget(db: Executor, ifId: string): Promise<PeerConnRouteTarget | undefined> {
    const found = await findPeerConnByInterface(db, ifId);
    if (!found) return undefined;
    const { role } = found;
    // As of now, like every read: a step that is over counts even before the reconciler records it.
    const conn = advancePeerConn(found.conn, this.clock.now(), this.peerConnTimings).conn;
    const peerVpc = await findVpcAnyOwner(db, endOf(conn, otherRole(role)).vpcId);
    return {
      peerConnId: conn.id,
      status: conn.status,
      localVpcId: endOf(conn, role).vpcId,
      peerBlocks: peerVpc ? vpcBlocks(peerVpc) : [],
    };
  }

  private async requireTable(db: Executor, caller: Caller, ref: RouteTableRef): Promise<RouteTable> {
    const table = await findRouteTable(db, caller, ref);
    if (!table) {
      const name =
        'routeTableId' in ref ? `route table ${ref.routeTableId}` : `a route table of VPC ${ref.vpcId}`;
      throw noSuchObject('RouteTableNotFound', `${name} does not exist in region ${caller.region}`);
    }
    return table;
  }

  private async requireRule(db: Executor, caller: Caller, routeRuleId: string) {
    const rule = await findRouteRule(db, caller.accountId, routeRuleId);
    const table = rule && (await findRouteTable(db, caller, { routeTableId: rule.routeTableId }));
    if (!rule || !table) {
      throw noSuchObject(
        'RouteRuleNotFound',
        `route rule ${routeRuleId} does not exist in region ${caller.region}`,
      );
    }
    return { rule, table };
  }

  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await transact(this.db, work);
    this.onChanged();
    return result;
  }
}
