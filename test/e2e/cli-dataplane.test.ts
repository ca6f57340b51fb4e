import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Finished,
  PEERLINK_BIN,
  REPO_ROOT,
  runCli,
  runNode,
  type ServeProcess,
  spawnServe,
} from './support/process.js';

/**
 * The dataplane through the built `peerlink` binary (the none driver): endpoints, status, exec's
 * refusals, and `serve --dataplane linux` refusing to start in one sentence where it cannot work.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-cli-dataplane-'));
const env = {
  PEERLINK_CONFIG_FILE: path.join(dir, 'config.toml'),
  PEERLINK_AK: '',
  PEERLINK_SK: '',
  PEERLINK_TOKEN: '',
  PEERLINK_ENDPOINT: '',
  PEERLINK_PROFILE: '',
};
let server: ServeProcess;
let aliceEnv: Record<string, string>;

beforeAll(async () => {
  server = await spawnServe(['--data-dir', path.join(dir, 'data')], {
    PEERLINK_ADMIN_AK: 'admin-ak-0001',
    PEERLINK_ADMIN_SK: 'admin-sk-0001',
  });
  await peerlink(
    'configure',
    '--endpoint',
    server.endpoint,
    '--ak',
    'admin-ak-0001',
    '--sk',
    'admin-sk-0001',
  );
  const alice = await json('accounts', 'create', '--name', 'alice');
  aliceEnv = {
    PEERLINK_ENDPOINT: server.endpoint,
    PEERLINK_AK: alice.accessKeyId,
    PEERLINK_SK: alice.secretAccessKey,
  };
  await peerlink(
    'configure',
    '--profile',
    'alice',
    '--endpoint',
    server.endpoint,
    '--ak',
    alice.accessKeyId,
    '--sk',
    alice.secretAccessKey,
  );
});
afterAll(() => server.stop());

async function peerlink(...args: string[]) {
  const result = await runCli(args, env);
  if (result.code !== 0)
    throw new Error(`peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const json = async (...args: string[]) => JSON.parse((await peerlink(...args, '--output', 'json')).stdout);

/** Runs the CLI as another user (uid 65534), to see what a non-root caller is told. */
async function asNobody(args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, [PEERLINK_BIN, ...args], {
    cwd: REPO_ROOT,
    // The profiles file is root's (mode 0600): the credentials come from the environment.
    env: { ...process.env, ...env, ...aliceEnv, PEERLINK_CONFIG_FILE: '/nonexistent/config.toml' },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: 65534,
    gid: 65534,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

describe('peerlink dataplane', () => {
  it('creates, lists, gets and deletes endpoints, and shows their status', async () => {
    const { vpcId } = await json(
      'vpc',
      'create',
      '--profile',
      'alice',
      '--name',
      'v',
      '--cidr',
      '10.1.0.0/16',
    );
    const { subnetId } = await json(
      'subnet',
      'create',
      '--profile',
      'alice',
      '--vpc',
      vpcId,
      '--name',
      's',
      '--zone',
      'cn-bj-a',
      '--cidr',
      '10.1.0.0/24',
    );
    const web = await json(
      'dataplane',
      'endpoint',
      'create',
      '--profile',
      'alice',
      '--subnet',
      subnetId,
      '--name',
      'web',
    );
    expect(web).toMatchObject({
      subnetId,
      vpcId,
      name: 'web',
      ip: '10.1.0.2',
      endpointId: expect.stringMatching(/^ep-/),
    });
    const table = await peerlink(
      'dataplane',
      'endpoint',
      'create',
      '--profile',
      'alice',
      '--subnet',
      subnetId,
      '--name',
      'db',
    );
    expect(table.stdout).toMatch(/^ENDPOINTID\s+NAME\s+IP\s+NETNS\n/);
    expect(table.stdout).toMatch(/db\s+10\.1\.0\.3/);

    const byVpc = await json('dataplane', 'endpoint', 'list', '--profile', 'alice', '--vpc', vpcId);
    expect(byVpc.map((e: { name: string }) => e.name)).toEqual(['web', 'db']);
    const bySubnet = await json('dataplane', 'endpoint', 'list', '--profile', 'alice', '--subnet', subnetId);
    expect(bySubnet).toEqual(byVpc);
    expect(await json('dataplane', 'endpoint', 'get', '--profile', 'alice', web.endpointId)).toEqual(web);

    const status = await json('dataplane', 'status', '--profile', 'alice');
    expect(status.driver).toBe('none');
    expect(status.vpcs.map((v: { id: string }) => v.id)).toEqual([vpcId]);
    expect(status.endpoints.map((e: { id: string }) => e.id)).toContain(web.endpointId);
    expect((await peerlink('dataplane', 'status', '--profile', 'alice')).stdout).toMatch(
      /^driver none, last pass /,
    );

    await peerlink('dataplane', 'endpoint', 'delete', '--profile', 'alice', web.endpointId);
    const gone = await runCli(['dataplane', 'endpoint', 'get', '--profile', 'alice', web.endpointId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('EndpointNotFound');
  });

  it('exec says clearly when the namespace is not on this host, or the caller is not root', async () => {
    const { vpcId } = await json(
      'vpc',
      'create',
      '--profile',
      'alice',
      '--name',
      'x',
      '--cidr',
      '10.2.0.0/16',
    );
    const { subnetId } = await json(
      'subnet',
      'create',
      '--profile',
      'alice',
      '--vpc',
      vpcId,
      '--name',
      's',
      '--zone',
      'cn-bj-a',
      '--cidr',
      '10.2.0.0/24',
    );
    const ep = await json(
      'dataplane',
      'endpoint',
      'create',
      '--profile',
      'alice',
      '--subnet',
      subnetId,
      '--name',
      'app',
    );
    const args = ['dataplane', 'exec', '--profile', 'alice', ep.endpointId, '--', 'true'];
    if (process.getuid?.() === 0) {
      const missing = await runCli(args, env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(
        `peerlink: the network namespace ${ep.netns} of ${ep.endpointId} does not exist on this host: run this where "peerlink serve --dataplane linux" runs, once the endpoint is programmed (peerlink dataplane status)\n`,
      );
      // With the namespace there (made by hand: the none driver makes none), the command runs in
      // it with the terminal's stdio and its own exit code.
      const made = await runNode([
        '-e',
        `require('node:child_process').execFileSync('ip', ['netns', 'add', '${ep.netns}'])`,
      ]);
      if (made.code === 0) {
        try {
          const inside = await runCli(
            [
              'dataplane',
              'exec',
              '--profile',
              'alice',
              ep.endpointId,
              '--',
              'sh',
              '-c',
              'echo inside; exit 7',
            ],
            env,
          );
          expect([inside.code, inside.stdout]).toEqual([7, 'inside\n']);
        } finally {
          await runNode([
            '-e',
            `require('node:child_process').execFileSync('ip', ['netns', 'del', '${ep.netns}'])`,
          ]);
        }
      }
      const nobody = await asNobody(args.filter((arg) => arg !== '--profile' && arg !== 'alice'));
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toMatch(/needs root: run it with sudo on the dataplane host\n$/);
    } else {
      const notRoot = await runCli(args, env);
      expect(notRoot.code).toBe(1);
      expect(notRoot.stderr).toMatch(/needs root/);
    }
  });

  it('refuses to serve with a driver that cannot work here, in one sentence and no stack', async () => {
    // No iproute2 on an empty PATH (and, before the linux driver is part of the build, no driver).
    const result = await runCli(
      ['serve', '--data-dir', path.join(dir, 'linux'), '--port', '0', '--dataplane', 'linux'],
      {
        ...env,
        PATH: '',
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^peerlink: the linux dataplane cannot start: [^\n]+\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says once which dataplane cannot start without CAP_NET_ADMIN', async () => {
    if (process.getuid?.() !== 0) return; // not root: the capability is missing anyway
    const result = await runNode([
      '-e',
      `const r=require('node:child_process').spawnSync('setpriv',['--inh-caps=-net_admin','--bounding-set=-net_admin',` +
        `process.execPath,${JSON.stringify(PEERLINK_BIN)},'serve','--data-dir',${JSON.stringify(path.join(dir, 'nocap'))},` +
        `'--port','0','--dataplane','linux'],{encoding:'utf8'});if(r.error){console.log('no setpriv');process.exit(0)}` +
        `process.stderr.write(r.stderr);process.exit(r.status)`,
    ]);
    if (result.stdout.includes('no setpriv')) return;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'peerlink: the linux dataplane cannot start: it needs CAP_NET_ADMIN (run peerlink serve as root or grant the capability); use --dataplane none to run without one\n',
    );
  });

  it('refuses a bad driver name or prefix as a usage mistake', async () => {
    const bad = await runCli(['serve', '--data-dir', path.join(dir, 'bad'), '--dataplane', 'ebpf'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^peerlink: flags: \/dataplane /);
    const prefix = await runCli(
      ['serve', '--data-dir', path.join(dir, 'bad'), '--dataplane-prefix', 'Nope!'],
      env,
    );
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toMatch(/dataplanePrefix/);
  });
});
