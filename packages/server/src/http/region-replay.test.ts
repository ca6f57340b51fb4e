import { bceTimestamp, signRequest } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { rawRequest } from '../testing/raw-request.js';

let t: TestServer;
let account: Awaited<ReturnType<TestServer['newAccount']>>;
const portOf = (region: 'bj' | 'gz') => Number(new URL(t.endpoint(region)).port);

beforeAll(async () => {
  t = await startTestServer();
  account = await t.newAccount();
});
afterAll(() => t.close());

/** A create signed for one listener's Host (`127.0.0.1:<port>`, no region in it). */
async function signedCreate(signedFor: number, name: string) {
  const body = JSON.stringify({ name, cidr: '10.9.0.0/16' });
  const headers: Record<string, string> = {
    host: `127.0.0.1:${signedFor}`,
    'x-bce-date': bceTimestamp(new Date()),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  headers.authorization = await signRequest({
    method: 'POST',
    url: new URL(`http://127.0.0.1:${signedFor}/v1/vpc`),
    headers,
    credentials: account.credentials,
    headersToSign: ['host', 'x-bce-date'],
  });
  return { headers, body };
}

describe('the region of a signed request', () => {
  it('is the region of the listener its signed Host names, whichever listener received it', async () => {
    const captured = await signedCreate(portOf('bj'), 'signed-for-bj');
    // Replayed at gz's listener: served in bj (what was signed), never as a second VPC in gz.
    const replayed = await rawRequest({ port: portOf('gz'), method: 'POST', path: '/v1/vpc', ...captured });
    expect(replayed.status).toBe(200);
    const { vpcId } = JSON.parse(replayed.body) as { vpcId: string };
    expect((await account.vpc.getVpc(vpcId)).name).toBe('signed-for-bj');
    const inGz = await t.clients(account.credentials, 'gz').vpc.listVpcs();
    expect(inGz.vpcs.map((vpc) => vpc.name)).not.toContain('signed-for-bj');
  });
});
