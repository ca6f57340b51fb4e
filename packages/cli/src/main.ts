import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerConfigureCommand } from './commands/configure.js';
import { registerEnrollmentCommands } from './commands/enrollment.js';
import { registerPeerConnCommands } from './commands/peerconn.js';
import { registerRouteCommands } from './commands/route.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSubnetCommands } from './commands/subnet.js';
import { registerVpcCommands } from './commands/vpc.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('peerlink')
    .description(
      'Peerlink: a self-hosted peering control plane (BCE-compatible VPC peering and Peer Manager)',
    )
    .showHelpAfterError()
    // Usage mistakes throw instead of exiting, so that they can end with code 2.
    .exitOverride();
  registerServeCommand(program);
  registerConfigureCommand(program);
  registerAccountCommands(program);
  registerEnrollmentCommands(program);
  registerVpcCommands(program);
  registerSubnetCommands(program);
  registerRouteCommands(program);
  registerPeerConnCommands(program);
  program.addHelpText(
    'after',
    '\nCredentials come from --ak/--sk, PEERLINK_AK/PEERLINK_SK, or a profile (peerlink configure).\nExit codes: 0 ok, 1 the API refused or could not be reached, 2 usage.\n',
  );
  return program;
}

/** Runs the CLI; answers the exit code (a running server keeps the process alive). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return reportError(error, (line) => process.stderr.write(`${line}\n`));
  }
}
