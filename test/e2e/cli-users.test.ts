import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminFromBanner,
  type Finished,
  PEERLINK_BIN,
  REPO_ROOT,
  type ServeProcess,
  spawnServe,
} from './support/process.js';

/**
 * Users through the built `peerlink` binary: the first-start banner names the admin user, an
 * administrator creates a user, the user logs in (a token lands in their profile) and works with it.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-cli-users-'));
const configFile = path.join(dir, 'config.toml');
const env = {
  PEERLINK_CONFIG_FILE: configFile,
  PEERLINK_AK: '',
  PEERLINK_SK: '',
  PEERLINK_TOKEN: '',
  PEERLINK_ENDPOINT: '',
  PEERLINK_PROFILE: '',
};
let server: ServeProcess;
let adminPassword: string;

beforeAll(async () => {
  server = await spawnServe(['--data-dir', path.join(dir, 'data')]);
  adminPassword = /username: admin\s+password: (\S+)/.exec(server.stderr())![1]!;
});
afterAll(() => server.stop());

/** Runs `peerlink …` with some standard input. */
async function run(args: string[], input = ''): Promise<Finished> {
  const child = spawn(process.execPath, [PEERLINK_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(input);
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

async function peerlink(args: string[], input = ''): Promise<Finished> {
  const result = await run(args, input);
  if (result.code !== 0)
    throw new Error(`peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const json = async (args: string[], input = '') =>
  JSON.parse((await peerlink([...args, '-o', 'json'], input)).stdout);

describe('users, login and tokens from the CLI', () => {
  it('prints the admin user once, next to the admin account', () => {
    expect(server.stderr()).toMatch(/administrator user/);
    expect(adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(adminFromBanner(server.stderr()).ak).toBeTruthy();
  });

  it('logs in, creates a user, and the user works with their token', async () => {
    const login = await json(
      ['login', '--username', 'admin', '--password-stdin', '--endpoint', server.endpoint],
      `${adminPassword}\n`,
    );
    expect(login).toMatchObject({ user: { username: 'admin', isAdmin: true }, profile: 'default' });
    const stored = readFileSync(configFile, 'utf8');
    expect(stored).toMatch(/token = "plk_[A-Za-z0-9_-]{43}"/);
    expect(stored).not.toMatch(/\bak =/);

    const alice = await json(['users', 'create', 'alice']);
    expect(alice).toMatchObject({ username: 'alice', isAdmin: false, password: expect.any(String) });
    const bob = await json(['users', 'create', 'bob', '--password-stdin'], 'bob has a long password\n');
    expect(bob).not.toHaveProperty('password');
    const short = await run(['users', 'create', 'carol', '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/PasswordTooShort.*at least 12 characters/);
    const users = await json(['users', 'list']);
    expect(users.map((u: { username: string }) => u.username)).toEqual(['admin', 'alice', 'bob']);

    await peerlink(
      [
        'login',
        '--profile',
        'alice',
        '--username',
        'alice',
        '--password-stdin',
        '--endpoint',
        server.endpoint,
      ],
      `${alice.password}\n`,
    );
    const me = await json(['users', 'show', 'me', '--profile', 'alice']);
    expect(me).toMatchObject({ userId: alice.userId, username: 'alice' });
    const tokens = await json(['tokens', 'list', '--profile', 'alice']);
    expect(tokens.tokens).toMatchObject([{ name: `cli@${hostname()}` }]);
    expect((await json(['enrollment', 'show', '--profile', 'alice'])).enrollmentId).toMatch(/^enr-/);

    const denied = await run(['users', 'create', 'mallory', '--profile', 'alice']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/AccessDenied/);
    // Tokens are for the Peerlink API; the BCE API wants AK/SK.
    const bce = await run(['vpc', 'list', '--profile', 'alice']);
    expect(bce.code).toBe(1);
    expect(bce.stderr).toMatch(/AccessDenied.*bce-auth-v1/);

    // Alice changes her own password (current first), then makes and revokes a token.
    await peerlink(
      ['users', 'passwd', 'me', '--profile', 'alice', '--password-stdin'],
      `${alice.password}\nalice new password\n`,
    );
    await peerlink(
      [
        'login',
        '--profile',
        'alice2',
        '--username',
        'alice',
        '--password-stdin',
        '--endpoint',
        server.endpoint,
      ],
      'alice new password\n',
    );
    const extra = await json(['tokens', 'create', 'scratch', '--profile', 'alice']);
    expect(extra.token).toMatch(/^plk_/);
    await peerlink(['tokens', 'revoke', extra.id, '--profile', 'alice']);
    const withExtra = await run([
      'users',
      'show',
      'me',
      '--token',
      extra.token,
      '--endpoint',
      server.endpoint,
    ]);
    expect(withExtra.code).toBe(1);
    expect(withExtra.stderr).toMatch(/InvalidToken/);

    await peerlink(['users', 'delete', bob.userId]);
    expect((await json(['users', 'list'])).map((u: { username: string }) => u.username)).toEqual([
      'admin',
      'alice',
    ]);
    // About twenty processes, each starting Node.js.
  }, 90_000);

  it('refuses a wrong password without saving anything', async () => {
    const before = readFileSync(configFile, 'utf8');
    const wrong = await run(
      ['login', '--profile', 'eve', '--username', 'alice', '--password-stdin', '--endpoint', server.endpoint],
      'not the password\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Unauthorized \(InvalidLogin\)/);
    expect(readFileSync(configFile, 'utf8')).toBe(before);
  });
});
