import { Command } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerServeCommand } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('peerlink')
    .description(
      'Peerlink: a self-hosted peering control plane (BCE-compatible VPC peering and Peer Manager)',
    )
    .showHelpAfterError();
  registerServeCommand(program);
  registerAccountCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
