import { PeerlinkClient, type Space } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { print, printRecord } from '../output.js';
import { allPages } from '../pages.js';

const client = (flags: ClientFlags) => new PeerlinkClient(clientConfig(flags));

const showSpace = (flags: ClientFlags, space: Space) => printRecord(flags.output, { ...space });

/** `peerlink spaces create|list|show|update|delete` and `peerlink spaces managers add|remove`. */
export function registerSpaceCommands(program: Command): void {
  const spaces = program
    .command('spaces')
    .description('spaces, which Peer Manager connections join, and who manages each');

  apiCommand(spaces, 'create <name>', 'create a space; you and every --manager manage it (administrators)', [
    'peerlink spaces create "Flight data" --description "tracks and schedules" --manager usr-0lx2k7a90001',
  ])
    .option('--description <text>', 'what the space holds')
    .option(
      '--manager <principal>',
      'an account id or user id that manages the space too (repeatable)',
      (principal: string, previous: string[] = []) => [...previous, principal],
    )
    .action(async (name: string, flags: ClientFlags & { description?: string; manager?: string[] }) => {
      const created = await client(flags).createSpace({
        name,
        ...(flags.description !== undefined ? { description: flags.description } : {}),
        ...(flags.manager ? { managers: flags.manager } : {}),
      });
      showSpace(flags, created);
    });

  apiCommand(spaces, 'list', 'list the spaces you manage (administrators: every space)').action(
    async (flags: ClientFlags) => {
      const peerlink = client(flags);
      const all = await allPages(
        (args) => peerlink.listSpaces(args),
        (page) => page.spaces,
      );
      print(
        flags.output,
        all,
        all.map((s) => ({
          spaceId: s.spaceId,
          name: s.name,
          managers: s.managers.join(','),
          created: s.createdAt,
        })),
      );
    },
  );

  apiCommand(spaces, 'show <spaceId>', 'show a space and its managers').action(
    async (spaceId: string, flags: ClientFlags) => {
      showSpace(flags, await client(flags).getSpace(spaceId));
    },
  );

  apiCommand(spaces, 'update <spaceId>', 'rename a space or change its description')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .action(async (spaceId: string, flags: ClientFlags & { name?: string; description?: string }) => {
      showSpace(
        flags,
        await client(flags).updateSpace(spaceId, {
          ...(flags.name !== undefined ? { name: flags.name } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        }),
      );
    });

  apiCommand(spaces, 'delete <spaceId>', 'delete a space nothing uses any more (administrators)').action(
    async (spaceId: string, flags: ClientFlags) => {
      await client(flags).deleteSpace(spaceId);
      print(flags.output, { deleted: spaceId }, [{ deleted: spaceId }]);
    },
  );

  const managers = spaces.command('managers').description("change a space's managers");
  apiCommand(managers, 'add <spaceId> <principal>', 'make an account or user a manager of the space', [
    'peerlink spaces managers add spc-0lx2k7a90001 usr-0lx2k7a90002',
  ]).action(async (spaceId: string, principal: string, flags: ClientFlags) => {
    showSpace(flags, await client(flags).addSpaceManager(spaceId, principal));
  });
  apiCommand(
    managers,
    'remove <spaceId> <principal>',
    'remove a manager (a space keeps at least one)',
  ).action(async (spaceId: string, principal: string, flags: ClientFlags) => {
    showSpace(flags, await client(flags).removeSpaceManager(spaceId, principal));
  });
}
