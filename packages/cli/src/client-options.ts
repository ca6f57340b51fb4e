import type { Command } from 'commander';

export interface ClientFlags {
  endpoint?: string;
  ak?: string;
  sk?: string;
  output?: 'table' | 'json';
}

/** Options shared by every command that talks to a server. */
export function withClientOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'server endpoint (env PEERLINK_ENDPOINT, default http://127.0.0.1:8080)')
    .option('--ak <accessKeyId>', 'access key id (env PEERLINK_AK)')
    .option('--sk <secretAccessKey>', 'secret access key (env PEERLINK_SK)')
    .option('-o, --output <format>', 'table or json', 'table');
}

export function clientConfig(flags: ClientFlags) {
  const ak = flags.ak ?? process.env.PEERLINK_AK;
  const sk = flags.sk ?? process.env.PEERLINK_SK;
  if (!ak || !sk)
    throw new Error('credentials needed: give --ak and --sk, or set PEERLINK_AK and PEERLINK_SK');
  return {
    endpoint: flags.endpoint ?? process.env.PEERLINK_ENDPOINT ?? 'http://127.0.0.1:8080',
    credentials: { ak, sk },
  };
}
