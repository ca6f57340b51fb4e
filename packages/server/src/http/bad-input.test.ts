import { createHash } from 'node:crypto';
import type { Credentials } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { type SignedRequestInput, type SignedResponse, signedRequest } from '../testing/signed-request.js';

const BCE_JSON = 'application/json;charset=UTF-8';

let t: TestServer;
let credentials: Credentials;
beforeAll(async () => {
  t = await startTestServer();
  ({ credentials } = await t.newAccount());
});
afterAll(() => t.close());

type Call = Omit<SignedRequestInput, 'endpoint' | 'credentials' | 'method' | 'path'>;

function send(method: string, path: string, options: Call = {}): Promise<SignedResponse> {
  return signedRequest({ endpoint: t.endpoint(), credentials, method, path, ...options });
}

/** A JSON body, sent as `application/json` unless the call says otherwise. */
function json(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Call {
  return { body, headers };
}

/** Checks the BCE error envelope and answers it. */
function bceError(answer: SignedResponse): { code: string; message: string; requestId: string } {
  expect(answer.headers['content-type']).toBe(BCE_JSON);
  const body = JSON.parse(answer.text);
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.requestId).toBe(answer.headers['x-bce-request-id']);
  return body;
}

function expectError(answer: SignedResponse, status: number, code: string) {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  const body = bceError(answer);
  expect(body.code).toBe(code);
  return body;
}

/** Checks a successful BCE answer and answers its body. */
function ok(answer: SignedResponse): Record<string, unknown> {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status: 200 });
  expect(answer.headers['content-type']).toBe(BCE_JSON);
  return JSON.parse(answer.text);
}

let vpcCount = 0;
async function newVpc(): Promise<string> {
  vpcCount += 1;
  const body = JSON.stringify({ name: `vpc${vpcCount}`, cidr: '10.0.0.0/16' });
  return ok(await send('POST', '/v1/vpc', json(body))).vpcId as string;
}

describe('request bodies on the BCE API', () => {
  it('refuses a body that is not JSON with 400 MalformedJSON', async () => {
    for (const body of ['{"name": ', 'name=x', '{"name": "x",}']) {
      expectError(await send('POST', '/v1/vpc', json(body)), 400, 'MalformedJSON');
    }
  });

  it('refuses the NUL character in a body, a path or a query with 400, on every database', async () => {
    const body = JSON.stringify({ name: 'nul', cidr: '10.0.0.0/16', description: 'a\u0000b' });
    expectError(await send('POST', '/v1/vpc', json(body)), 400, 'InappropriateJSON');
    expectError(await send('GET', '/v1/peerconn/peerconn-%00x'), 400, 'InvalidURI');
    expectError(await send('GET', '/v1/peerconn', { query: 'vpcId=a%00' }), 400, 'InvalidURI');
  });

  it('refuses JSON that is not an object with 400 InappropriateJSON', async () => {
    for (const body of ['[]', '[{"name": "x", "cidr": "10.0.0.0/16"}]', '"vpc"', '42', 'true']) {
      expectError(await send('POST', '/v1/vpc', json(body)), 400, 'InappropriateJSON');
    }
  });

  it('refuses fields of the wrong type with 400 InappropriateJSON naming the field', async () => {
    for (const [fields, field] of [
      [{ cidr: 10 }, 'cidr'],
      [{ cidr: '10.0.0.0/16', enableIpv6: 'yes' }, 'enableIpv6'],
      [{ cidr: '10.0.0.0/16', description: 7 }, 'description'],
      [{ cidr: '10.0.0.0/16', tags: [{ tagKey: 1 }] }, 'tags'],
    ] as const) {
      const answer = await send('POST', '/v1/vpc', json(JSON.stringify({ name: 'typed', ...fields })));
      expect(expectError(answer, 400, 'InappropriateJSON').message).toContain(field);
    }
    const missing = await send('POST', '/v1/vpc', json('{"name": "no-cidr"}'));
    expect(expectError(missing, 400, 'InappropriateJSON').message).toContain('cidr');
  });

  it('reads null for an optional field as absent and ignores unknown fields', async () => {
    const withNull = ok(
      await send(
        'POST',
        '/v1/vpc',
        json('{"name": "nulls", "cidr": "10.0.0.0/16", "description": null, "enableIpv6": null}'),
      ),
    );
    const shown = ok(await send('GET', `/v1/vpc/${withNull.vpcId}`));
    expect(shown.vpc).toMatchObject({ name: 'nulls', description: '', ipv6Cidr: '' });
    const withUnknown = ok(
      await send(
        'POST',
        '/v1/vpc',
        json('{"name": "extra", "cidr": "10.0.0.0/16", "colour": "red", "nested": {"a": [1]}}'),
      ),
    );
    expect(withUnknown.vpcId).toMatch(/^vpc-/);
  });

  it('parses a JSON body whatever its Content-Type says, or without one', async () => {
    const variants: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/json; charset=utf-8' },
    ];
    for (const [i, headers] of variants.entries()) {
      const name = `ct${i}`;
      const answer = await send(
        'POST',
        '/v1/vpc',
        json(JSON.stringify({ name, cidr: '10.0.0.0/16' }), headers),
      );
      expect(ok(answer).vpcId).toMatch(/^vpc-/);
    }
  });

  it('takes an empty body on DELETE and on a PUT with Content-Length 0', async () => {
    const vpcId = await newVpc();
    const relay = await send('PUT', `/v1/vpc/openRelay/${vpcId}`, {
      headers: { 'content-type': 'application/json', 'content-length': '0' },
    });
    expect(ok(relay)).toEqual({});
    const modify = await send('PUT', `/v1/vpc/${vpcId}`, {
      query: 'modifyAttribute',
      headers: { 'content-type': 'application/json', 'content-length': '0' },
    });
    expect(ok(modify)).toEqual({});
    expect(ok(await send('DELETE', `/v1/vpc/${vpcId}`))).toEqual({});
    expectError(await send('GET', `/v1/vpc/${vpcId}`), 404, 'NoSuchObject');
    // As the Go SDK sends it: a JSON type on a bodiless DELETE.
    const other = await newVpc();
    const deleted = await send('DELETE', `/v1/vpc/${other}`, {
      headers: { 'content-type': 'application/json;charset=utf-8', 'content-length': '0' },
    });
    expect(ok(deleted)).toEqual({});
  });

  it('checks a Content-MD5: 400 BadDigest when it does not match, accepted when it does', async () => {
    const body = JSON.stringify({ name: 'digest', cidr: '10.0.0.0/16' });
    const md5 = createHash('md5').update(body).digest('base64');
    const wrong = createHash('md5').update(`${body} `).digest('base64');
    const refused = await send('POST', '/v1/vpc', { body, headers: { 'content-md5': wrong } });
    expectError(refused, 400, 'BadDigest');
    const accepted = await send('POST', '/v1/vpc', { body, headers: { 'content-md5': md5 } });
    expect(ok(accepted).vpcId).toMatch(/^vpc-/);
  });

  it('refuses a body over 1 MiB with 413 and a BCE body, and keeps serving', async () => {
    const padding = 'x'.repeat(1024 * 1024);
    const body = JSON.stringify({ name: 'big', cidr: '10.0.0.0/16', description: padding });
    const answer = await send('POST', '/v1/vpc', json(body));
    expect(answer.status).toBe(413);
    bceError(answer);
    expect(ok(await send('GET', '/v1/vpc'))).toHaveProperty('vpcs');
  });
});

describe('URIs and query parameters on the BCE API', () => {
  it('answers an unknown operation with 404 InvalidURI and another version with 404 InvalidVersion', async () => {
    expectError(await send('GET', '/v1/nothing'), 404, 'InvalidURI');
    expectError(await send('POST', '/v1/nothing', json('{}')), 404, 'InvalidURI');
    expectError(await send('GET', '/v2/vpc'), 404, 'InvalidVersion');
    expectError(await send('DELETE', '/v3/vpc/vpc-abc'), 404, 'InvalidVersion');
  });

  it('refuses a marker of another kind with 400 BadRequest', async () => {
    expectError(await send('GET', '/v1/vpc', { query: 'marker=rt-xxx' }), 400, 'BadRequest');
  });

  it('refuses a maxKeys that is not a number and clamps a large one to 1000', async () => {
    expectError(await send('GET', '/v1/vpc', { query: 'maxKeys=abc' }), 400, 'BadRequest');
    expectError(await send('GET', '/v1/vpc', { query: 'maxKeys=-1' }), 400, 'BadRequest');
    expect(ok(await send('GET', '/v1/vpc', { query: 'maxKeys=5000' })).maxKeys).toBe(1000);
    expect(ok(await send('GET', '/v1/vpc', { query: 'maxKeys=7' })).maxKeys).toBe(7);
  });

  it('answers malformed percent-encoding with a 4xx BCE error, never a 5xx', async () => {
    for (const [path, query] of [
      ['/v1/vpc/%zz', undefined],
      ['/v1/vpc/%', undefined],
      ['/v1/vpc/%C3%28', undefined],
      ['/v1/%zz', undefined],
      ['/v1/vpc', 'marker=%zz'],
      ['/v1/vpc', '%zz=1'],
      ['/v1/vpc', 'maxKeys=%E0%A4%A'],
      ['/v1/nothing', 'a=%zz'],
      ['/v2/vpc', '%'],
    ] as const) {
      const answer = await send('GET', path, query === undefined ? {} : { query });
      expect(answer.status, `${path}?${query ?? ''}: ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${path}?${query ?? ''}: ${answer.text}`).toBeLessThan(500);
      bceError(answer);
    }
    // Before any credentials are looked at: the router parses the query first.
    for (const url of ['/v1/vpc?marker=%zz', '/healthz?%zz', '/nothing?x=%']) {
      const unsigned = await fetch(`${t.endpoint()}${url}`);
      expect(unsigned.status, url).toBe(400);
      expect(((await unsigned.json()) as { code: string }).code).toBe('InvalidURI');
    }
    // The server is still up.
    expect(ok(await send('GET', '/v1/vpc'))).toHaveProperty('vpcs');
  });

  it('answers an over-long path segment with a 4xx BCE error', async () => {
    const answer = await send('GET', `/v1/vpc/vpc-${'a'.repeat(300)}`);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    bceError(answer);
  });
});

describe('answers on the BCE API', () => {
  it('sends every error as JSON with the requestId of its x-bce-request-id', async () => {
    const unsigned = await fetch(`${t.endpoint()}/v1/vpc`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe(BCE_JSON);
    const body = (await unsigned.json()) as { code: string; requestId: string };
    expect(body.code).toBe('AccessDenied');
    expect(body.requestId).toBe(unsigned.headers.get('x-bce-request-id'));
    for (const answer of [
      await send('GET', '/v1/vpc/vpc-000000000000'),
      await send('POST', '/v1/vpc', json('{')),
      await send('GET', '/v1/nothing'),
    ]) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      bceError(answer);
    }
  });

  it('sends an empty success as {} with a Content-Length, never chunked', async () => {
    const vpcId = await newVpc();
    for (const answer of [
      await send('PUT', `/v1/vpc/openRelay/${vpcId}`),
      await send('PUT', `/v1/vpc/${vpcId}`, { query: 'modifyAttribute', ...json('{"description": "d"}') }),
      await send('DELETE', `/v1/vpc/${vpcId}`),
    ]) {
      expect(ok(answer)).toEqual({});
      expect(answer.headers['content-length']).toBe('2');
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(answer.headers['x-bce-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
