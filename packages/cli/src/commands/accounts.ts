import { PeerlinkClient } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig, withClientOptions } from '../client-options.js';
import { print } from '../output.js';

const credentialRows = (c: { accountId: string; accessKeyId: string; secretAccessKey: string }) => [
  { accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
];

/** `peerlink accounts create|list|keys …`, through the Peerlink API with administrator credentials. */
export function registerAccountCommands(program: Command): void {
  const accounts = program
    .command('accounts')
    .description('manage accounts and their access keys (administrators)');

  withClientOptions(accounts.command('create').description('create an account and its first access key'))
    .option('--name <name>', 'account name')
    .option('--admin', 'make it an administrator account')
    .action(async (flags: ClientFlags & { name?: string; admin?: boolean }) => {
      const created = await new PeerlinkClient(clientConfig(flags)).createAccount({
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.admin ? { admin: true } : {}),
      });
      print(flags.output, created, credentialRows(created));
    });

  withClientOptions(accounts.command('list').description('list accounts')).action(
    async (flags: ClientFlags) => {
      const client = new PeerlinkClient(clientConfig(flags));
      const all = [];
      let marker: string | undefined;
      do {
        const page = await client.listAccounts(marker ? { marker } : {});
        all.push(...page.accounts);
        marker = page.isTruncated ? page.nextMarker : undefined;
      } while (marker);
      print(
        flags.output,
        all,
        all.map((a) => ({ accountId: a.accountId, name: a.name, admin: a.isAdmin, created: a.createdAt })),
      );
    },
  );

  const keys = accounts.command('keys').description("manage an account's access keys");
  withClientOptions(keys.command('list').argument('<accountId>').description('list access key ids')).action(
    async (accountId: string, flags: ClientFlags) => {
      const answer = await new PeerlinkClient(clientConfig(flags)).listAccessKeys(accountId);
      print(
        flags.output,
        answer,
        answer.keys.map((k) => ({ accessKeyId: k.accessKeyId, created: k.createdAt })),
      );
    },
  );
  withClientOptions(
    keys.command('create').argument('<accountId>').description('create another access key'),
  ).action(async (accountId: string, flags: ClientFlags) => {
    const created = await new PeerlinkClient(clientConfig(flags)).createAccessKey(accountId);
    print(flags.output, created, credentialRows(created));
  });
  withClientOptions(
    keys
      .command('delete')
      .argument('<accountId>')
      .argument('<accessKeyId>')
      .description('delete an access key'),
  ).action(async (accountId: string, accessKeyId: string, flags: ClientFlags) => {
    await new PeerlinkClient(clientConfig(flags)).deleteAccessKey(accountId, accessKeyId);
    print(flags.output, { deleted: accessKeyId }, [{ deleted: accessKeyId }]);
  });
}
