import { BceServiceError, type Credentials, PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { type SignedResponse, signedRequest } from '../../../testing/signed-request.js';

let t: TestServer;
let admin: Credentials;
beforeAll(async () => {
  t = await startTestServer();
  admin = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
});
afterAll(() => t.close());

function send(
  credentials: Credentials,
  method: string,
  path: string,
  options: { body?: string; query?: string } = {},
): Promise<SignedResponse> {
  return signedRequest({
    endpoint: t.endpoint(),
    credentials,
    method,
    path,
    ...(options.query === undefined ? {} : { query: options.query }),
    ...(options.body === undefined
      ? {}
      : { body: options.body, headers: { 'content-type': 'application/json' } }),
  });
}

/** Checks an RFC 9457 problem answer and answers its body. */
function problem(answer: SignedResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(answer.text);
  expect(body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  expect(body.type).toMatch(/^\S+:\S+/);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.requestId).toBe(answer.headers['x-bce-request-id']);
  return body;
}

async function refusal<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}, got ${String(error)}`);
  return error;
}

const HEX32 = /^[0-9a-f]{32}$/;

describe('/api/v1/accounts', () => {
  it('creates an account (201) whose credentials work on the BCE API', async () => {
    const answer = await send(admin, 'POST', '/api/v1/accounts', { body: '{"name": "tenant-one"}' });
    expect(answer.status).toBe(201);
    const created = JSON.parse(answer.text);
    expect(Object.keys(created).sort()).toEqual(['accessKeyId', 'accountId', 'secretAccessKey']);
    expect(created.accountId).toMatch(HEX32);
    expect(created.accessKeyId).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    expect(created.secretAccessKey).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    const credentials = { ak: created.accessKeyId, sk: created.secretAccessKey };
    const { vpc, peerlink } = t.clients(credentials);
    await vpc.createVpc({ name: 'mine', cidr: '10.0.0.0/16' });
    expect((await vpc.listVpcs()).vpcs).toHaveLength(1);
    expect(await peerlink.whoami()).toEqual({ accountId: created.accountId, isAdmin: false, region: 'bj' });
    const shown = await t.clients(admin).peerlink.getAccount(created.accountId);
    expect(shown).toEqual({
      accountId: created.accountId,
      name: 'tenant-one',
      isAdmin: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('creates an account without a body, with a generated name', async () => {
    const answer = await send(admin, 'POST', '/api/v1/accounts');
    expect(answer.status).toBe(201);
    const { accountId } = JSON.parse(answer.text);
    expect((await t.clients(admin).peerlink.getAccount(accountId)).name).toBe(
      `account-${accountId.slice(0, 8)}`,
    );
  });

  it('creates administrator accounts that can use the admin API', async () => {
    const created = await t.clients(admin).peerlink.createAccount({ name: 'second-admin', admin: true });
    const other = t.clients({ ak: created.accessKeyId, sk: created.secretAccessKey }).peerlink;
    expect((await other.whoami()).isAdmin).toBe(true);
    expect((await other.getAccount(t.admin.accountId)).isAdmin).toBe(true);
  });

  it('lists accounts in id order, the administrator included, page by page', async () => {
    const { peerlink } = t.clients(admin);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await peerlink.createAccount({ name: `paged-${i}` })).accountId);
    const all = await peerlink.listAccounts();
    const ids = all.accounts.map((a) => a.accountId);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining([t.admin.accountId, ...made]));
    expect(all.isTruncated).toBe(false);
    expect(all).not.toHaveProperty('nextMarker');
    expect(all.accounts.find((a) => a.accountId === t.admin.accountId)).toMatchObject({
      name: 'admin',
      isAdmin: true,
    });

    const paged: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await peerlink.listAccounts({ maxKeys: 2, ...(marker ? { marker } : {}) });
      expect(page.accounts.length).toBeLessThanOrEqual(2);
      paged.push(...page.accounts.map((a) => a.accountId));
      expect(page.isTruncated).toBe(page.nextMarker !== undefined);
      marker = page.nextMarker;
      pages += 1;
    } while (marker);
    expect(paged).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 2));
  });

  it('refuses bad pagination parameters with 400 problems', async () => {
    problem(await send(admin, 'GET', '/api/v1/accounts', { query: 'marker=vpc-abc' }), 400, 'BadRequest');
    problem(await send(admin, 'GET', '/api/v1/accounts', { query: 'maxKeys=abc' }), 400, 'BadRequest');
  });

  it('answers an unknown account with a 404 problem', async () => {
    const missing = '0'.repeat(32);
    for (const [method, path] of [
      ['GET', `/api/v1/accounts/${missing}`],
      ['GET', `/api/v1/accounts/${missing}/keys`],
      ['POST', `/api/v1/accounts/${missing}/keys`],
      ['DELETE', `/api/v1/accounts/${missing}/keys/AKNOTTHERE`],
      ['GET', '/api/v1/accounts/not-an-id'],
    ] as const) {
      problem(await send(admin, method, path), 404, 'NoSuchObject');
    }
  });

  it('refuses a malformed or mistyped body with a 400 problem', async () => {
    problem(await send(admin, 'POST', '/api/v1/accounts', { body: '{"name": ' }), 400, 'MalformedJSON');
    const typed = problem(
      await send(admin, 'POST', '/api/v1/accounts', { body: '{"admin": "yes"}' }),
      400,
      'InappropriateJSON',
    );
    expect(typed.detail).toContain('admin');
    problem(await send(admin, 'POST', '/api/v1/accounts', { body: '[]' }), 400, 'InappropriateJSON');
  });

  it('answers an unknown /api route with a 404 problem', async () => {
    problem(await send(admin, 'GET', '/api/v1/nothing'), 404, 'InvalidURI');
    problem(await send(admin, 'DELETE', '/api/v1/accounts'), 404, 'InvalidURI');
    problem(await send(admin, 'GET', '/api/v2/accounts'), 404, 'InvalidURI');
  });
});

describe('/api/v1/accounts/{accountId}/keys', () => {
  it('lists, creates and deletes keys; the secret is shown only on creation', async () => {
    const { peerlink } = t.clients(admin);
    const first = await peerlink.createAccount();
    const listed = await send(admin, 'GET', `/api/v1/accounts/${first.accountId}/keys`);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text)).toEqual({
      keys: [{ accessKeyId: first.accessKeyId, createdAt: expect.any(String) }],
    });
    expect(listed.text).not.toContain(first.secretAccessKey);
    expect(listed.text).not.toContain('secret');

    const answer = await send(admin, 'POST', `/api/v1/accounts/${first.accountId}/keys`);
    expect(answer.status).toBe(201);
    const second = JSON.parse(answer.text);
    expect(second).toMatchObject({ accountId: first.accountId, secretAccessKey: expect.any(String) });
    expect(second.accessKeyId).not.toBe(first.accessKeyId);

    const both = await send(admin, 'GET', `/api/v1/accounts/${first.accountId}/keys`);
    const keys = (JSON.parse(both.text) as { keys: { accessKeyId: string }[] }).keys;
    expect(keys.map((k) => k.accessKeyId).sort()).toEqual([first.accessKeyId, second.accessKeyId].sort());
    expect(both.text).not.toContain(first.secretAccessKey);
    expect(both.text).not.toContain(second.secretAccessKey);

    // Both keys work until one is deleted.
    const oldKey = { ak: first.accessKeyId, sk: first.secretAccessKey };
    const newKey = { ak: second.accessKeyId, sk: second.secretAccessKey };
    await t.clients(oldKey).vpc.listVpcs();
    await t.clients(newKey).vpc.listVpcs();
    const deleted = await send(
      admin,
      'DELETE',
      `/api/v1/accounts/${first.accountId}/keys/${first.accessKeyId}`,
    );
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');

    const bce = await refusal(t.clients(oldKey).vpc.listVpcs(), BceServiceError);
    expect([bce.statusCode, bce.code]).toEqual([403, 'InvalidAccessKeyId']);
    problem(await send(oldKey, 'GET', '/api/v1/whoami'), 403, 'InvalidAccessKeyId');
    expect((await t.clients(newKey).peerlink.whoami()).accountId).toBe(first.accountId);

    // Deleting it again: the key is gone.
    problem(
      await send(admin, 'DELETE', `/api/v1/accounts/${first.accountId}/keys/${first.accessKeyId}`),
      404,
      'NoSuchObject',
    );
  });

  it('refuses to delete the last key of an account with a 409 LastAccessKey problem', async () => {
    const created = await t.clients(admin).peerlink.createAccount();
    const body = problem(
      await send(admin, 'DELETE', `/api/v1/accounts/${created.accountId}/keys/${created.accessKeyId}`),
      409,
      'OperationDenied',
    );
    expect(body.reason).toBe('LastAccessKey');
    expect(body.type).toContain('LastAccessKey');
    await t.clients({ ak: created.accessKeyId, sk: created.secretAccessKey }).vpc.listVpcs();
  });

  it("refuses to delete a key through another account's path", async () => {
    const { peerlink } = t.clients(admin);
    const one = await peerlink.createAccount();
    const two = await peerlink.createAccount();
    await peerlink.createAccessKey(one.accountId);
    problem(
      await send(admin, 'DELETE', `/api/v1/accounts/${two.accountId}/keys/${one.accessKeyId}`),
      404,
      'NoSuchObject',
    );
    await t.clients({ ak: one.accessKeyId, sk: one.secretAccessKey }).vpc.listVpcs();
  });
});

describe('the admin API for ordinary accounts', () => {
  it('answers every admin endpoint with a 403 AccessDenied problem', async () => {
    const tenant = await t.newAccount();
    const id = tenant.accountId;
    for (const [method, path, body] of [
      ['POST', '/api/v1/accounts', '{}'],
      ['GET', '/api/v1/accounts', undefined],
      ['GET', `/api/v1/accounts/${id}`, undefined],
      ['GET', `/api/v1/accounts/${t.admin.accountId}`, undefined],
      ['GET', `/api/v1/accounts/${id}/keys`, undefined],
      ['POST', `/api/v1/accounts/${id}/keys`, undefined],
      ['DELETE', `/api/v1/accounts/${id}/keys/${tenant.credentials.ak}`, undefined],
      ['DELETE', `/api/v1/accounts/${t.admin.accountId}/keys/${t.admin.accessKeyId}`, undefined],
    ] as const) {
      const answer = await send(tenant.credentials, method, path, body === undefined ? {} : { body });
      const refused = problem(answer, 403, 'AccessDenied');
      expect(refused.title).toBe('AccessDenied');
    }
    const sdk = await refusal(tenant.peerlink.listAccounts(), PeerlinkApiError);
    expect([sdk.statusCode, sdk.code]).toEqual([403, 'AccessDenied']);
    // Nothing changed: the tenant still has its one key, the admin its own.
    expect((await t.clients(admin).peerlink.listAccessKeys(id)).keys).toHaveLength(1);
    expect(await t.clients(admin).peerlink.whoami()).toMatchObject({ accountId: t.admin.accountId });
  });

  it('lets any account call /api/v1/whoami', async () => {
    const tenant = await t.newAccount();
    expect(await tenant.peerlink.whoami()).toEqual({
      accountId: tenant.accountId,
      isAdmin: false,
      region: 'bj',
    });
    expect(await t.clients(tenant.credentials, 'gz').peerlink.whoami()).toMatchObject({ region: 'gz' });
    expect(await t.clients(admin).peerlink.whoami()).toEqual({
      accountId: t.admin.accountId,
      isAdmin: true,
      region: 'bj',
    });
  });

  it('refuses unsigned calls with a 403 problem', async () => {
    const answer = await fetch(`${t.endpoint()}/api/v1/whoami`);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await answer.json()) as { code: string; requestId: string };
    expect(body.code).toBe('AccessDenied');
    expect(body.requestId).toBe(answer.headers.get('x-bce-request-id'));
  });
});
