import type { Clock } from '../clock.js';
import { badRequest, noSuchObject } from '../domain/errors.js';
import { checkDescription } from '../domain/names.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import {
  checkEgressSelector,
  checkIngressCidrCapacity,
  checkIngressSelector,
  describeSelector,
  duplicateRule,
  EGRESS_RULE_ID,
  type EgressRule,
  egressAllows,
  INGRESS_RULE_ID,
  type IngressRule,
  ingressAllows,
  type RemoteEndpoint,
} from '../domain/policy.js';
import type { Db, Executor } from '../store/database.js';
import {
  countIngressCidrRules,
  deleteEgressRule,
  deleteIngressRule,
  egressRulesFor,
  findEgressRule,
  findEgressRuleFor,
  findIngressRule,
  findIngressRuleFor,
  ingressRulesFor,
  insertEgressRule,
  insertIngressRule,
  listEgressRules,
  listIngressRules,
} from '../store/repositories/policies.js';
import { transact } from '../store/transact.js';
import { type AuditRecorder, requireAdministrator } from './authorization.js';
import type { Caller } from './caller.js';
import type { IdGenerator } from './ids.js';

function checkRuleId(pattern: RegExp, kind: string, id: string): string {
  if (!pattern.test(id)) throw badRequest('InvalidRuleId', `"${id}" is not an ${kind} rule id`);
  return id;
}

const noSuchRule = (kind: string, id: string) =>
  noSuchObject('NoSuchPolicyRule', `${kind} rule ${id} does not exist`);

/**
 * The enrollment's network ingress and egress policies (R1): administrators edit them, every edit
 * is audited, and the Peer Manager asks them whether a remote may be peered with (R2).
 */
export class PolicyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditRecorder,
  ) {}

  async listIngress(caller: Caller, page: PageRequest): Promise<Page<IngressRule>> {
    requireAdministrator(caller);
    return toPage(await listIngressRules(this.db, page), page, (rule) => rule.id);
  }

  async addIngress(
    caller: Caller,
    input: { cidr?: string; enrollmentId?: string; country?: string; description?: string },
  ): Promise<IngressRule> {
    requireAdministrator(caller);
    const selector = checkIngressSelector(input);
    const description = checkDescription(input.description);
    return transact(this.db, async (tx) => {
      const existing = await findIngressRuleFor(tx, selector);
      if (existing) throw duplicateRule('ingress', describeSelector(selector), existing.id);
      if (selector.cidr !== null) checkIngressCidrCapacity(await countIngressCidrRules(tx));
      const rule: IngressRule = {
        id: this.ids.next('ing'),
        ...selector,
        description,
        createdAt: this.clock.now(),
      };
      await insertIngressRule(tx, rule);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'AddIngressRule',
        target: rule.id,
        detail: describeSelector(rule),
      });
      return rule;
    });
  }

  async removeIngress(caller: Caller, ruleId: string): Promise<void> {
    requireAdministrator(caller);
    checkRuleId(INGRESS_RULE_ID, 'ingress', ruleId);
    await transact(this.db, async (tx) => {
      const rule = await findIngressRule(tx, ruleId);
      if (!rule) throw noSuchRule('ingress', ruleId);
      await deleteIngressRule(tx, ruleId);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'RemoveIngressRule',
        target: ruleId,
        detail: describeSelector(rule),
      });
    });
  }

  async listEgress(caller: Caller, page: PageRequest): Promise<Page<EgressRule>> {
    requireAdministrator(caller);
    return toPage(await listEgressRules(this.db, page), page, (rule) => rule.id);
  }

  async addEgress(
    caller: Caller,
    input: { destination?: string; enrollmentId?: string; description?: string },
  ): Promise<EgressRule> {
    requireAdministrator(caller);
    const selector = checkEgressSelector(input);
    const description = checkDescription(input.description);
    return transact(this.db, async (tx) => {
      const existing = await findEgressRuleFor(tx, selector);
      if (existing) throw duplicateRule('egress', describeSelector(selector), existing.id);
      const rule: EgressRule = {
        id: this.ids.next('egr'),
        ...selector,
        description,
        createdAt: this.clock.now(),
      };
      await insertEgressRule(tx, rule);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'AddEgressRule',
        target: rule.id,
        detail: describeSelector(rule),
      });
      return rule;
    });
  }

  async removeEgress(caller: Caller, ruleId: string): Promise<void> {
    requireAdministrator(caller);
    checkRuleId(EGRESS_RULE_ID, 'egress', ruleId);
    await transact(this.db, async (tx) => {
      const rule = await findEgressRule(tx, ruleId);
      if (!rule) throw noSuchRule('egress', ruleId);
      await deleteEgressRule(tx, ruleId);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'RemoveEgressRule',
        target: ruleId,
        detail: describeSelector(rule),
      });
    });
  }

  /** May `remote` connect to this enrollment? Runs in the caller's transaction when given one. */
  async allowsIngressFrom(db: Executor, remote: RemoteEndpoint): Promise<boolean> {
    return ingressAllows(await ingressRulesFor(db, remote.enrollmentId), remote);
  }

  /** May this enrollment reach `remote`? */
  async allowsEgressTo(db: Executor, remote: RemoteEndpoint): Promise<boolean> {
    return egressAllows(await egressRulesFor(db, remote.enrollmentId), remote);
  }

  /** This enrollment's half of the direction rule (R2), for localHalfMissing / remoteHalfMissing. */
  async localHalves(
    db: Executor,
    remote: RemoteEndpoint,
  ): Promise<{ egressToRemote: boolean; ingressFromRemote: boolean }> {
    return {
      egressToRemote: await this.allowsEgressTo(db, remote),
      ingressFromRemote: await this.allowsIngressFrom(db, remote),
    };
  }
}
