import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServeProcess, spawnServe } from './support/process.js';

/**
 * The README's quick start, step by step, through the built `peerlink` binary as a user runs it:
 * every command is its own process, against a real server.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-quickstart-'));
const env = {
  PEERLINK_CONFIG_FILE: path.join(dir, 'config.toml'),
  PEERLINK_AK: '',
  PEERLINK_SK: '',
  PEERLINK_ENDPOINT: '',
  PEERLINK_PROFILE: '',
};
let server: ServeProcess;
let gzEndpoint: string;

beforeAll(async () => {
  server = await spawnServe(['--data-dir', path.join(dir, 'data'), '--region-port', 'gz=0'], {
    PEERLINK_ADMIN_AK: 'admin-ak-0001',
    PEERLINK_ADMIN_SK: 'admin-sk-0001',
    PEERLINK_PEERCONN_STEP_MS: '200',
  });
  gzEndpoint = /Serving region gz at (\S+)/.exec(server.stderr())![1]!;
});
afterAll(() => server.stop());

async function peerlink(...args: string[]) {
  const result = await runCli(args, env);
  if (result.code !== 0)
    throw new Error(`peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const json = async (...args: string[]) => JSON.parse((await peerlink(...args, '--output', 'json')).stdout);

describe('README quick start', () => {
  it('runs from configure to release with two accounts in two regions', async () => {
    await peerlink(
      'configure',
      '--endpoint',
      server.endpoint,
      '--ak',
      'admin-ak-0001',
      '--sk',
      'admin-sk-0001',
    );
    expect(statSync(env.PEERLINK_CONFIG_FILE).mode & 0o777).toBe(0o600);

    const alice = await json('accounts', 'create', '--name', 'alice');
    const bob = await json('accounts', 'create', '--name', 'bob');
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
    await peerlink(
      'configure',
      '--profile',
      'bob',
      '--endpoint',
      gzEndpoint,
      '--ak',
      bob.accessKeyId,
      '--sk',
      bob.secretAccessKey,
    );

    const { vpcId: vpcA } = await json(
      'vpc',
      'create',
      '--profile',
      'alice',
      '--name',
      'alice-vpc',
      '--cidr',
      '10.1.0.0/16',
    );
    const { vpcId: vpcB } = await json(
      'vpc',
      'create',
      '--profile',
      'bob',
      '--name',
      'bob-vpc',
      '--cidr',
      '10.2.0.0/16',
    );

    const created = await peerlink(
      'peerconn',
      'create',
      '--profile',
      'alice',
      '--local-vpc',
      vpcA,
      '--peer-vpc',
      vpcB,
      '--peer-region',
      'gz',
      '--peer-account',
      bob.accountId,
      '--bandwidth',
      '10',
      '--wait',
      '-o',
      'json',
    );
    const request = JSON.parse(created.stdout);
    expect(request).toMatchObject({
      status: 'consulting',
      role: 'initiator',
      peerRegion: 'gz',
      peerAccountId: bob.accountId,
    });
    // Progress goes to standard error, one line per status when not on a terminal.
    expect(created.stderr).toContain(`${request.peerConnId}: consulting`);
    const id: string = request.peerConnId;

    expect(await json('peerconn', 'accept', id, '--profile', 'bob', '--wait')).toMatchObject({
      status: 'active',
      role: 'acceptor',
    });
    expect(
      await json('peerconn', 'resize', id, '--profile', 'alice', '--bandwidth', '20', '--wait'),
    ).toMatchObject({
      status: 'active',
      bandwidthInMbps: 20,
    });
    expect(
      await json('peerconn', 'dns', 'open', id, '--profile', 'alice', '--role', 'initiator', '--wait'),
    ).toMatchObject({
      dnsStatus: 'open',
    });
    const listed = await peerlink('peerconn', 'list', '--profile', 'alice');
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+initiator\\s+active`));

    expect(await json('peerconn', 'release', id, '--profile', 'alice', '--wait')).toMatchObject({
      status: 'deleted',
    });
  });
});

describe('exit codes and messages', () => {
  it('answers 1 with the code, reason, request id and a hint when the API refuses', async () => {
    const result = await runCli(['vpc', 'get', 'vpc-000000000000', '--profile', 'alice'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('NoSuchObject (VpcNotFound)');
    expect(result.stderr).toMatch(/request id [0-9a-f-]{36}/);
    expect(result.stderr).toContain('hint:');
  });

  it('answers 2 for usage mistakes, naming what is wrong', async () => {
    const unknown = await runCli(['vpc', 'list', '--bogus'], env);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("unknown option '--bogus'")]);
    const missing = await runCli(['vpc', 'list', '--profile', 'nobody'], env);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      expect.stringContaining('peerlink configure --profile nobody'),
    ]);
    const bandwidth = await runCli(
      ['peerconn', 'resize', 'peerconn-000000000000', '--bandwidth', 'lots', '--profile', 'alice'],
      env,
    );
    expect([bandwidth.code, bandwidth.stderr]).toEqual([
      2,
      expect.stringContaining('--bandwidth must be a whole number'),
    ]);
  });

  it('answers 1 with a hint when the server cannot be reached', async () => {
    const result = await runCli(
      ['vpc', 'list', '--profile', 'alice', '--endpoint', 'http://127.0.0.1:9'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is the server running?');
  });

  it('shows help with examples and exits 0', async () => {
    const result = await runCli(['peerconn', 'create', '--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('--peer-account');
  });
});
