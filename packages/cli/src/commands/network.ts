import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type MpxConnection,
  type MpxDirection,
  type MpxInvite,
  PeerManagerClient,
  type RelayChannel,
} from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand, integer, required } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print } from '../output.js';

const client = (flags: ClientFlags) => new PeerManagerClient(clientConfig(flags));

/** Details for a person, on standard error, so that standard output keeps only what a script captures. */
const note = (line: string) => process.stderr.write(`${line}\n`);

const MPX_DIRECTIONS: readonly MpxDirection[] = ['bidirectional', 'egress', 'ingress'];

function mpxDirection(text: string | undefined): MpxDirection {
  const value = required('--direction', text)
    .toLowerCase()
    .replace(/[\s_-]*only$/, '');
  if (!(MPX_DIRECTIONS as readonly string[]).includes(value))
    throw new UsageError('--direction must be bidirectional, egress or ingress');
  return value as MpxDirection;
}

/** A code or card given as text, or `@file` to read it from a file. */
function codeArgument(name: string, text: string | undefined): string {
  const value = required(name, text);
  if (!value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8').trim();
  } catch (error) {
    throw new UsageError(`${name}: cannot read ${value.slice(1)}: ${(error as Error).message}`);
  }
}

const inviteRow = (i: MpxInvite) => ({
  inviteId: i.inviteId,
  direction: i.direction,
  status: i.status,
  usedFor: i.usedFor,
  created: i.createdAt,
  expires: i.expiresAt,
});

const mpxHealth = (c: MpxConnection) =>
  c.health.lastError ? 'failing' : c.health.lastOkAt ? 'ok' : c.status === 'established' ? 'unknown' : '-';

const mpxRow = (c: MpxConnection) => ({
  remoteEnrollment: c.remoteEnrollmentId,
  name: c.name,
  remoteTitle: c.remoteTitle,
  status: c.status,
  directions: `${c.localDirection ?? '?'}/${c.remoteDirection ?? '?'}`,
  health: mpxHealth(c),
  pending: c.health.pendingMessages,
  lastOk: c.health.lastOkAt,
  lastError: c.health.lastError,
});

const channelRow = (c: RelayChannel) => ({
  channelId: c.channelId,
  name: c.name,
  remoteEnrollment: c.remoteEnrollmentId,
  direction: c.direction,
  path: c.path,
  health: c.health,
  waiting: c.direction === 'import' ? c.waiting : '',
  rejected: c.rejected,
  messages: c.messages,
  lastOk: c.lastOkAt,
  reason: c.healthReason,
});

/**
 * `peerlink network identity|mpx|relay`: the network connections between enrollments that peer
 * connections travel over (Peer Manager "Network connections"; enrollment administrators).
 */
export function registerNetworkCommands(program: Command): void {
  const network = program
    .command('network')
    .description('network connections to other enrollments: MPX and data relay (administrators)');

  apiCommand(
    network,
    'identity',
    "print this enrollment's identity card, which the other side's administrator needs for a data relay",
    ['CARD=$(peerlink network identity)', 'peerlink network identity --output json'],
  ).action(async (flags: ClientFlags) => {
    const identity = await client(flags).getIdentity();
    if (flags.output === 'json') {
      print('json', identity, []);
      return;
    }
    process.stdout.write(`${identity.identityCard}\n`);
    note(
      `enrollment ${identity.enrollmentId} (${identity.platformTitle ?? 'no platform title'}), reached at ${identity.address ?? 'no address'}`,
    );
  });

  // ---- MPX ----------------------------------------------------------------------------------

  const mpx = network
    .command('mpx')
    .description(
      "MPX connections: each side generates an invite, sends its code, and enters the other side's code",
    );

  apiCommand(mpx, 'invite', 'generate an MPX invite and print its code (send it to the other side)', [
    'CODE=$(peerlink network mpx invite --direction bidirectional)',
    'peerlink network mpx invite --direction egress --expires-in-days 2   # the other side: ingress',
  ])
    .option(
      '--direction <direction>',
      'bidirectional (both sides open requests), egress (only this side: it has no stable address) or ingress (only the other side)',
    )
    .option('--expires-in-days <n>', 'the code expires after this many days (1-30, default 7)')
    .action(async (flags: ClientFlags & { direction?: string; expiresInDays?: string }) => {
      const direction = mpxDirection(flags.direction);
      const days = integer('--expires-in-days', flags.expiresInDays);
      const invite = await client(flags).createMpxInvite({
        direction,
        ...(days !== undefined ? { expiresInDays: days } : {}),
      });
      if (flags.output === 'json') {
        print('json', invite, []);
        return;
      }
      process.stdout.write(`${invite.code}\n`);
      note(`MPX invite ${invite.inviteId} (${invite.direction}), expires ${invite.expiresAt}.`);
      note(
        "Send the code to the other side's administrator; enter theirs with: peerlink network mpx enter <code> --name <name>",
      );
    });

  apiCommand(mpx, 'invites', 'list the MPX invites this side generated').action(
    async (flags: ClientFlags) => {
      const { invites } = await client(flags).listMpxInvites();
      print(flags.output, invites, invites.map(inviteRow));
    },
  );

  apiCommand(mpx, 'code <inviteId>', 'print the code of an invite generated earlier').action(
    async (inviteId: string, flags: ClientFlags) => {
      const invite = await client(flags).getMpxInvite(inviteId);
      if (flags.output === 'json') print('json', invite, []);
      else process.stdout.write(`${invite.code}\n`);
    },
  );

  apiCommand(mpx, 'revoke <inviteId>', 'revoke an MPX invite: its code stops working').action(
    async (inviteId: string, flags: ClientFlags) => {
      const invite = await client(flags).revokeMpxInvite(inviteId);
      print(flags.output, invite, [inviteRow(invite)]);
    },
  );

  apiCommand(
    mpx,
    'enter <code>',
    "enter the other side's MPX invite code; the connection is established once both sides entered",
    [
      'peerlink network mpx enter plmpx1.… --name "Bravo (Shanghai)"',
      'peerlink network mpx enter @bravo-invite.txt --name bravo --invite mpi-0lx2k7a90001',
    ],
  )
    .option('--name <name>', 'a name for the connection (1-64 letters, digits, spaces, . _ -)')
    .option('--invite <inviteId>', 'the invite of this side you sent them (when several are open)')
    .action(async (code: string, flags: ClientFlags & { name?: string; invite?: string }) => {
      const connection = await client(flags).enterMpxInvite({
        code: codeArgument('<code>', code),
        name: required('--name', flags.name),
        ...(flags.invite ? { inviteId: flags.invite } : {}),
      });
      print(flags.output, connection, [mpxRow(connection)]);
    });

  apiCommand(mpx, 'list', 'list the MPX connections with their status and health', [
    'peerlink network mpx list',
  ]).action(async (flags: ClientFlags) => {
    const { connections } = await client(flags).listMpxConnections();
    print(flags.output, connections, connections.map(mpxRow));
  });

  // ---- data relay ---------------------------------------------------------------------------

  const relay = network
    .command('relay')
    .description(
      'data relay channels: one-way directories a cross-domain solution carries files between (no network needed)',
    );

  apiCommand(
    relay,
    'create',
    "create a one-way relay channel with the enrollment the identity card names (pair this side's export with their import)",
    [
      'peerlink network relay create --name "to bravo" --remote-identity "$BRAVO_CARD" --direction export --path /srv/cds/out',
      'peerlink network relay create --name "from bravo" --remote-identity @bravo.card --direction import --path /srv/cds/in',
    ],
  )
    .option('--name <name>', 'a name for the channel')
    .option(
      '--remote-identity <card>',
      "the other side's identity card (peerlink network identity there), or @file",
    )
    .option('--direction <direction>', 'export (this side writes files) or import (this side reads files)')
    .option('--path <dir>', "the channel's directory, an absolute path on the server's machine")
    .action(
      async (
        flags: ClientFlags & { name?: string; remoteIdentity?: string; direction?: string; path?: string },
      ) => {
        const direction = required('--direction', flags.direction);
        if (direction !== 'export' && direction !== 'import')
          throw new UsageError('--direction must be export or import');
        const dir = required('--path', flags.path);
        if (!path.isAbsolute(dir))
          throw new UsageError("--path must be an absolute directory on the server's machine");
        const channel = await client(flags).createRelayChannel({
          name: required('--name', flags.name),
          remoteIdentity: codeArgument('--remote-identity', flags.remoteIdentity),
          direction,
          path: dir,
        });
        print(flags.output, channel, [channelRow(channel)]);
      },
    );

  apiCommand(
    relay,
    'list',
    'list the relay channels: health, files waiting to be read, files rejected',
  ).action(async (flags: ClientFlags) => {
    const { channels } = await client(flags).listRelayChannels();
    print(flags.output, channels, channels.map(channelRow));
  });

  apiCommand(relay, 'delete <channelId>', 'delete a relay channel (its directory and files stay)').action(
    async (channelId: string, flags: ClientFlags) => {
      await client(flags).deleteRelayChannel(channelId);
      print(flags.output, { deleted: channelId }, [{ deleted: channelId }]);
    },
  );
}
