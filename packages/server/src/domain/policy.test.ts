import { describe, expect, it } from 'vitest';
import { domainRefusal, refused } from '../testing/domain-errors.js';
import {
  checkEgressSelector,
  checkIngressCidrCapacity,
  checkIngressSelector,
  type EgressRule,
  egressAllows,
  type IngressRule,
  ingressAllows,
  localHalfMissing,
  MAX_INGRESS_CIDR_RULES,
  missingPolicies,
  type PeeringDirection,
  type PolicyHalves,
  policyRefusal,
  remoteHalfMissing,
} from './policy.js';

const REMOTE = 'enr-0000000remot';
const OTHER = 'enr-0000000other';

const ingress = (selector: Partial<Pick<IngressRule, 'cidr' | 'enrollmentId' | 'country'>>): IngressRule => ({
  id: 'ing-000000000001',
  cidr: null,
  enrollmentId: null,
  country: null,
  description: '',
  createdAt: 0,
  ...selector,
});

const egress = (selector: Partial<Pick<EgressRule, 'destination' | 'enrollmentId'>>): EgressRule => ({
  id: 'egr-000000000001',
  destination: null,
  enrollmentId: null,
  description: '',
  createdAt: 0,
  ...selector,
});

describe('ingress rules', () => {
  it('admit a remote named by enrollment id, whatever its address', () => {
    const rules = [ingress({ enrollmentId: REMOTE })];
    expect(ingressAllows(rules, { enrollmentId: REMOTE })).toBe(true);
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: 'peer.example.com' })).toBe(true);
    expect(ingressAllows(rules, { enrollmentId: OTHER, address: '10.0.0.1' })).toBe(false);
  });

  it('admit an IPv4 address inside a CIDR rule, and nothing outside it', () => {
    const rules = [ingress({ cidr: '203.0.113.0/24' })];
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: '203.0.113.7' })).toBe(true);
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: ' 203.0.113.255 ' })).toBe(true);
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: '203.0.114.1' })).toBe(false);
    expect(ingressAllows(rules, { enrollmentId: REMOTE })).toBe(false);
    expect(
      ingressAllows([ingress({ cidr: '0.0.0.0/0' })], { enrollmentId: REMOTE, address: '8.8.8.8' }),
    ).toBe(true);
  });

  it('never resolve a host name, and never match a country offline', () => {
    const rules = [ingress({ cidr: '0.0.0.0/0' }), ingress({ country: 'DE' })];
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: 'peer.example.de' })).toBe(false);
    expect(ingressAllows([ingress({ country: 'DE' })], { enrollmentId: REMOTE, address: '1.2.3.4' })).toBe(
      false,
    );
  });

  it('are additive: any one matching rule is enough, and no rule allows nothing', () => {
    const rules = [
      ingress({ country: 'FR' }),
      ingress({ cidr: '10.0.0.0/8' }),
      ingress({ enrollmentId: OTHER }),
    ];
    expect(ingressAllows(rules, { enrollmentId: REMOTE, address: '10.9.8.7' })).toBe(true);
    expect(ingressAllows(rules, { enrollmentId: OTHER, address: '192.0.2.1' })).toBe(true);
    expect(ingressAllows([], { enrollmentId: REMOTE, address: '10.9.8.7' })).toBe(false);
  });
});

describe('egress rules', () => {
  it('allow a remote named by enrollment id', () => {
    expect(egressAllows([egress({ enrollmentId: REMOTE })], { enrollmentId: REMOTE })).toBe(true);
    expect(egressAllows([egress({ enrollmentId: REMOTE })], { enrollmentId: OTHER })).toBe(false);
  });

  it('allow a host name that equals the destination, without case or a final dot', () => {
    const rules = [egress({ destination: 'peer.example.com' })];
    expect(egressAllows(rules, { enrollmentId: REMOTE, address: 'Peer.Example.COM' })).toBe(true);
    expect(egressAllows(rules, { enrollmentId: REMOTE, address: 'peer.example.com.' })).toBe(true);
    expect(egressAllows(rules, { enrollmentId: REMOTE, address: 'other.example.com' })).toBe(false);
    expect(
      egressAllows([egress({ destination: 'example.com' })], {
        enrollmentId: REMOTE,
        address: 'peer.example.com',
      }),
    ).toBe(false);
    expect(egressAllows(rules, { enrollmentId: REMOTE })).toBe(false);
  });

  it('allow an IPv4 address equal to the destination or inside a destination block', () => {
    expect(
      egressAllows([egress({ destination: '192.0.2.10' })], { enrollmentId: REMOTE, address: '192.0.2.10' }),
    ).toBe(true);
    expect(
      egressAllows([egress({ destination: '192.0.2.10' })], { enrollmentId: REMOTE, address: '192.0.2.11' }),
    ).toBe(false);
    const block = [egress({ destination: '192.0.2.0/28' })];
    expect(egressAllows(block, { enrollmentId: REMOTE, address: '192.0.2.15' })).toBe(true);
    expect(egressAllows(block, { enrollmentId: REMOTE, address: '192.0.2.16' })).toBe(false);
    expect(egressAllows(block, { enrollmentId: REMOTE, address: 'peer.example.com' })).toBe(false);
  });
});

describe('rule selectors', () => {
  it('normalise what they name', () => {
    expect(checkIngressSelector({ cidr: ' 10.0.0.0/8 ' })).toEqual({
      cidr: '10.0.0.0/8',
      enrollmentId: null,
      country: null,
    });
    expect(checkIngressSelector({ country: 'de' })).toEqual({
      cidr: null,
      enrollmentId: null,
      country: 'DE',
    });
    expect(checkEgressSelector({ destination: 'Peer.Example.com.' }).destination).toBe('peer.example.com');
    expect(checkEgressSelector({ destination: '192.0.2.1' }).destination).toBe('192.0.2.1');
    expect(checkEgressSelector({ destination: '192.0.2.0/24' }).destination).toBe('192.0.2.0/24');
    expect(checkEgressSelector({ destination: 'localhost' }).destination).toBe('localhost');
    expect(checkEgressSelector({ enrollmentId: REMOTE }).enrollmentId).toBe(REMOTE);
  });

  it('name exactly one thing', () => {
    expect(() => checkIngressSelector({})).toThrow(refused('BadRequest', 'InvalidPolicySelector'));
    const two = domainRefusal(() => checkIngressSelector({ cidr: '10.0.0.0/8', country: 'DE' }));
    expect(two.message).toContain('cidr and country were given');
    expect(() => checkEgressSelector({ destination: 'a.example', enrollmentId: REMOTE })).toThrow(
      refused('BadRequest', 'InvalidPolicySelector'),
    );
  });

  it('refuse what is not a block, an enrollment id, a country, or a destination', () => {
    for (const cidr of ['10.0.0.1/8', '10.0.0.0/33', '10.0.0.0', 'example.com', '']) {
      expect(() => checkIngressSelector({ cidr }), cidr).toThrow(refused('BadRequest', 'InvalidCidr'));
    }
    for (const enrollmentId of ['enr-x', 'spc-000000000000', '']) {
      expect(() => checkIngressSelector({ enrollmentId })).toThrow(
        refused('BadRequest', 'InvalidEnrollmentId'),
      );
    }
    for (const country of ['ZZ', 'DEU', 'UK', '']) {
      expect(() => checkIngressSelector({ country }), country).toThrow(
        refused('BadRequest', 'InvalidCountry'),
      );
    }
    for (const destination of [
      '256.1.1.1',
      '1.2.3',
      '-bad.example',
      'a..b',
      'http://x.example',
      '10.0.0.1/8',
      'x_y.example',
      '',
    ]) {
      expect(() => checkEgressSelector({ destination }), destination).toThrow(
        refused('BadRequest', 'InvalidDestination'),
      );
    }
  });

  it('stop at 500 ingress CIDR rules (R1)', () => {
    expect(() => checkIngressCidrCapacity(MAX_INGRESS_CIDR_RULES - 1)).not.toThrow();
    expect(() => checkIngressCidrCapacity(MAX_INGRESS_CIDR_RULES)).toThrow(
      refused('LimitExceeded', 'IngressCidrRuleLimitExceeded'),
    );
  });
});

/**
 * The direction rule of the Peer Manager document (CPC, R2), written out as a table rather than
 * computed: for each direction, the policies it needs, by name.
 *   export from L to R: L egress to R, R ingress from L
 *   import into L from R: L ingress from R, R egress to L
 *   both: all four
 */
const NEEDS: Record<
  PeeringDirection,
  { lEgress: boolean; lIngress: boolean; rEgress: boolean; rIngress: boolean }
> = {
  export: { lEgress: true, lIngress: false, rEgress: false, rIngress: true },
  import: { lEgress: false, lIngress: true, rEgress: true, rIngress: false },
  both: { lEgress: true, lIngress: true, rEgress: true, rIngress: true },
};

const WORDS = {
  lEgress: `egress from this enrollment to ${REMOTE}`,
  lIngress: `ingress on this enrollment from ${REMOTE}`,
  rEgress: `egress from ${REMOTE} to this enrollment`,
  rIngress: `ingress on ${REMOTE} from this enrollment`,
};

/** The same policies as the remote enrollment words them when it checks its own half. */
const ORIGIN = 'enr-00000000orig';
const AS_REMOTE = {
  rEgress: `egress from this enrollment to ${ORIGIN}`,
  rIngress: `ingress on this enrollment from ${ORIGIN}`,
};

/** The 16 combinations of the four halves, as bits 0b(lEgress lIngress rEgress rIngress). */
const COMBINATIONS = Array.from({ length: 16 }, (_, bits) => ({
  lEgress: (bits & 8) !== 0,
  lIngress: (bits & 4) !== 0,
  rEgress: (bits & 2) !== 0,
  rIngress: (bits & 1) !== 0,
}));

const halvesOf = (c: (typeof COMBINATIONS)[number]): PolicyHalves => ({
  localEgressToRemote: c.lEgress,
  localIngressFromRemote: c.lIngress,
  remoteEgressToLocal: c.rEgress,
  remoteIngressFromLocal: c.rIngress,
});

describe('the direction rule (R2): 16 policy combinations × 3 directions', () => {
  const cases = (['export', 'import', 'both'] as const).flatMap((direction) =>
    COMBINATIONS.map((combination) => ({ direction, combination })),
  );

  it.each(cases)('$direction with $combination', ({ direction, combination }) => {
    const needs = NEEDS[direction];
    const lacking = (half: keyof typeof WORDS) => needs[half] && !combination[half];
    const expected = (['lEgress', 'lIngress', 'rEgress', 'rIngress'] as const)
      .filter(lacking)
      .map((half) => WORDS[half]);
    expect(missingPolicies(direction, halvesOf(combination), REMOTE)).toEqual(expected);

    // Each side checks its own half; together they find exactly what is missing.
    const local = localHalfMissing(
      direction,
      { egressToRemote: combination.lEgress, ingressFromRemote: combination.lIngress },
      REMOTE,
    );
    expect(local).toEqual((['lEgress', 'lIngress'] as const).filter(lacking).map((half) => WORDS[half]));
    // The remote speaks of itself as "this enrollment" and names the originator.
    const remote = remoteHalfMissing(
      direction,
      { egressToOther: combination.rEgress, ingressFromOther: combination.rIngress },
      ORIGIN,
    );
    expect(remote).toEqual((['rEgress', 'rIngress'] as const).filter(lacking).map((half) => AS_REMOTE[half]));
  });

  it('allows each direction in exactly the combinations that hold its needs', () => {
    const allowed = (direction: PeeringDirection) =>
      COMBINATIONS.filter((c) => missingPolicies(direction, halvesOf(c)).length === 0).length;
    // export and import each fix two of the four halves (4 of 16 combinations); both fixes all four.
    expect([allowed('export'), allowed('import'), allowed('both')]).toEqual([4, 4, 1]);
  });

  it('refuses with one error naming every missing policy', () => {
    const none = halvesOf({ lEgress: false, lIngress: false, rEgress: false, rIngress: false });
    const refusal = policyRefusal(missingPolicies('both', none, REMOTE));
    expect(refusal).toMatchObject({ kind: 'OperationDenied', reason: 'NetworkPolicyMissing' });
    for (const words of Object.values(WORDS)) expect(refusal.message).toContain(words);
  });
});
