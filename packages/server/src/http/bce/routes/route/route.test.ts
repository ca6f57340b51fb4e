import { type CreateRouteRuleArgs, SignedTransport } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../testing/harness.js';
import { refusal } from '../../../../testing/refusal.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ overrides: { quotas: { routeRulesPerTable: 4 } } });
});
afterAll(() => t.close());

/** A new account with a VPC of 10.0.0.0/16, a subnet 10.0.1.0/24 in it, and the VPC's route table. */
async function accountWithTable() {
  const account = await t.newAccount();
  const { vpcId } = await account.vpc.createVpc({ name: 'net', cidr: '10.0.0.0/16' });
  const { subnetId } = await account.subnet.createSubnet({
    vpcId,
    name: 's',
    zoneName: 'cn-bj-a',
    cidr: '10.0.1.0/24',
  });
  const { routeTableId } = await account.route.getRouteTable({ vpcId });
  const transport = new SignedTransport({ endpoint: t.endpoint(), credentials: account.credentials });
  /** A rule with a custom next hop from the subnet; `change` overrides any field. */
  const rule = (change: Partial<CreateRouteRuleArgs> = {}): CreateRouteRuleArgs => ({
    routeTableId,
    sourceAddress: '10.0.1.0/24',
    destinationAddress: '192.168.0.0/16',
    nexthopId: 'i-gateway',
    nexthopType: 'custom',
    ...change,
  });
  return { ...account, vpcId, subnetId, routeTableId, transport, rule };
}

describe('route table API', () => {
  it('reads a VPC route table by vpcId or by routeTableId', async () => {
    const { route, vpcId, routeTableId } = await accountWithTable();
    expect(routeTableId).toMatch(/^rt-[0-9a-z]{12}$/);
    const byVpc = await route.getRouteTable({ vpcId });
    expect(Object.keys(byVpc).sort()).toEqual(['name', 'routeRules', 'routeTableId', 'vpcId']);
    expect(byVpc).toMatchObject({ routeTableId, vpcId, routeRules: [] });
    expect(typeof byVpc.name).toBe('string');
    expect(await route.getRouteTable({ routeTableId })).toEqual(byVpc);
  });

  it('needs routeTableId or vpcId, and answers 404 for an unknown or foreign table', async () => {
    const { route, vpcId, routeTableId } = await accountWithTable();
    const neither = await refusal(route.getRouteTable({} as never));
    expect([neither.statusCode, neither.code]).toEqual([400, 'BadRequest']);
    const stranger = await t.newAccount();
    for (const attempt of [
      () => route.getRouteTable({ routeTableId: 'rt-000000000000' }),
      () => route.getRouteTable({ vpcId: 'vpc-000000000000' }),
      () => stranger.route.getRouteTable({ routeTableId }),
      () => stranger.route.getRouteTable({ vpcId }),
      () => stranger.route.listRouteRules({ routeTableId }),
      () => route.listRouteRules({ vpcId: 'vpc-000000000000' }),
    ]) {
      const error = await refusal(attempt());
      expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
    }
    const listNeither = await refusal(route.listRouteRules({} as never));
    expect([listNeither.statusCode, listNeither.code]).toEqual([400, 'BadRequest']);
  });
});

describe('route rule API', () => {
  it('creates a rule that appears in GET /v1/route and in the rule list', async () => {
    const { route, vpcId, routeTableId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule({ description: 'to office' }));
    expect(routeRuleId).toMatch(/^rr-[0-9a-z]{12}$/);
    const expected = {
      routeRuleId,
      routeTableId,
      sourceAddress: '10.0.1.0/24',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
      description: 'to office',
      pathType: 'normal',
    };
    const table = await route.getRouteTable({ vpcId });
    expect(table.routeRules).toHaveLength(1);
    expect(table.routeRules[0]).toMatchObject(expected);
    const listed = await route.listRouteRules({ vpcId });
    expect(listed.routeRules).toEqual(table.routeRules);
    expect(listed).toMatchObject({ marker: routeRuleId, isTruncated: false, maxKeys: 1000 });
  });

  it('accepts a source of 0.0.0.0/0 or one inside a subnet, and refuses others', async () => {
    const { route, rule } = await accountWithTable();
    await route.createRouteRule(rule({ sourceAddress: '0.0.0.0/0' }));
    await route.createRouteRule(rule({ sourceAddress: '10.0.1.128/25' }));
    for (const sourceAddress of ['10.0.2.0/24', '10.0.0.0/16', '172.16.0.0/24']) {
      const error = await refusal(route.createRouteRule(rule({ sourceAddress })));
      expect([error.statusCode, error.code, error.reason]).toEqual([
        400,
        'BadRequest',
        'SourceOutsideSubnets',
      ]);
    }
  });

  it('refuses a destination overlapping the VPC, 0.0.0.0/0 excepted', async () => {
    const { vpc, route, vpcId, rule } = await accountWithTable();
    await vpc.updateVpc(vpcId, { secondaryCidr: ['10.1.0.0/16'] });
    for (const destinationAddress of ['10.0.5.0/24', '10.0.0.0/8', '10.1.0.0/24']) {
      const error = await refusal(route.createRouteRule(rule({ destinationAddress })));
      expect([error.statusCode, error.code, error.reason]).toEqual([
        400,
        'BadRequest',
        'DestinationInsideVpc',
      ]);
    }
    await expect(route.createRouteRule(rule({ destinationAddress: '0.0.0.0/0' }))).resolves.toHaveProperty(
      'routeRuleId',
    );
  });

  it('refuses a second rule for the same (source, destination) with 409 RouteRuleExists', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule());
    const error = await refusal(route.createRouteRule(rule({ nexthopId: 'i-other', description: 'twin' })));
    expect([error.statusCode, error.code, error.reason]).toEqual([409, 'OperationDenied', 'RouteRuleExists']);
    expect(error.message).toContain(routeRuleId);
    // The same destination from another source is a different rule.
    await route.createRouteRule(rule({ sourceAddress: '0.0.0.0/0' }));
    expect((await route.getRouteTable({ vpcId })).routeRules).toHaveLength(2);
  });

  it('refuses unknown next-hop types, bad CIDRs and missing next hops', async () => {
    const { route, rule, transport, routeTableId } = await accountWithTable();
    for (const [change, reason] of [
      [{ nexthopType: 'teleport' }, 'InvalidNexthopType'],
      [{ nexthopType: 'PEERCONN' }, 'InvalidNexthopType'],
      [{ destinationAddress: '192.168.0.1/16' }, 'InvalidCidr'],
      [{ sourceAddress: 'anywhere' }, 'InvalidCidr'],
      [{ nexthopId: ' ' }, 'InvalidNexthopId'],
    ] as const) {
      const error = await refusal(route.createRouteRule(rule(change)));
      expect([error.statusCode, error.code, error.reason]).toEqual([400, 'BadRequest', reason]);
    }
    const missing = await refusal(
      transport.send('POST', '/v1/route/rule', {
        body: { routeTableId, sourceAddress: '0.0.0.0/0', destinationAddress: '192.168.0.0/16' },
      }),
    );
    expect([missing.statusCode, missing.code]).toEqual([400, 'InappropriateJSON']);
    expect(missing.message).toContain('nexthop');
  });

  it('refuses a peerConn next hop whose interface does not exist', async () => {
    const { route, rule } = await accountWithTable();
    const error = await refusal(
      route.createRouteRule(rule({ nexthopType: 'peerConn', nexthopId: 'qpif-000000000000' })),
    );
    expect([error.statusCode, error.code, error.reason]).toEqual([
      400,
      'BadRequest',
      'PeerConnInterfaceNotFound',
    ]);
    expect(error.message).toContain('qpif-000000000000');
  });

  it('accepts ipVersion 4 as a number (Java) or a string (Go) and refuses 6', async () => {
    const { route, vpcId, routeTableId, transport } = await accountWithTable();
    const body = {
      routeTableId,
      sourceAddress: '10.0.1.0/24',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
    };
    const numeric = await transport.send<{ routeRuleId: string }>('POST', '/v1/route/rule', {
      body: { ...body, destinationAddress: '192.168.1.0/24', ipVersion: 4 },
    });
    const text = await transport.send<{ routeRuleId: string }>('POST', '/v1/route/rule', {
      body: { ...body, destinationAddress: '192.168.2.0/24', ipVersion: '4' },
    });
    expect(numeric.routeRuleId).toMatch(/^rr-/);
    expect(text.routeRuleId).toMatch(/^rr-/);
    for (const ipVersion of [6, '6']) {
      const error = await refusal(
        transport.send('POST', '/v1/route/rule', {
          body: { ...body, destinationAddress: '192.168.3.0/24', ipVersion },
        }),
      );
      expect([error.statusCode, error.code]).toEqual([400, 'BadRequest']);
      expect(error.message).toContain('ipVersion');
    }
    expect((await route.getRouteTable({ vpcId })).routeRules.map((r) => r.routeRuleId)).toEqual([
      numeric.routeRuleId,
      text.routeRuleId,
    ]);
  });

  it('refuses multi-path nextHopList with a clear message, but takes an empty one', async () => {
    const { route, vpcId, rule, transport } = await accountWithTable();
    const error = await refusal(
      transport.send('POST', '/v1/route/rule', {
        body: { ...rule(), nextHopList: [{ nexthopId: 'i-a', nexthopType: 'custom', pathType: 'ecmp' }] },
      }),
    );
    expect([error.statusCode, error.code]).toEqual([400, 'BadRequest']);
    expect(error.message).toContain('nextHopList');
    expect(error.message).toContain('not supported');
    expect((await route.getRouteTable({ vpcId })).routeRules).toEqual([]);
    await expect(
      transport.send('POST', '/v1/route/rule', { body: { ...rule(), nextHopList: [] } }),
    ).resolves.toHaveProperty('routeRuleId');
  });

  it("ignores Java's stray clientToken and version fields in the body", async () => {
    const { route, vpcId, rule, transport } = await accountWithTable();
    const { clientToken: _none, ...fields } = rule();
    const created = await transport.send<{ routeRuleId: string }>('POST', '/v1/route/rule', {
      query: { clientToken: 'java-token' },
      body: { ...fields, clientToken: 'java-token', version: 'v1', ipVersion: 4, description: null },
    });
    expect(created.routeRuleId).toMatch(/^rr-/);
    expect((await route.getRouteTable({ vpcId })).routeRules).toMatchObject([
      { routeRuleId: created.routeRuleId, sourceAddress: '10.0.1.0/24', description: '' },
    ]);
  });

  it('lists rules by vpcId or routeTableId with keyset pages', async () => {
    const { route, vpcId, routeTableId, rule } = await accountWithTable();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await route.createRouteRule(rule({ destinationAddress: `192.168.${i}.0/24` }))).routeRuleId);
    }
    for (const ref of [{ vpcId }, { routeTableId }]) {
      const first = await route.listRouteRules(ref, { maxKeys: 3 });
      expect(first.routeRules.map((r) => r.routeRuleId)).toEqual(ids.slice(0, 3));
      expect(first).toMatchObject({ isTruncated: true, nextMarker: ids[3], maxKeys: 3, marker: ids[0] });
      const second = await route.listRouteRules(ref, { maxKeys: 3, marker: first.nextMarker! });
      expect(second.routeRules.map((r) => r.routeRuleId)).toEqual([ids[3]]);
      expect(second).toMatchObject({ isTruncated: false, marker: ids[3], maxKeys: 3 });
      expect(second).not.toHaveProperty('nextMarker');
    }
    const all = await route.listRouteRules({ routeTableId });
    expect(all.routeRules.map((r) => r.destinationAddress)).toEqual([
      '192.168.0.0/24',
      '192.168.1.0/24',
      '192.168.2.0/24',
      '192.168.3.0/24',
    ]);
    expect(all.routeRules.every((r) => r.routeTableId === routeTableId)).toBe(true);
    const badMarker = await refusal(route.listRouteRules({ routeTableId }, { marker: routeTableId }));
    expect([badMarker.statusCode, badMarker.code]).toEqual([400, 'BadRequest']);
  });

  it('updates a rule with the SDK, keeping absent fields', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule({ description: 'first' }));
    await route.updateRouteRule(routeRuleId, { description: 'second' });
    const read = async () => (await route.getRouteTable({ vpcId })).routeRules[0];
    expect(await read()).toMatchObject({
      routeRuleId,
      sourceAddress: '10.0.1.0/24',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-gateway',
      nexthopType: 'custom',
      description: 'second',
    });
    await route.updateRouteRule(routeRuleId, {
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.16.0.0/12',
      nexthopId: 'i-other',
    });
    expect(await read()).toMatchObject({
      routeRuleId,
      sourceAddress: '0.0.0.0/0',
      destinationAddress: '172.16.0.0/12',
      nexthopId: 'i-other',
      nexthopType: 'custom',
      description: 'second',
    });
  });

  it('takes the Go update body, which also carries routeRuleId', async () => {
    const { route, vpcId, rule, transport } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule());
    await transport.send('PUT', `/v1/route/rule/${routeRuleId}`, {
      query: { clientToken: 'go-update' },
      body: {
        routeRuleId,
        sourceAddress: '10.0.1.0/24',
        destinationAddress: '192.168.7.0/24',
        nexthopId: 'i-go',
        description: 'from go',
      },
    });
    expect((await route.getRouteTable({ vpcId })).routeRules[0]).toMatchObject({
      routeRuleId,
      destinationAddress: '192.168.7.0/24',
      nexthopId: 'i-go',
      description: 'from go',
    });
  });

  it('checks an updated rule as a new one: duplicates, sources and destinations', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const { routeRuleId: firstId } = await route.createRouteRule(rule());
    const { routeRuleId } = await route.createRouteRule(rule({ destinationAddress: '172.16.0.0/12' }));
    const twin = await refusal(route.updateRouteRule(routeRuleId, { destinationAddress: '192.168.0.0/16' }));
    expect([twin.statusCode, twin.code, twin.reason]).toEqual([409, 'OperationDenied', 'RouteRuleExists']);
    expect(twin.message).toContain(firstId);
    for (const [change, reason] of [
      [{ sourceAddress: '10.0.9.0/24' }, 'SourceOutsideSubnets'],
      [{ destinationAddress: '10.0.0.0/24' }, 'DestinationInsideVpc'],
      [{ destinationAddress: 'nowhere' }, 'InvalidCidr'],
    ] as const) {
      const error = await refusal(route.updateRouteRule(routeRuleId, change));
      expect([error.statusCode, error.code, error.reason]).toEqual([400, 'BadRequest', reason]);
    }
    // Re-saving a rule with its own values is no duplicate of itself.
    await route.updateRouteRule(routeRuleId, { destinationAddress: '172.16.0.0/12', description: 'same' });
    const rules = (await route.getRouteTable({ vpcId })).routeRules;
    expect(rules.map((r) => [r.routeRuleId, r.destinationAddress, r.description])).toEqual([
      [firstId, '192.168.0.0/16', ''],
      [routeRuleId, '172.16.0.0/12', 'same'],
    ]);
  });

  it('deletes a rule; unknown or foreign rules are NoSuchObject', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule());
    const stranger = await t.newAccount();
    for (const attempt of [
      () => stranger.route.deleteRouteRule(routeRuleId),
      () => stranger.route.updateRouteRule(routeRuleId, { description: 'stolen' }),
      () => route.updateRouteRule('rr-000000000000', { description: 'x' }),
      () => route.deleteRouteRule('rr-000000000000'),
    ]) {
      const error = await refusal(attempt());
      expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
    }
    await route.deleteRouteRule(routeRuleId);
    expect((await route.getRouteTable({ vpcId })).routeRules).toEqual([]);
    expect((await refusal(route.deleteRouteRule(routeRuleId))).code).toBe('NoSuchObject');
  });

  it("refuses a rule in another account's table as NoSuchObject", async () => {
    const { rule } = await accountWithTable();
    const stranger = await t.newAccount();
    const error = await refusal(stranger.route.createRouteRule(rule({ sourceAddress: '0.0.0.0/0' })));
    expect([error.statusCode, error.code]).toEqual([404, 'NoSuchObject']);
  });

  it('enforces the per-table rule quota', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await route.createRouteRule(rule({ destinationAddress: `192.168.${i}.0/24` }))).routeRuleId);
    }
    const error = await refusal(route.createRouteRule(rule({ destinationAddress: '192.168.9.0/24' })));
    expect([error.statusCode, error.code, error.reason]).toEqual([
      413,
      'LimitExceeded',
      'RouteRuleQuotaExceeded',
    ]);
    expect((await route.getRouteTable({ vpcId })).routeRules).toHaveLength(4);
    // Updating a rule in a full table is no new rule.
    await route.updateRouteRule(ids[0]!, { description: 'full' });
    await route.deleteRouteRule(ids[0]!);
    await expect(
      route.createRouteRule(rule({ destinationAddress: '192.168.9.0/24' })),
    ).resolves.toHaveProperty('routeRuleId');
  });

  it('refuses to delete a VPC with route rules, then deletes it once they are gone', async () => {
    const { vpc, subnet, route, vpcId, subnetId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule({ sourceAddress: '0.0.0.0/0' }));
    await subnet.deleteSubnet(subnetId);
    const busy = await refusal(vpc.deleteVpc(vpcId));
    expect([busy.statusCode, busy.code, busy.reason]).toEqual([409, 'ResourceNeedRelease', 'VpcInUse']);
    expect(busy.message).toContain('1 route rule(s)');
    await route.deleteRouteRule(routeRuleId);
    await vpc.deleteVpc(vpcId);
    expect((await refusal(route.getRouteTable({ vpcId }))).code).toBe('NoSuchObject');
  });
});

describe('route rule clientToken idempotency', () => {
  it('answers a retried create with the first rule and makes no second one', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const first = await route.createRouteRule(rule({ clientToken: 'rr-token-1' }));
    const again = await route.createRouteRule(rule({ clientToken: 'rr-token-1' }));
    expect(again.routeRuleId).toBe(first.routeRuleId);
    expect((await route.getRouteTable({ vpcId })).routeRules).toHaveLength(1);
  });

  it('refuses the same token for a different create with 403 IdempotentParameterMismatch', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    await route.createRouteRule(rule({ clientToken: 'rr-token-2' }));
    const error = await refusal(
      route.createRouteRule(rule({ destinationAddress: '172.16.0.0/12', clientToken: 'rr-token-2' })),
    );
    expect([error.statusCode, error.code]).toEqual([403, 'IdempotentParameterMismatch']);
    expect((await route.getRouteTable({ vpcId })).routeRules).toHaveLength(1);
  });

  it('does not record a refused create, so a corrected retry with the token succeeds', async () => {
    const { route, rule } = await accountWithTable();
    const refused = await refusal(
      route.createRouteRule(rule({ nexthopType: 'nope', clientToken: 'rr-token-3' })),
    );
    expect(refused.reason).toBe('InvalidNexthopType');
    await expect(route.createRouteRule(rule({ clientToken: 'rr-token-3' }))).resolves.toHaveProperty(
      'routeRuleId',
    );
  });

  it('answers a retried update and delete with success', async () => {
    const { route, vpcId, rule } = await accountWithTable();
    const { routeRuleId } = await route.createRouteRule(rule());
    await route.updateRouteRule(routeRuleId, { description: 'once', clientToken: 'rr-upd' });
    await route.updateRouteRule(routeRuleId, { description: 'once', clientToken: 'rr-upd' });
    const mismatch = await refusal(
      route.updateRouteRule(routeRuleId, { description: 'twice', clientToken: 'rr-upd' }),
    );
    expect([mismatch.statusCode, mismatch.code]).toEqual([403, 'IdempotentParameterMismatch']);
    expect((await route.getRouteTable({ vpcId })).routeRules[0]?.description).toBe('once');
    await route.deleteRouteRule(routeRuleId, { clientToken: 'rr-del' });
    await route.deleteRouteRule(routeRuleId, { clientToken: 'rr-del' });
    expect((await route.getRouteTable({ vpcId })).routeRules).toEqual([]);
  });
});
