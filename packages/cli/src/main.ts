import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/accounts.js';
import { registerConfigureCommand } from './commands/configure.js';
import { registerDataCommands } from './commands/data.js';
import { registerDataplaneCommands } from './commands/dataplane.js';
import { registerEnrollmentCommands } from './commands/enrollment.js';
import { registerNetworkCommands } from './commands/network.js';
import { registerPeerCommands } from './commands/peer.js';
import { registerPeerConnCommands } from './commands/peerconn.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerRouteCommands } from './commands/route.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSpaceCommands } from './commands/spaces.js';
import { registerSubnetCommands } from './commands/subnet.js';
import { registerUserCommands } from './commands/users.js';
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
  registerUserCommands(program);
  registerEnrollmentCommands(program);
  registerSpaceCommands(program);
  registerPolicyCommands(program);
  registerNetworkCommands(program);
  registerPeerCommands(program);
  registerDataCommands(program);
  registerVpcCommands(program);
  registerSubnetCommands(program);
  registerRouteCommands(program);
  registerPeerConnCommands(program);
  registerDataplaneCommands(program);
  program.addHelpText(
    'after',
    '\nCredentials come from --ak/--sk or --token, PEERLINK_AK/PEERLINK_SK or PEERLINK_TOKEN, or a profile (peerlink configure, peerlink login).\nExit codes: 0 ok, 1 the API refused or could not be reached, 2 usage.\n',
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
