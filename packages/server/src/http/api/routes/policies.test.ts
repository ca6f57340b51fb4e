import { type Credentials, PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { signedRequest } from '../../../testing/signed-request.js';

let t: TestServer;
let admin: ReturnType<TestServer['clients']>;
let tenant: Awaited<ReturnType<TestServer['newAccount']>>;
beforeAll(async () => {
  t = await startTestServer();
  admin = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey });
  tenant = await t.newAccount();
});
afterAll(() => t.close());

async function refusedWith(call: () => Promise<unknown>): Promise<[number, string, string | undefined]> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return [error.statusCode, error.code, error.reason];
}

const RULE_TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);

describe('ingress rules', () => {
  it('are added with one selector each, listed, and removed', async () => {
    const byCidr = await admin.peerlink.addIngressRule({
      cidr: ' 203.0.113.0/24 ',
      description: 'partner office',
    });
    expect(byCidr).toEqual({
      ruleId: expect.stringMatching(/^ing-[0-9a-z]{12}$/),
      cidr: '203.0.113.0/24',
      enrollmentId: null,
      country: null,
      description: 'partner office',
      createdAt: RULE_TIME,
    });
    const byEnrollment = await admin.peerlink.addIngressRule({ enrollmentId: 'enr-0000000peer1' });
    const byCountry = await admin.peerlink.addIngressRule({ country: 'de' });
    expect([byEnrollment.enrollmentId, byCountry.country, byCountry.description]).toEqual([
      'enr-0000000peer1',
      'DE',
      '',
    ]);

    const listed = await admin.peerlink.listIngressRules();
    expect(listed.rules).toEqual([byCidr, byEnrollment, byCountry]);
    expect(listed.isTruncated).toBe(false);

    await admin.peerlink.removeIngressRule(byEnrollment.ruleId);
    expect((await admin.peerlink.listIngressRules()).rules.map((r) => r.ruleId)).toEqual([
      byCidr.ruleId,
      byCountry.ruleId,
    ]);
    expect(await refusedWith(() => admin.peerlink.removeIngressRule(byEnrollment.ruleId))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchPolicyRule',
    ]);
    const page = await admin.peerlink.listIngressRules({ maxKeys: 1 });
    expect([page.rules.length, page.isTruncated, page.nextMarker]).toEqual([1, true, byCountry.ruleId]);
  });

  it('refuse a rule that names what another rule names (409)', async () => {
    await admin.peerlink.addIngressRule({ cidr: '198.51.100.0/24' });
    await admin.peerlink.addIngressRule({ country: 'FR' });
    for (const duplicate of [{ cidr: '198.51.100.0/24' }, { country: 'fr' }]) {
      expect(await refusedWith(() => admin.peerlink.addIngressRule(duplicate))).toEqual([
        409,
        'OperationDenied',
        'DuplicatePolicyRule',
      ]);
    }
  });

  it('refuse bad selectors, two selectors at once, and none, with 400', async () => {
    const cases: [Parameters<typeof admin.peerlink.addIngressRule>[0], string][] = [
      [{ cidr: '10.0.0.1/8' }, 'InvalidCidr'],
      [{ cidr: '10.0.0.0/33' }, 'InvalidCidr'],
      [{ cidr: 'example.com' }, 'InvalidCidr'],
      [{ enrollmentId: 'enr-nope' }, 'InvalidEnrollmentId'],
      [{ country: 'ZZ' }, 'InvalidCountry'],
      [{ cidr: '10.0.0.0/8', enrollmentId: 'enr-0000000peer1' }, 'InvalidPolicySelector'],
      [{ cidr: '10.0.0.0/8', country: 'DE' }, 'InvalidPolicySelector'],
      [{ description: 'nothing selected' }, 'InvalidPolicySelector'],
      [{ cidr: '10.0.0.0/8', description: 'x'.repeat(201) }, 'InvalidDescription'],
    ];
    for (const [body, reason] of cases) {
      expect(await refusedWith(() => admin.peerlink.addIngressRule(body)), JSON.stringify(body)).toEqual([
        400,
        'BadRequest',
        reason,
      ]);
    }
  });

  it('answer 400 for what is not an ingress rule id, and 404 for an unknown one', async () => {
    for (const id of ['ing-x', 'egr-000000000000']) {
      expect(await refusedWith(() => admin.peerlink.removeIngressRule(id))).toEqual([
        400,
        'BadRequest',
        'InvalidRuleId',
      ]);
    }
    expect(await refusedWith(() => admin.peerlink.removeIngressRule('ing-000000000000'))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchPolicyRule',
    ]);
  });
});

describe('egress rules', () => {
  it('are added for a domain, an address, a block or an enrollment, listed, and removed', async () => {
    const domain = await admin.peerlink.addEgressRule({ destination: 'Peer.Example.COM.' });
    const address = await admin.peerlink.addEgressRule({ destination: '192.0.2.10' });
    const block = await admin.peerlink.addEgressRule({ destination: '192.0.2.0/28', description: 'lab' });
    const enrollment = await admin.peerlink.addEgressRule({ enrollmentId: 'enr-0000000peer2' });
    expect(domain).toEqual({
      ruleId: expect.stringMatching(/^egr-[0-9a-z]{12}$/),
      destination: 'peer.example.com',
      enrollmentId: null,
      description: '',
      createdAt: RULE_TIME,
    });
    expect((await admin.peerlink.listEgressRules()).rules).toEqual([domain, address, block, enrollment]);

    expect(
      await refusedWith(() => admin.peerlink.addEgressRule({ destination: 'peer.example.com' })),
    ).toEqual([409, 'OperationDenied', 'DuplicatePolicyRule']);
    await admin.peerlink.removeEgressRule(domain.ruleId);
    expect((await admin.peerlink.listEgressRules()).rules).toEqual([address, block, enrollment]);
    expect((await admin.peerlink.addEgressRule({ destination: 'peer.example.com' })).destination).toBe(
      'peer.example.com',
    );
  });

  it('refuse bad destinations, two selectors at once, and unknown or malformed ids', async () => {
    const cases: [Parameters<typeof admin.peerlink.addEgressRule>[0], string][] = [
      [{ destination: '300.1.1.1' }, 'InvalidDestination'],
      [{ destination: 'https://peer.example.com' }, 'InvalidDestination'],
      [{ destination: '192.0.2.1/24' }, 'InvalidDestination'],
      [{ destination: 'peer.example.com', enrollmentId: 'enr-0000000peer2' }, 'InvalidPolicySelector'],
      [{}, 'InvalidPolicySelector'],
    ];
    for (const [body, reason] of cases) {
      expect(await refusedWith(() => admin.peerlink.addEgressRule(body)), JSON.stringify(body)).toEqual([
        400,
        'BadRequest',
        reason,
      ]);
    }
    expect(await refusedWith(() => admin.peerlink.removeEgressRule('ing-000000000000'))).toEqual([
      400,
      'BadRequest',
      'InvalidRuleId',
    ]);
    expect(await refusedWith(() => admin.peerlink.removeEgressRule('egr-000000000000'))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchPolicyRule',
    ]);
  });
});

describe('network policies', () => {
  it('are for administrators only (R1)', async () => {
    for (const call of [
      () => tenant.peerlink.listIngressRules(),
      () => tenant.peerlink.addIngressRule({ cidr: '10.0.0.0/8' }),
      () => tenant.peerlink.removeIngressRule('ing-000000000000'),
      () => tenant.peerlink.listEgressRules(),
      () => tenant.peerlink.addEgressRule({ destination: 'example.com' }),
      () => tenant.peerlink.removeEgressRule('egr-000000000000'),
    ]) {
      expect(await refusedWith(call)).toEqual([403, 'AccessDenied', 'AdministratorOnly']);
    }
  });

  it('refuse bodies of the wrong shape with 400, never 500', async () => {
    const credentials: Credentials = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
    for (const [path, body] of [
      ['/api/v1/policies/ingress', '{"cidr": 10}'],
      ['/api/v1/policies/ingress', '"10.0.0.0/8"'],
      ['/api/v1/policies/egress', '{"destination": ["a.example"]}'],
      ['/api/v1/policies/egress', '{"destination": "a\\u0000.example"}'],
    ] as const) {
      const answer = await signedRequest({
        endpoint: t.endpoint(),
        credentials,
        method: 'POST',
        path,
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect([answer.status, JSON.parse(answer.text).code], body).toEqual([400, 'InappropriateJSON']);
    }
  });

  it('record every change in the audit log', async () => {
    const ingress = await admin.peerlink.addIngressRule({ cidr: '100.64.0.0/10' });
    const egress = await admin.peerlink.addEgressRule({ enrollmentId: 'enr-0000000peer3' });
    await admin.peerlink.removeIngressRule(ingress.ruleId);
    await admin.peerlink.removeEgressRule(egress.ruleId);
    const { events } = await admin.peerlink.listAuditEvents({ maxKeys: 4 });
    expect(events.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      [t.admin.accountId, 'RemoveEgressRule', egress.ruleId, 'enrollment enr-0000000peer3'],
      [t.admin.accountId, 'RemoveIngressRule', ingress.ruleId, 'cidr 100.64.0.0/10'],
      [t.admin.accountId, 'AddEgressRule', egress.ruleId, 'enrollment enr-0000000peer3'],
      [t.admin.accountId, 'AddIngressRule', ingress.ruleId, 'cidr 100.64.0.0/10'],
    ]);
  });
});
