import type { Credentials } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../json-depth.js';
import { capturedLog, startTestServer, type TestServer } from '../testing/harness.js';
import { rawRequest } from '../testing/raw-request.js';
import { signedRequest } from '../testing/signed-request.js';

/** `depth` objects nested in each other: `{"a":{"a":...{}}}`. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

const log = capturedLog();
let t: TestServer;
let credentials: Credentials;
beforeAll(async () => {
  t = await startTestServer({ overrides: { logLevel: 'info' }, logStream: log.stream });
  ({ credentials } = await t.newAccount());
});
afterAll(() => t.close());

const port = () => Number(new URL(t.endpoint()).port);
const errorLines = () => log.lines.filter((line) => (line.level as number) >= 50);

describe('JSON nesting limit', () => {
  it('refuses 10,000 nested objects on the Peerlink API with 400 problem+json, unauthenticated, logging no error', async () => {
    const answer = await rawRequest({
      port: port(),
      method: 'POST',
      path: '/api/v1/sessions',
      headers: { 'content-type': 'application/json' },
      body: nested(10_000),
    });
    expect({ status: answer.status, type: answer.headers['content-type'] }).toEqual({
      status: 400,
      type: 'application/problem+json; charset=utf-8',
    });
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'MalformedJSON', reason: 'JsonTooDeep' });
    expect(errorLines()).toEqual([]);
  });

  it('refuses 10,000 nested arrays on the BCE API with a 400 BCE error, logging no error', async () => {
    const body = `{"name":"deep","cidr":"10.0.0.0/16","tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const answer = await signedRequest({
      endpoint: t.endpoint(),
      credentials,
      method: 'POST',
      path: '/v1/vpc',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'MalformedJSON', reason: 'JsonTooDeep' });
    expect(errorLines()).toEqual([]);
  });

  it(`takes nesting up to ${MAX_JSON_DEPTH} levels, and brackets inside strings do not count`, async () => {
    const send = (name: string, extra: string) =>
      signedRequest({
        endpoint: t.endpoint(),
        credentials,
        method: 'POST',
        path: '/v1/vpc',
        headers: { 'content-type': 'application/json' },
        // An unknown field is ignored, so only the nesting decides.
        body: `{"name":"${name}","cidr":"10.0.0.0/16","description":"${'{['.repeat(50)}","x":${extra}}`,
      });
    // The outer object is one level.
    const within = await send('within', nested(MAX_JSON_DEPTH - 1));
    expect({ status: within.status, text: within.text }).toMatchObject({ status: 200 });
    const over = await send('over', nested(MAX_JSON_DEPTH));
    expect({ status: over.status, code: JSON.parse(over.text).code }).toEqual({
      status: 400,
      code: 'MalformedJSON',
    });
  });
});
