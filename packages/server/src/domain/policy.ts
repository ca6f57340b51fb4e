import { badRequest, type DomainError, limitExceeded, operationDenied } from './errors.js';
import { idPattern } from './ids.js';
import { cidrContains, formatCidr, parseIpv4, parseIpv4Cidr } from './net/cidr.js';

/**
 * The enrollment's network policies (Peer Manager §1.3, R1): an ingress allow-list of who may
 * connect to this deployment, and the egress destinations it may reach. Rules are additive: a
 * remote is allowed when any one rule matches it. Each rule names exactly one selector.
 */
export interface IngressRule {
  id: string;
  /** An IPv4 block (network address, host bits zero). */
  cidr: string | null;
  enrollmentId: string | null;
  /** ISO 3166-1 alpha-2 code, upper case. */
  country: string | null;
  description: string;
  createdAt: number;
}

export interface EgressRule {
  id: string;
  /** A domain name (lower case), an IPv4 address or an IPv4 block. */
  destination: string | null;
  enrollmentId: string | null;
  description: string;
  createdAt: number;
}

/** The other enrollment, as far as this one knows it. */
export interface RemoteEndpoint {
  enrollmentId: string;
  /** A host name or IPv4 address (no port), e.g. from its URL; absent for a relay-only remote. */
  address?: string;
}

export type IngressSelector = Pick<IngressRule, 'cidr' | 'enrollmentId' | 'country'>;
export type EgressSelector = Pick<EgressRule, 'destination' | 'enrollmentId'>;

/** R1: the ingress allow-list holds at most this many CIDR ranges. */
export const MAX_INGRESS_CIDR_RULES = 500;
export const INGRESS_RULE_ID = idPattern('ing');
export const EGRESS_RULE_ID = idPattern('egr');
const ENROLLMENT_ID = idPattern('enr');

/** ISO 3166-1 alpha-2: the 249 officially assigned codes. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT ' +
    'BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ' +
    'ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT ' +
    'HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS ' +
    'LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI ' +
    'NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG ' +
    'SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Labels of letters, digits and inner hyphens; the last label is not all digits (that would be an IP). */
const DOMAIN_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_NAME_MAX = 253;

function exactlyOne(rule: string, given: Record<string, string | undefined>): void {
  const names = Object.keys(given);
  const present = names.filter((name) => given[name] !== undefined);
  if (present.length !== 1) {
    throw badRequest(
      'InvalidPolicySelector',
      `${rule} names exactly one of ${names.join(', ')}; ${present.length === 0 ? 'none was' : `${present.join(' and ')} were`} given`,
    );
  }
}

function checkCidr(text: string): string {
  const block = parseIpv4Cidr(text.trim());
  if (!block) {
    throw badRequest(
      'InvalidCidr',
      `"${text}" is not an IPv4 CIDR block such as 203.0.113.0/24 (the host bits must be zero)`,
    );
  }
  return formatCidr(block);
}

function checkEnrollmentId(text: string): string {
  if (!ENROLLMENT_ID.test(text))
    throw badRequest('InvalidEnrollmentId', `"${text}" is not an enrollment id (enr-…)`);
  return text;
}

function checkCountry(text: string): string {
  const code = text.trim().toUpperCase();
  if (!COUNTRIES.has(code))
    throw badRequest('InvalidCountry', `"${text}" is not an ISO 3166-1 alpha-2 country code such as DE`);
  return code;
}

/** Host names compare without case and without a final dot. */
function hostKey(text: string): string {
  return text.trim().toLowerCase().replace(/\.$/, '');
}

/** A domain name, an IPv4 address or an IPv4 block, in the form rules are compared in. */
function checkDestination(text: string): string {
  const key = hostKey(text);
  const block = parseIpv4Cidr(key);
  if (block) return formatCidr(block);
  if (parseIpv4(key) !== undefined) return key;
  if (key.length <= DOMAIN_NAME_MAX && DOMAIN_NAME.test(key)) return key;
  throw badRequest(
    'InvalidDestination',
    `"${text}" is not a domain name, an IPv4 address or an IPv4 CIDR block (whose host bits are zero)`,
  );
}

export function checkIngressSelector(input: {
  cidr?: string;
  enrollmentId?: string;
  country?: string;
}): IngressSelector {
  const { cidr, enrollmentId, country } = input;
  exactlyOne('an ingress rule', { cidr, enrollmentId, country });
  return {
    cidr: cidr === undefined ? null : checkCidr(cidr),
    enrollmentId: enrollmentId === undefined ? null : checkEnrollmentId(enrollmentId),
    country: country === undefined ? null : checkCountry(country),
  };
}

export function checkEgressSelector(input: { destination?: string; enrollmentId?: string }): EgressSelector {
  const { destination, enrollmentId } = input;
  exactlyOne('an egress rule', { destination, enrollmentId });
  return {
    destination: destination === undefined ? null : checkDestination(destination),
    enrollmentId: enrollmentId === undefined ? null : checkEnrollmentId(enrollmentId),
  };
}

/** What a rule selects, in words: `cidr 10.0.0.0/8`, `enrollment enr-…`, `country DE`. */
export function describeSelector(selector: Partial<IngressSelector & EgressSelector>): string {
  if (selector.cidr) return `cidr ${selector.cidr}`;
  if (selector.country) return `country ${selector.country}`;
  if (selector.destination) return `destination ${selector.destination}`;
  return `enrollment ${selector.enrollmentId}`;
}

export function checkIngressCidrCapacity(cidrRules: number): void {
  if (cidrRules >= MAX_INGRESS_CIDR_RULES) {
    throw limitExceeded(
      'IngressCidrRuleLimitExceeded',
      `the ingress allow-list holds at most ${MAX_INGRESS_CIDR_RULES} CIDR rules; remove one first`,
    );
  }
}

export function duplicateRule(kind: 'ingress' | 'egress', selector: string, existingId: string): DomainError {
  return operationDenied('DuplicatePolicyRule', `${kind} rule ${existingId} already allows ${selector}`);
}

function blockHolds(cidr: string, address: number): boolean {
  const block = parseIpv4Cidr(cidr);
  return block !== undefined && cidrContains(block, { network: address, prefix: 32 });
}

/**
 * May `remote` connect to this enrollment? A rule naming its enrollment id allows it, and so does a
 * CIDR rule holding its IPv4 address. A host name is not resolved here (no I/O), so only the
 * enrollment id can admit a remote known by name. Country rules never match here: telling an
 * address's country needs a geolocation database that this offline check does not have; they are
 * kept for an enforcing proxy in front of the server.
 */
export function ingressAllows(rules: readonly IngressRule[], remote: RemoteEndpoint): boolean {
  const address = remote.address === undefined ? undefined : parseIpv4(remote.address.trim());
  return rules.some(
    (rule) =>
      rule.enrollmentId === remote.enrollmentId ||
      (rule.cidr !== null && address !== undefined && blockHolds(rule.cidr, address)),
  );
}

/**
 * May this enrollment reach `remote`? A rule naming its enrollment id allows it, and so does a
 * destination equal to its host name (without case) or IPv4 address, or a block holding that
 * address. Domain names match exactly: `example.com` does not allow `peer.example.com`.
 */
export function egressAllows(rules: readonly EgressRule[], remote: RemoteEndpoint): boolean {
  const host = remote.address === undefined ? undefined : hostKey(remote.address);
  const address = host === undefined ? undefined : parseIpv4(host);
  return rules.some((rule) => {
    if (rule.enrollmentId === remote.enrollmentId) return true;
    if (rule.destination === null || host === undefined) return false;
    if (rule.destination.includes('/')) return address !== undefined && blockHolds(rule.destination, address);
    return rule.destination === host;
  });
}

/** What one side of a peer connection asks for, per data type (Peer Manager §1.4). */
export type PeeringDirection = 'export' | 'import' | 'both';

/** The four policies the direction rule looks at, from the local enrollment L towards the remote R. */
export interface PolicyHalves {
  localEgressToRemote: boolean;
  localIngressFromRemote: boolean;
  remoteEgressToLocal: boolean;
  remoteIngressFromLocal: boolean;
}

type Half = keyof PolicyHalves;

/**
 * The direction rule (CPC, R2): exporting from L to R needs L's egress to R and R's ingress from L;
 * importing into L from R needs L's ingress from R and R's egress to L; both needs all four.
 */
const REQUIRED_HALVES: Record<PeeringDirection, readonly Half[]> = {
  export: ['localEgressToRemote', 'remoteIngressFromLocal'],
  import: ['localIngressFromRemote', 'remoteEgressToLocal'],
  both: ['localEgressToRemote', 'localIngressFromRemote', 'remoteEgressToLocal', 'remoteIngressFromLocal'],
};

function halfInWords(half: Half, remote: string): string {
  switch (half) {
    case 'localEgressToRemote':
      return `egress from this enrollment to ${remote}`;
    case 'localIngressFromRemote':
      return `ingress on this enrollment from ${remote}`;
    case 'remoteEgressToLocal':
      return `egress from ${remote} to this enrollment`;
    case 'remoteIngressFromLocal':
      return `ingress on ${remote} from this enrollment`;
  }
}

/** The policies `direction` needs and `halves` lacks, in words; empty when the peering may go ahead. */
export function missingPolicies(
  direction: PeeringDirection,
  halves: PolicyHalves,
  remote = 'the remote enrollment',
): string[] {
  return REQUIRED_HALVES[direction].filter((half) => !halves[half]).map((half) => halfInWords(half, remote));
}

/** What `direction` means to the other side: my export is its import. */
export function mirrorDirection(direction: PeeringDirection): PeeringDirection {
  return direction === 'export' ? 'import' : direction === 'import' ? 'export' : 'both';
}

/** The originating side checks its own half: the policies of this enrollment that `direction` needs. */
export function localHalfMissing(
  direction: PeeringDirection,
  own: { egressToRemote: boolean; ingressFromRemote: boolean },
  remote = 'the remote enrollment',
): string[] {
  return missingPolicies(
    direction,
    {
      localEgressToRemote: own.egressToRemote,
      localIngressFromRemote: own.ingressFromRemote,
      remoteEgressToLocal: true,
      remoteIngressFromLocal: true,
    },
    remote,
  );
}

/**
 * The other side of a request checks its own half: `direction` is as the originator (`other`) put
 * it, so an export from the originator needs ingress here, and an import needs egress from here.
 */
export function remoteHalfMissing(
  direction: PeeringDirection,
  own: { egressToOther: boolean; ingressFromOther: boolean },
  other = 'the requesting enrollment',
): string[] {
  return localHalfMissing(
    mirrorDirection(direction),
    { egressToRemote: own.egressToOther, ingressFromRemote: own.ingressFromOther },
    other,
  );
}

/** The refusal of a peering the network policies do not allow, naming every missing policy. */
export function policyRefusal(missing: readonly string[]): DomainError {
  return operationDenied(
    'NetworkPolicyMissing',
    `the network policies do not allow this peering; missing: ${missing.join('; ')}`,
  );
}
