import { PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPolicies, connectMpx, type Enrollment, startEnrollment } from '../../../testing/enrollments.js';

/**
 * R2 over real HTTP between two servers: every combination of the four network policies between A
 * and B, for a peer request A makes in each direction. A checks its own half when the request is
 * created, B its own half when it approves. The expectations come from the table below, written
 * out from the reference (CPC direction rule), not from the production code.
 */

type Policy = 'aEgress' | 'aIngress' | 'bEgress' | 'bIngress';
type Direction = 'export' | 'import' | 'both';
const POLICIES: readonly Policy[] = ['aEgress', 'aIngress', 'bEgress', 'bIngress'];

/**
 * What each direction (as A asks for it) needs on each side:
 * - export from A to B: A egress to B, B ingress from A;
 * - import into A from B: A ingress from B, B egress to A;
 * - both: all four.
 */
const NEEDS: Record<Direction, { a: Policy[]; b: Policy[] }> = {
  export: { a: ['aEgress'], b: ['bIngress'] },
  import: { a: ['aIngress'], b: ['bEgress'] },
  both: { a: ['aEgress', 'aIngress'], b: ['bEgress', 'bIngress'] },
};

/** The 16 combinations of present policies, each crossed with the 3 directions: 48 cases. */
const CASES = Array.from({ length: 16 }, (_, bits) =>
  Object.fromEntries(POLICIES.map((policy, i) => [policy, (bits & (1 << i)) !== 0])),
).flatMap((present) =>
  (['export', 'import', 'both'] as const).map((direction) => ({
    present: present as Record<Policy, boolean>,
    direction,
    name: `${direction} with ${POLICIES.filter((p) => present[p]).join('+') || 'no policy'}`,
  })),
);

async function refusal(call: () => Promise<unknown>): Promise<PeerlinkApiError | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (error instanceof PeerlinkApiError) return error;
    throw error;
  }
}

describe('R2: network policies × directions, between two servers over MPX', () => {
  let a: Enrollment;
  let b: Enrollment;
  /** The rule id of each policy currently present. */
  const rules: Partial<Record<Policy, string>> = {};

  beforeAll(async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
    await addPolicies(a, b);
    await connectMpx(a, b);
    for (const rule of (await a.peerlink.listEgressRules()).rules) rules.aEgress = rule.ruleId;
    for (const rule of (await a.peerlink.listIngressRules()).rules) rules.aIngress = rule.ruleId;
    for (const rule of (await b.peerlink.listEgressRules()).rules) rules.bEgress = rule.ruleId;
    for (const rule of (await b.peerlink.listIngressRules()).rules) rules.bIngress = rule.ruleId;
    expect(Object.keys(rules).sort()).toEqual([...POLICIES].sort());
  });

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((e) => e.server.close()));
  });

  /** Adds or removes rules so that exactly the policies in `present` exist. */
  async function setPolicies(present: Record<Policy, boolean>): Promise<void> {
    for (const policy of POLICIES) {
      const [side, remote] = policy.startsWith('a') ? [a, b] : [b, a];
      const egress = policy.endsWith('Egress');
      const ruleId = rules[policy];
      if (present[policy] && !ruleId) {
        const rule = egress
          ? await side.peerlink.addEgressRule({ enrollmentId: remote.enrollmentId })
          : await side.peerlink.addIngressRule({ enrollmentId: remote.enrollmentId });
        rules[policy] = rule.ruleId;
      } else if (!present[policy] && ruleId) {
        await (egress ? side.peerlink.removeEgressRule(ruleId) : side.peerlink.removeIngressRule(ruleId));
        delete rules[policy];
      }
    }
  }

  /** The words a refusal on `side` uses for one of its own policies towards `remote`. */
  const named = (policy: Policy, remote: Enrollment) =>
    new RegExp(`${policy.endsWith('Egress') ? 'egress' : 'ingress'}[^;]*${remote.enrollmentId}`);

  it.each(CASES)('$name', async ({ present, direction }) => {
    await setPolicies(present);
    const missingOnA = NEEDS[direction].a.filter((p) => !present[p]);
    const missingOnB = NEEDS[direction].b.filter((p) => !present[p]);

    let inviteCode: string | undefined;
    const created = await refusal(async () => {
      ({ inviteCode } = await a.pm.createPeerRequest({
        spaceId: a.spaceId,
        remoteEnrollmentId: b.enrollmentId,
        dataTypes: { objects: direction },
      }));
    });
    if (missingOnA.length > 0) {
      expect(created).toMatchObject({ statusCode: 409, reason: 'NetworkPolicyMissing' });
      for (const policy of ['aEgress', 'aIngress'] as const) {
        if (missingOnA.includes(policy)) expect(created!.message).toMatch(named(policy, b));
        else expect(created!.message).not.toMatch(named(policy, b));
      }
      return;
    }
    expect(created).toBeUndefined();

    // "Enter invite code" already tells B which of its policies the approval will need.
    const preview = await b.pm.previewPeerRequest(inviteCode!);
    expect(preview.missingPolicies).toHaveLength(missingOnB.length);

    const approved = await refusal(() =>
      b.pm.approvePeerRequest({ inviteCode: inviteCode!, spaceId: b.spaceId }),
    );
    if (missingOnB.length > 0) {
      expect(approved).toMatchObject({ statusCode: 409, reason: 'NetworkPolicyMissing' });
      for (const policy of ['bEgress', 'bIngress'] as const) {
        if (missingOnB.includes(policy)) expect(approved!.message).toMatch(named(policy, a));
        else expect(approved!.message).not.toMatch(named(policy, a));
      }
    } else {
      expect(approved).toBeUndefined();
    }
  });
});
