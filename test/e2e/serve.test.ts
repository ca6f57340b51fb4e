import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BceServiceError, PeerlinkClient, RouteClient, SubnetClient, VpcClient } from '@peerlink/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { adminFromBanner, runCli, type ServeProcess, spawnServe } from './support/process.js';

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const process = await spawnServe(args, env);
  running.push(process);
  return process;
}

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'peerlink-e2e-'));

describe('peerlink serve', () => {
  it('prints the administrator credentials once, and keeps everything across a restart', async () => {
    const dir = dataDir();
    const first = await serve(['--data-dir', dir]);
    const admin = adminFromBanner(first.stderr());
    const credentials = { ak: admin.ak, sk: admin.sk };
    const created = await new PeerlinkClient({ endpoint: first.endpoint, credentials }).createAccount({
      name: 'tenant',
    });
    const tenant = { ak: created.accessKeyId, sk: created.secretAccessKey };
    const vpcs = new VpcClient({ endpoint: first.endpoint, credentials: tenant });
    const { vpcId } = await vpcs.createVpc({ name: 'kept', cidr: '10.0.0.0/16' });
    const { subnetId } = await new SubnetClient({
      endpoint: first.endpoint,
      credentials: tenant,
    }).createSubnet({
      vpcId,
      name: 'kept',
      zoneName: 'cn-bj-a',
      cidr: '10.0.1.0/24',
    });
    const routes = new RouteClient({ endpoint: first.endpoint, credentials: tenant });
    const { routeTableId } = await routes.getRouteTable({ vpcId });
    const { routeRuleId } = await routes.createRouteRule({
      routeTableId,
      sourceAddress: '10.0.1.0/24',
      destinationAddress: '192.168.0.0/16',
      nexthopId: 'i-custom',
      nexthopType: 'custom',
    });
    expect(await first.stop()).toBe(0);

    const second = await serve(['--data-dir', dir]);
    expect(second.stderr()).not.toContain('secret access key');
    const after = { endpoint: second.endpoint, credentials: tenant };
    expect(await new VpcClient(after).getVpc(vpcId)).toMatchObject({
      vpcId,
      name: 'kept',
      subnets: [expect.objectContaining({ subnetId })],
    });
    expect(
      (await new RouteClient(after).getRouteTable({ vpcId })).routeRules.map((r) => r.routeRuleId),
    ).toEqual([routeRuleId]);
    expect((await new PeerlinkClient({ endpoint: second.endpoint, credentials }).whoami()).isAdmin).toBe(
      true,
    );
  });

  it('shows the generated password of the admin user once', async () => {
    const dir = dataDir();
    const first = await serve(['--data-dir', dir]);
    const password = /username: admin\s+password: (\S+)/.exec(first.stderr())?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(
      (await new PeerlinkClient({ endpoint: first.endpoint }).login('admin', password!)).user,
    ).toMatchObject({
      isAdmin: true,
    });
    expect(await first.stop()).toBe(0);
    const second = await serve(['--data-dir', dir]);
    expect(second.stderr() + second.stdout()).not.toContain(password);
  });

  it('takes the administrator credentials from the environment and never prints the secrets', async () => {
    const env = {
      PEERLINK_ADMIN_AK: 'automation-ak-0001',
      PEERLINK_ADMIN_SK: 'automation-sk-secret-0001',
      PEERLINK_ADMIN_PASSWORD: 'automation password secret 0001',
    };
    const dir = dataDir();
    // At info level too, so that the request and start-up log lines are searched as well.
    const server = await serve(['--data-dir', dir, '--log-level', 'info'], env);
    const credentials = { ak: env.PEERLINK_ADMIN_AK, sk: env.PEERLINK_ADMIN_SK };
    const who = await new PeerlinkClient({ endpoint: server.endpoint, credentials }).whoami();
    expect(who).toMatchObject({ isAdmin: true, region: 'bj' });
    const login = await new PeerlinkClient({ endpoint: server.endpoint }).login(
      'admin',
      env.PEERLINK_ADMIN_PASSWORD,
    );
    expect(login.user).toMatchObject({ isAdmin: true });
    expect(await server.stop()).toBe(0);

    const printed = server.stderr() + server.stdout();
    expect(printed).toContain('peerlink serving');
    expect(printed).not.toContain(env.PEERLINK_ADMIN_SK);
    expect(printed).not.toContain(env.PEERLINK_ADMIN_PASSWORD);
    expect(server.stderr()).not.toMatch(/secret access key:/);
    // Said, without the secrets: the operator learns the configured ones took effect.
    expect(server.stderr()).toMatch(/configured.*PEERLINK_ADMIN_SK/);
    expect(server.stderr()).toContain('access key id:     automation-ak-0001');
    expect(server.stderr()).toMatch(/username: admin\s+password: as configured/);

    // A later start adds the configured key to the existing administrator: still nothing printed.
    const again = await serve(['--data-dir', dir, '--log-level', 'info'], env);
    await new PeerlinkClient({ endpoint: again.endpoint, credentials }).whoami();
    expect(await again.stop()).toBe(0);
    expect(again.stderr() + again.stdout()).not.toContain(env.PEERLINK_ADMIN_SK);
  });

  it('serves extra regions on their own ports, each resource in its own region', async () => {
    const server = await serve(['--data-dir', dataDir(), '--region-port', 'gz=0']);
    const gzEndpoint = /Serving region gz at (http:\/\/\S+)/.exec(server.stderr())?.[1];
    expect(gzEndpoint).toBeDefined();
    const admin = adminFromBanner(server.stderr());
    const credentials = { ak: admin.ak, sk: admin.sk };
    const { vpcId } = await new VpcClient({ endpoint: gzEndpoint!, credentials }).createVpc({
      name: 'in-gz',
      cidr: '10.0.0.0/16',
    });
    const fromBj = await new VpcClient({ endpoint: server.endpoint, credentials })
      .getVpc(vpcId)
      .catch((e) => e);
    expect(fromBj).toBeInstanceOf(BceServiceError);
    expect((fromBj as BceServiceError).code).toBe('NoSuchObject');
  });

  it('refuses a bad configuration with a clear message and a non-zero exit', async () => {
    const result = await runCli(['serve', '--data-dir', dataDir(), '--region', 'mars']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown region "mars"');
  });
});

describe('peerlink accounts', () => {
  it('creates and lists accounts and keys through the API', async () => {
    const server = await serve(['--data-dir', dataDir()]);
    const admin = adminFromBanner(server.stderr());
    const env = { PEERLINK_ENDPOINT: server.endpoint, PEERLINK_AK: admin.ak, PEERLINK_SK: admin.sk };
    const created = await runCli(['accounts', 'create', '--name', 'team-a', '--output', 'json'], env);
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout);
    expect(account.accountId).toMatch(/^[0-9a-f]{32}$/);

    const listed = await runCli(['accounts', 'list'], env);
    expect(listed.stdout).toMatch(/ACCOUNTID\s+NAME\s+ADMIN/);
    expect(listed.stdout).toContain('team-a');

    const key = JSON.parse(
      (await runCli(['accounts', 'keys', 'create', account.accountId, '-o', 'json'], env)).stdout,
    );
    const keys = JSON.parse(
      (await runCli(['accounts', 'keys', 'list', account.accountId, '-o', 'json'], env)).stdout,
    );
    expect(keys.keys.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([
      account.accessKeyId,
      key.accessKeyId,
    ]);
    expect(JSON.stringify(keys)).not.toContain(key.secretAccessKey);

    const titled = await runCli(['enrollment', 'title', 'Data Platform', '-o', 'json'], env);
    expect(JSON.parse(titled.stdout)).toMatchObject({ platformTitle: 'Data Platform' });
    const shown = await runCli(['enrollment', 'show'], env);
    expect(shown.stdout).toMatch(/platformTitle\s+Data Platform/);
    const audit = await runCli(['audit', 'list'], env);
    expect(audit.stdout).toMatch(/SetPlatformTitle/);
    expect(audit.stdout).toMatch(/CreateAccessKey/);

    const denied = await runCli(['accounts', 'list'], {
      ...env,
      PEERLINK_AK: account.accessKeyId,
      PEERLINK_SK: account.secretAccessKey,
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('administrator');
  });
});
