import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../server/src/testing/harness.js';
import { PeerlinkApiError } from '../errors.js';
import { DataplaneClient } from './dataplane-client.js';
import { PeerlinkClient } from './peerlink-client.js';
import { SubnetClient } from './subnet-client.js';
import { VpcClient } from './vpc-client.js';

/** Every DataplaneClient method against a real server (the none driver), with the requests it sends. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

function recordingFetch(): { calls: string[]; fetch: typeof fetch } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      const url = new URL(String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
      return fetch(input, init);
    },
  };
}

describe('DataplaneClient', () => {
  it('creates, gets, lists (by VPC, by subnet, in pages) and deletes endpoints, and reads the status', async () => {
    const admin = new PeerlinkClient({
      endpoint: t.endpoint(),
      credentials: { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey },
    });
    const created = await admin.createAccount();
    const config = {
      endpoint: t.endpoint(),
      credentials: { ak: created.accessKeyId, sk: created.secretAccessKey },
    };
    const { vpcId } = await new VpcClient(config).createVpc({ name: 'v', cidr: '10.9.0.0/16' });
    const { subnetId } = await new SubnetClient(config).createSubnet({
      name: 's',
      zoneName: 'cn-bj-a',
      cidr: '10.9.1.0/24',
      vpcId,
    });
    const recorder = recordingFetch();
    const client = new DataplaneClient({ ...config, fetch: recorder.fetch });

    const web = await client.createEndpoint({ subnetId, name: 'web' });
    expect(web).toMatchObject({ subnetId, vpcId, name: 'web', ip: '10.9.1.2', netns: expect.any(String) });
    const api = await client.createEndpoint({ subnetId, name: 'api' });
    expect(await client.getEndpoint(web.endpointId)).toEqual(web);
    expect((await client.listEndpoints({ vpcId })).endpoints).toEqual([web, api]);
    expect((await client.listEndpoints({ subnetId, maxKeys: 1 })).nextMarker).toBe(api.endpointId);

    const status = await client.status();
    expect(status.driver).toBe('none');
    expect(status.vpcs.map((v) => v.id)).toEqual([vpcId]);
    expect(status.endpoints.map((e) => e.id).sort()).toEqual([web.endpointId, api.endpointId].sort());

    await client.deleteEndpoint(web.endpointId);
    const missing = await client.getEndpoint(web.endpointId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(PeerlinkApiError);
    expect((missing as PeerlinkApiError).reason).toBe('EndpointNotFound');

    expect(recorder.calls).toEqual([
      'POST /api/v1/dataplane/endpoints',
      'POST /api/v1/dataplane/endpoints',
      `GET /api/v1/dataplane/endpoints/${web.endpointId}`,
      `GET /api/v1/dataplane/endpoints?vpcId=${vpcId}`,
      `GET /api/v1/dataplane/endpoints?subnetId=${subnetId}&maxKeys=1`,
      'GET /api/v1/dataplane/status',
      `DELETE /api/v1/dataplane/endpoints/${web.endpointId}`,
      `GET /api/v1/dataplane/endpoints/${web.endpointId}`,
    ]);
  });
});
