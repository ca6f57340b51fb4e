import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServeProcess, spawnServe } from './support/process.js';

/**
 * Spaces and network policies through the built `peerlink` binary, each command its own process:
 * the administrator creates a space with a second manager and edits the ingress allow-list.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-cli-spaces-'));
const env = {
  PEERLINK_CONFIG_FILE: path.join(dir, 'config.toml'),
  PEERLINK_AK: '',
  PEERLINK_SK: '',
  PEERLINK_TOKEN: '',
  PEERLINK_ENDPOINT: '',
  PEERLINK_PROFILE: '',
};
let server: ServeProcess;

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
});
afterAll(() => server.stop());

async function peerlink(...args: string[]) {
  const result = await runCli(args, env);
  if (result.code !== 0)
    throw new Error(`peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const json = async (...args: string[]) => JSON.parse((await peerlink(...args, '--output', 'json')).stdout);

describe('peerlink spaces', () => {
  it('creates a space with its managers, and lists and shows it', async () => {
    const alice = await json('accounts', 'create', '--name', 'alice');
    const bob = await json('accounts', 'create', '--name', 'bob');

    const space = await json(
      'spaces',
      'create',
      'Flight data',
      '--description',
      'tracks and schedules',
      '--manager',
      alice.accountId,
      '--manager',
      bob.accountId,
    );
    expect(space).toMatchObject({
      spaceId: expect.stringMatching(/^spc-[0-9a-z]{12}$/),
      name: 'Flight data',
      description: 'tracks and schedules',
    });
    expect(space.managers).toEqual(expect.arrayContaining([alice.accountId, bob.accountId]));
    expect(space.managers).toHaveLength(3);

    const listed = await peerlink('spaces', 'list');
    expect(listed.stdout).toMatch(/^SPACEID\s+NAME\s+MANAGERS\s+CREATED/);
    expect(listed.stdout).toMatch(new RegExp(`${space.spaceId}\\s+Flight data\\s+\\S*${alice.accountId}`));
    expect((await peerlink('spaces', 'show', space.spaceId)).stdout).toContain('tracks and schedules');

    // The same name again is refused by the API: exit 1 with the reason.
    const again = await runCli(['spaces', 'create', 'Flight data'], env);
    expect([again.code, again.stderr]).toEqual([
      1,
      expect.stringContaining('OperationDenied (SpaceNameTaken)'),
    ]);
  });
});

describe('peerlink policy ingress', () => {
  it('adds rules by CIDR, enrollment and country, and lists them as a table', async () => {
    const rule = await json(
      'policy',
      'ingress',
      'add',
      '--cidr',
      '203.0.113.0/24',
      '--description',
      'office',
    );
    expect(rule).toMatchObject({
      ruleId: expect.stringMatching(/^ing-/),
      cidr: '203.0.113.0/24',
      country: null,
    });
    await peerlink('policy', 'ingress', 'add', '--country', 'de');
    await peerlink('policy', 'ingress', 'add', '--enrollment', 'enr-0000000peer1');

    const listed = await peerlink('policy', 'ingress', 'list');
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULEID\s+CIDR\s+ENROLLMENT\s+COUNTRY\s+DESCRIPTION\s+CREATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${rule.ruleId}\\s+203\\.0\\.113\\.0/24\\s+office\\s+`));
    expect(lines.slice(2).join('\n')).toMatch(/\sDE\s/);
    expect(lines.slice(2).join('\n')).toContain('enr-0000000peer1');
    expect(await json('policy', 'ingress', 'list')).toHaveLength(3);

    await peerlink('policy', 'ingress', 'remove', rule.ruleId);
    expect((await json('policy', 'ingress', 'list')).map((r: { ruleId: string }) => r.ruleId)).not.toContain(
      rule.ruleId,
    );
  });

  it('answers 2 for none or two selectors, and 1 when the API refuses the rule', async () => {
    const none = await runCli(['policy', 'ingress', 'add'], env);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('give exactly one of --cidr')]);
    const two = await runCli(['policy', 'ingress', 'add', '--cidr', '10.0.0.0/8', '--country', 'DE'], env);
    expect(two.code).toBe(2);
    const bad = await runCli(['policy', 'ingress', 'add', '--cidr', '10.0.0.1/8'], env);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('BadRequest (InvalidCidr)')]);
  });
});
