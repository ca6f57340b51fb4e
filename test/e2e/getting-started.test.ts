import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminFromBanner, REPO_ROOT, runNode, type ServeProcess, spawnServe } from './support/process.js';

let server: ServeProcess | undefined;
afterAll(() => server?.stop());

describe('docs/getting-started.md', () => {
  it('its example script creates a VPC, a subnet and a route rule against a fresh server', async () => {
    server = await spawnServe(['--data-dir', mkdtempSync(path.join(tmpdir(), 'peerlink-gs-'))]);
    const admin = adminFromBanner(server.stderr());
    const result = await runNode([path.join(REPO_ROOT, 'examples/create-vpc.mjs')], {
      PEERLINK_ENDPOINT: server.endpoint,
      PEERLINK_AK: admin.ak,
      PEERLINK_SK: admin.sk,
    });
    expect(result.stderr).toBe('');
    const printed = JSON.parse(result.stdout);
    expect(printed.vpc).toMatchObject({ name: 'getting-started', cidr: '10.10.0.0/16' });
    expect(printed.vpc.subnets).toHaveLength(1);
    expect(printed.routeRules).toEqual([
      expect.objectContaining({ destinationAddress: '0.0.0.0/0', nexthopType: 'nat' }),
    ]);
  });
});
