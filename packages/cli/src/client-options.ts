import type { ClientConfig } from '@peerlink/sdk';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { configFilePath, readProfiles } from './profile.js';

export interface ClientFlags {
  profile?: string;
  endpoint?: string;
  ak?: string;
  sk?: string;
  token?: string;
  output?: string;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

/** Options shared by every command that talks to a server. */
export function withClientOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile of the config file (env PEERLINK_PROFILE, default "default")')
    .option('--endpoint <url>', `server endpoint (env PEERLINK_ENDPOINT, default ${DEFAULT_ENDPOINT})`)
    .option('--ak <accessKeyId>', 'access key id (env PEERLINK_AK)')
    .option('--sk <secretAccessKey>', 'secret access key (env PEERLINK_SK)')
    .option('--token <token>', "a user's bearer token, instead of AK/SK (env PEERLINK_TOKEN; peerlink login)")
    .option('-o, --output <format>', 'table or json', 'table');
}

/** Flags, then environment variables, then the profile, then defaults: as the AWS CLI does. */
export function clientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  // An empty variable counts as unset, as in most shells' ${VAR:-default}.
  const fromEnv = (name: string) => env[name] || undefined;
  const name = flags.profile ?? fromEnv('PEERLINK_PROFILE') ?? 'default';
  const file = configFilePath(env);
  const profiles = readProfiles(file);
  const profile = profiles[name];
  if (!profile && (flags.profile || fromEnv('PEERLINK_PROFILE'))) {
    throw new UsageError(
      `no profile "${name}" in ${file}; create it with: peerlink configure --profile ${name}`,
    );
  }
  // Credentials (a key id and secret, or a token) come from one place: flags, else (unless
  // --profile names a profile, which then wins as in the AWS CLI) the environment, else the profile.
  const fromFlags = flags.ak !== undefined || flags.sk !== undefined || flags.token !== undefined;
  const useEnv =
    !fromFlags &&
    !flags.profile &&
    (fromEnv('PEERLINK_AK') || fromEnv('PEERLINK_SK') || fromEnv('PEERLINK_TOKEN'));
  const source = fromFlags
    ? { ak: flags.ak, sk: flags.sk, token: flags.token }
    : useEnv
      ? { ak: fromEnv('PEERLINK_AK'), sk: fromEnv('PEERLINK_SK'), token: fromEnv('PEERLINK_TOKEN') }
      : { ak: profile?.ak, sk: profile?.sk, token: profile?.token };
  const { ak, sk, token } = source;
  const endpoint = flags.endpoint ?? fromEnv('PEERLINK_ENDPOINT') ?? profile?.endpoint ?? DEFAULT_ENDPOINT;
  if (token && (ak || sk)) {
    const where = fromFlags ? 'flags' : useEnv ? 'environment' : `profile "${name}"`;
    throw new UsageError(`both a token and an AK/SK pair are given (${where}); give one of them`);
  }
  if (token) return { endpoint, token };
  if (!ak || !sk) {
    throw new UsageError(
      'no credentials: run "peerlink configure" or "peerlink login", or give --ak and --sk (or --token), or set PEERLINK_AK and PEERLINK_SK (or PEERLINK_TOKEN)',
    );
  }
  return { endpoint, credentials: { ak, sk } };
}
