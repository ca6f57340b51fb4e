import { Writable } from 'node:stream';
import { VpcClient } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { tempDataDir } from '../testing/harness.js';

const lines: Record<string, unknown>[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let server: RunningServer;
let endpoint: string;
beforeAll(async () => {
  server = await startServer(
    resolveConfig({ flags: { dataDir: tempDataDir(), port: 0, logLevel: 'info' } }),
    { logStream },
  );
  endpoint = server.endpoints.bj!;
});
afterAll(() => server.close());

describe('operations endpoints and request logs', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    expect(await (await fetch(`${endpoint}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${endpoint}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('counts requests by route and status in /metrics', async () => {
    const admin = server.createdAdmin!;
    const vpcs = new VpcClient({
      endpoint,
      credentials: { ak: admin.accessKeyId, sk: admin.secretAccessKey },
    });
    await vpcs.listVpcs();
    await vpcs.listVpcs();
    await fetch(`${endpoint}/v1/vpc`);
    const text = await (await fetch(`${endpoint}/metrics`)).text();
    expect(text).toContain('peerlink_http_requests_total{method="GET",route="/v1/vpc",status="200"} 2');
    expect(text).toContain('peerlink_http_requests_total{method="GET",route="/v1/vpc",status="403"} 1');
    expect(text).toContain('peerlink_http_request_duration_seconds_bucket');
    expect(text).toContain('peerlink_process_cpu_user_seconds_total');
  });

  it('writes one JSON line per request carrying the request id that the client saw', async () => {
    const answer = await fetch(`${endpoint}/v1/vpc?secret=1`);
    const requestId = answer.headers.get('x-bce-request-id');
    await new Promise((resolve) => setImmediate(resolve));
    const mine = lines.filter((line) => line.requestId === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      url: '/v1/vpc',
      status: 403,
      region: 'bj',
    });
  });
});
