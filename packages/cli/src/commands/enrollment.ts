import { PeerlinkClient } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { print, printRecord } from '../output.js';

/** `peerlink enrollment show|title` and `peerlink audit list`. */
export function registerEnrollmentCommands(program: Command): void {
  const enrollment = program
    .command('enrollment')
    .description("this deployment's identity as its peers see it");

  apiCommand(enrollment, 'show', 'show the enrollment id, public key and platform title').action(
    async (flags: ClientFlags) => {
      printRecord(flags.output, { ...(await new PeerlinkClient(clientConfig(flags)).getEnrollment()) });
    },
  );

  apiCommand(enrollment, 'title <platformTitle>', 'set the platform title peers see (administrators)', [
    'peerlink enrollment title "Data Platform (Beijing)"',
  ]).action(async (platformTitle: string, flags: ClientFlags) => {
    printRecord(flags.output, {
      ...(await new PeerlinkClient(clientConfig(flags)).setPlatformTitle(platformTitle)),
    });
  });

  const audit = program.command('audit').description('the audit log of administrative actions');
  apiCommand(audit, 'list', 'list administrative actions, newest first (administrators)')
    .option('--max <n>', 'at most this many', '100')
    .action(async (flags: ClientFlags & { max: string }) => {
      const answer = await new PeerlinkClient(clientConfig(flags)).listAuditEvents({
        maxKeys: Number(flags.max) || 100,
      });
      print(
        flags.output,
        answer,
        answer.events.map((e) => ({
          at: e.at,
          actor: e.actor,
          action: e.action,
          target: e.target,
          detail: e.detail,
        })),
      );
    });
}
