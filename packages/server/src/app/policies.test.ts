import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { DomainError } from '../domain/errors.js';
import { formatCidr } from '../domain/net/cidr.js';
import { MAX_INGRESS_CIDR_RULES } from '../domain/policy.js';
import type { Db } from '../store/database.js';
import { insertIngressRule } from '../store/repositories/policies.js';
import { transact } from '../store/transact.js';
import { openTestDatabase } from '../testing/database.js';
import { tempDataDir } from '../testing/harness.js';
import type { Caller } from './caller.js';
import { IdGenerator } from './ids.js';
import { PolicyService } from './policies.js';

const clock: Clock = { now: () => Date.UTC(2024, 0, 2) };
const ADMIN: Caller = { accountId: 'a'.repeat(32), principalId: 'a'.repeat(32), region: 'bj', isAdmin: true };
const PEER = 'enr-0000000peer1';

let db: Db;
let ids: IdGenerator;
let policies: PolicyService;
beforeEach(async () => {
  db = await openTestDatabase(tempDataDir());
  ids = new IdGenerator();
  policies = new PolicyService(db, clock, ids, async () => {});
});
afterEach(() => db.destroy());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('the ingress allow-list (R1)', () => {
  it('holds at most 500 CIDR rules; rules of other kinds do not count', async () => {
    await transact(db, async (tx) => {
      for (let i = 0; i < MAX_INGRESS_CIDR_RULES; i++) {
        const cidr = formatCidr({ network: (10 << 24) + i * 256, prefix: 24 });
        await insertIngressRule(tx, {
          id: ids.next('ing'),
          cidr,
          enrollmentId: null,
          country: null,
          description: '',
          createdAt: 0,
        });
      }
    });
    const refused = await refusal(policies.addIngress(ADMIN, { cidr: '192.0.2.0/24' }));
    expect([refused.kind, refused.reason]).toEqual(['LimitExceeded', 'IngressCidrRuleLimitExceeded']);
    expect(refused.message).toContain('500');
    expect((await policies.addIngress(ADMIN, { enrollmentId: PEER })).enrollmentId).toBe(PEER);
    expect((await policies.addIngress(ADMIN, { country: 'JP' })).country).toBe('JP');
  });
});

describe('rules in the database', () => {
  const row = (selector: { cidr?: string; country?: string }) => ({
    id: ids.next('ing'),
    cidr: selector.cidr ?? null,
    enrollmentId: null,
    country: selector.country ?? null,
    description: '',
    createdAt: 0,
  });

  it('name exactly one selector, and no two rules the same one, even written around the service', async () => {
    await expect(insertIngressRule(db, row({ cidr: '10.0.0.0/8', country: 'DE' }))).rejects.toThrow();
    await expect(insertIngressRule(db, row({}))).rejects.toThrow();
    await insertIngressRule(db, row({ cidr: '10.0.0.0/8' }));
    await expect(insertIngressRule(db, row({ cidr: '10.0.0.0/8' }))).rejects.toThrow();
  });

  it('answer one of several racing identical additions and refuse the others as duplicates', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => policies.addEgress(ADMIN, { destination: 'peer.example.com' })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ kind: 'OperationDenied', reason: 'DuplicatePolicyRule' });
    }
  });
});

describe("this enrollment's half of the direction rule", () => {
  it('is nothing allowed while no rule exists', async () => {
    expect(await policies.localHalves(db, { enrollmentId: PEER, address: '203.0.113.5' })).toEqual({
      egressToRemote: false,
      ingressFromRemote: false,
    });
  });

  it('follows the rules: ingress by CIDR or enrollment, egress by destination or enrollment', async () => {
    await policies.addIngress(ADMIN, { cidr: '203.0.113.0/24' });
    await policies.addEgress(ADMIN, { destination: 'peer.example.com' });
    expect(await policies.localHalves(db, { enrollmentId: PEER, address: '203.0.113.5' })).toEqual({
      egressToRemote: false,
      ingressFromRemote: true,
    });
    expect(await policies.localHalves(db, { enrollmentId: PEER, address: 'PEER.example.com' })).toEqual({
      egressToRemote: true,
      ingressFromRemote: false,
    });

    const other = 'enr-0000000peer2';
    await policies.addIngress(ADMIN, { enrollmentId: other });
    await policies.addEgress(ADMIN, { enrollmentId: other });
    expect(await policies.allowsIngressFrom(db, { enrollmentId: other })).toBe(true);
    expect(await policies.allowsEgressTo(db, { enrollmentId: other })).toBe(true);
    // A rule for one enrollment says nothing about another.
    expect(await policies.allowsIngressFrom(db, { enrollmentId: PEER })).toBe(false);
    expect(await policies.allowsEgressTo(db, { enrollmentId: PEER })).toBe(false);
  });

  it('is read inside a caller transaction when given one', async () => {
    await transact(db, async (tx) => {
      await insertIngressRule(tx, {
        id: ids.next('ing'),
        cidr: null,
        enrollmentId: PEER,
        country: null,
        description: '',
        createdAt: 0,
      });
      expect(await policies.allowsIngressFrom(tx, { enrollmentId: PEER })).toBe(true);
    });
  });
});
