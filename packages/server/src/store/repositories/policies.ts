import type { PageRequest } from '../../domain/pagination.js';
import type { EgressRule, EgressSelector, IngressRule, IngressSelector } from '../../domain/policy.js';
import type { Executor } from '../database.js';
import type { EgressRulesTable, IngressRulesTable } from '../schema.js';

const toIngress = (row: IngressRulesTable): IngressRule => ({
  id: row.id,
  cidr: row.cidr,
  enrollmentId: row.enrollment_id,
  country: row.country,
  description: row.description,
  createdAt: Number(row.created_at),
});

const toEgress = (row: EgressRulesTable): EgressRule => ({
  id: row.id,
  destination: row.destination,
  enrollmentId: row.enrollment_id,
  description: row.description,
  createdAt: Number(row.created_at),
});

export async function insertIngressRule(db: Executor, rule: IngressRule): Promise<void> {
  await db
    .insertInto('ingress_rules')
    .values({
      id: rule.id,
      cidr: rule.cidr,
      enrollment_id: rule.enrollmentId,
      country: rule.country,
      description: rule.description,
      created_at: rule.createdAt,
    })
    .execute();
}

export async function findIngressRule(db: Executor, id: string): Promise<IngressRule | undefined> {
  const row = await db.selectFrom('ingress_rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toIngress(row);
}

/** The rule that names this selector already, if any (the unique indexes allow one). */
export async function findIngressRuleFor(
  db: Executor,
  selector: IngressSelector,
): Promise<IngressRule | undefined> {
  let query = db.selectFrom('ingress_rules').selectAll();
  if (selector.cidr !== null) query = query.where('cidr', '=', selector.cidr);
  else if (selector.enrollmentId !== null) query = query.where('enrollment_id', '=', selector.enrollmentId);
  else query = query.where('country', '=', selector.country);
  const row = await query.executeTakeFirst();
  return row && toIngress(row);
}

export async function countIngressCidrRules(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('ingress_rules')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cidr', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listIngressRules(db: Executor, page: PageRequest): Promise<IngressRule[]> {
  let query = db
    .selectFrom('ingress_rules')
    .selectAll()
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  return (await query.execute()).map(toIngress);
}

/** The rules that could admit this enrollment: those naming it, and every CIDR rule. */
export async function ingressRulesFor(db: Executor, enrollmentId: string): Promise<IngressRule[]> {
  const rows = await db
    .selectFrom('ingress_rules')
    .selectAll()
    .where((eb) => eb.or([eb('enrollment_id', '=', enrollmentId), eb('cidr', 'is not', null)]))
    .execute();
  return rows.map(toIngress);
}

export async function deleteIngressRule(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('ingress_rules').where('id', '=', id).execute();
}

export async function insertEgressRule(db: Executor, rule: EgressRule): Promise<void> {
  await db
    .insertInto('egress_rules')
    .values({
      id: rule.id,
      destination: rule.destination,
      enrollment_id: rule.enrollmentId,
      description: rule.description,
      created_at: rule.createdAt,
    })
    .execute();
}

export async function findEgressRule(db: Executor, id: string): Promise<EgressRule | undefined> {
  const row = await db.selectFrom('egress_rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEgress(row);
}

export async function findEgressRuleFor(
  db: Executor,
  selector: EgressSelector,
): Promise<EgressRule | undefined> {
  let query = db.selectFrom('egress_rules').selectAll();
  if (selector.destination !== null) query = query.where('destination', '=', selector.destination);
  else query = query.where('enrollment_id', '=', selector.enrollmentId);
  const row = await query.executeTakeFirst();
  return row && toEgress(row);
}

export async function listEgressRules(db: Executor, page: PageRequest): Promise<EgressRule[]> {
  let query = db
    .selectFrom('egress_rules')
    .selectAll()
    .orderBy('id')
    .limit(page.maxKeys + 1);
  if (page.marker) query = query.where('id', '>=', page.marker);
  return (await query.execute()).map(toEgress);
}

/** The rules that could allow reaching this enrollment: those naming it, and every destination rule. */
export async function egressRulesFor(db: Executor, enrollmentId: string): Promise<EgressRule[]> {
  const rows = await db
    .selectFrom('egress_rules')
    .selectAll()
    .where((eb) => eb.or([eb('enrollment_id', '=', enrollmentId), eb('destination', 'is not', null)]))
    .execute();
  return rows.map(toEgress);
}

export async function deleteEgressRule(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('egress_rules').where('id', '=', id).execute();
}
