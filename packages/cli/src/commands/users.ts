import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { PeerlinkApiError, PeerlinkClient, type User } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig, DEFAULT_ENDPOINT } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print, printRecord } from '../output.js';
import { configFilePath, readProfiles, writeProfile } from '../profile.js';

interface PasswordFlags {
  passwordStdin?: boolean;
}

const userRow = (u: User) => ({
  userId: u.userId,
  username: u.username,
  admin: u.isAdmin,
  created: u.createdAt,
});

async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

/** Asks on the terminal without echoing what is typed. */
async function promptHidden(label: string): Promise<string> {
  const ask = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = ask as unknown as { _writeToOutput: (text: string) => void };
  const write = output._writeToOutput.bind(ask);
  let muted = false;
  output._writeToOutput = (text) => {
    if (!muted) write(text);
  };
  try {
    const answer = ask.question(label);
    muted = true;
    return await answer;
  } finally {
    ask.close();
    process.stderr.write('\n');
  }
}

/**
 * One password per label: the lines of standard input with --password-stdin (for scripts), else
 * asked on the terminal. `confirm` asks for the last one twice.
 */
async function readPasswords(flags: PasswordFlags, labels: string[], confirm = false): Promise<string[]> {
  if (flags.passwordStdin) {
    const lines = await readStdinLines();
    const given = lines.slice(0, labels.length);
    if (given.length < labels.length || given.some((line) => line === '')) {
      throw new UsageError(
        `--password-stdin expects ${labels.length === 1 ? 'the password' : `${labels.length} lines (${labels.join(', ')})`} on standard input`,
      );
    }
    return given;
  }
  if (!process.stdin.isTTY) {
    throw new UsageError('give the password on standard input with --password-stdin (no terminal to ask on)');
  }
  const answers: string[] = [];
  for (const label of labels) answers.push(await promptHidden(`${label}: `));
  if (confirm && (await promptHidden(`${labels.at(-1)} again: `)) !== answers.at(-1)) {
    throw new UsageError('the two passwords differ');
  }
  return answers;
}

/** `peerlink users …`, `peerlink tokens …` and `peerlink login`. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage users who log in to the console and the API');

  apiCommand(
    users,
    'create <username>',
    'create a user (administrators); the generated password is shown once',
    [
      'peerlink users create alice',
      'peerlink users create ops --admin',
      'printf "%s\\n" "$PASSWORD" | peerlink users create ci --password-stdin',
    ],
  )
    .option('--admin', 'make the user an administrator')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (username: string, flags: ClientFlags & PasswordFlags & { admin?: boolean }) => {
      const client = new PeerlinkClient(clientConfig(flags));
      const [password] = flags.passwordStdin ? await readPasswords(flags, ['Password']) : [];
      const created = await client.createUser({
        username,
        ...(password !== undefined ? { password } : {}),
        ...(flags.admin ? { admin: true } : {}),
      });
      if (created.password && flags.output !== 'json') {
        process.stderr.write('Save this password now: it is not shown again.\n');
      }
      print(flags.output, created, [
        { ...userRow(created), ...(created.password ? { password: created.password } : {}) },
      ]);
    });

  apiCommand(users, 'list', 'list users (administrators)').action(async (flags: ClientFlags) => {
    const client = new PeerlinkClient(clientConfig(flags));
    const all: User[] = [];
    let marker: string | undefined;
    do {
      const page = await client.listUsers(marker ? { marker } : {});
      all.push(...page.users);
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    print(flags.output, all, all.map(userRow));
  });

  apiCommand(users, 'show <userId>', 'show a user ("me" for yourself)').action(
    async (userId: string, flags: ClientFlags) => {
      const client = new PeerlinkClient(clientConfig(flags));
      printRecord(flags.output, { ...(userId === 'me' ? await client.me() : await client.getUser(userId)) });
    },
  );

  apiCommand(users, 'delete <userId>', 'delete a user and their tokens (administrators)').action(
    async (userId: string, flags: ClientFlags) => {
      await new PeerlinkClient(clientConfig(flags)).deleteUser(userId);
      print(flags.output, { deleted: userId }, [{ deleted: userId }]);
    },
  );

  apiCommand(
    users,
    'passwd <userId>',
    'set a password: administrators for anyone, users for themselves ("me") with the current one',
    [
      'peerlink users passwd me                                  # asks for the current and the new password',
      'printf "%s\\n" "$NEW" | peerlink users passwd usr-… --password-stdin          # an administrator',
      'printf "%s\\n%s\\n" "$OLD" "$NEW" | peerlink users passwd me --password-stdin  # yourself',
    ],
  )
    .option(
      '--password-stdin',
      'read the password(s) from standard input: the current one first when it is yours',
    )
    .action(async (userId: string, flags: ClientFlags & PasswordFlags) => {
      const client = new PeerlinkClient(clientConfig(flags));
      const me = await client.me().catch((error: unknown) => {
        // An account (AK/SK) is not a user: it can only set other users' passwords.
        if (error instanceof PeerlinkApiError && error.reason === 'CallerIsAccount') return undefined;
        throw error;
      });
      if (userId === 'me' && !me) throw new UsageError('"me" needs a user\'s credentials (peerlink login)');
      const target = userId === 'me' ? me!.userId : userId;
      const self = me?.userId === target;
      const answers = await readPasswords(
        flags,
        self ? ['Current password', 'New password'] : ['New password'],
        true,
      );
      await client.setPassword(target, {
        password: answers.at(-1)!,
        ...(self ? { currentPassword: answers[0]! } : {}),
      });
      print(flags.output, { userId: target, passwordSet: true }, [{ userId: target, passwordSet: true }]);
    });

  const tokens = program.command('tokens').description("your bearer API tokens (a user's credentials)");
  apiCommand(tokens, 'create <name>', 'create a token; it is shown once', [
    'peerlink tokens create "CI deploy"',
  ]).action(async (name: string, flags: ClientFlags) => {
    const created = await new PeerlinkClient(clientConfig(flags)).createToken(name);
    if (flags.output !== 'json') process.stderr.write('Save this token now: it is not shown again.\n');
    print(flags.output, created, [{ ...created }]);
  });
  apiCommand(tokens, 'list', 'list your tokens (never the tokens themselves)').action(
    async (flags: ClientFlags) => {
      const answer = await new PeerlinkClient(clientConfig(flags)).listTokens();
      print(
        flags.output,
        answer,
        answer.tokens.map((t) => ({
          id: t.id,
          name: t.name,
          created: t.createdAt,
          lastUsed: t.lastUsedAt ?? '',
        })),
      );
    },
  );
  apiCommand(tokens, 'revoke <tokenId>', 'revoke one of your tokens').action(
    async (tokenId: string, flags: ClientFlags) => {
      await new PeerlinkClient(clientConfig(flags)).revokeToken(tokenId);
      print(flags.output, { revoked: tokenId }, [{ revoked: tokenId }]);
    },
  );

  program
    .command('login')
    .description("log in as a user and save a new bearer token in a profile (replacing the profile's AK/SK)")
    .requiredOption('--username <username>', 'the user to log in as')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .option('--profile <name>', 'profile to write (env PEERLINK_PROFILE, default "default")')
    .option(
      '--endpoint <url>',
      `server endpoint (env PEERLINK_ENDPOINT, else the profile's, else ${DEFAULT_ENDPOINT})`,
    )
    .option('--token-name <name>', 'name of the token to create', `cli@${hostname()}`)
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ peerlink login --username alice\n  $ printf "%s\\n" "$PASSWORD" | peerlink login --username ci --password-stdin --profile ci\n',
    )
    .action(
      async (
        flags: PasswordFlags & {
          username: string;
          profile?: string;
          endpoint?: string;
          tokenName: string;
          output?: string;
        },
      ) => {
        const file = configFilePath();
        const name = flags.profile ?? (process.env.PEERLINK_PROFILE || undefined) ?? 'default';
        const endpoint =
          flags.endpoint ??
          (process.env.PEERLINK_ENDPOINT || undefined) ??
          readProfiles(file)[name]?.endpoint ??
          DEFAULT_ENDPOINT;
        const [password] = await readPasswords(flags, ['Password']);
        const client = new PeerlinkClient({ endpoint });
        const { user } = await client.login(flags.username, password!);
        let token: Awaited<ReturnType<PeerlinkClient['createToken']>>;
        try {
          token = await client.createToken(flags.tokenName);
        } finally {
          // The token is what the CLI keeps; the session is not needed any more.
          await client.logout().catch(() => undefined);
        }
        writeProfile(file, name, { endpoint, token: token.token, ak: undefined, sk: undefined });
        const result = { user, profile: name, tokenId: token.id, tokenName: token.name };
        process.stderr.write(
          `Logged in as ${user.username}; saved token ${token.name} in profile "${name}" of ${file}\n`,
        );
        print(flags.output, result, [{ ...userRow(user), profile: name, tokenId: token.id }]);
      },
    );
}
