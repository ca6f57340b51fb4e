import type { Command } from 'commander';
import { type ClientFlags, clientConfig, withClientOptions } from './client-options.js';
import { UsageError } from './errors.js';

/** A subcommand that talks to a server, with the shared client options and some examples. */
export function apiCommand(
  parent: Command,
  spec: string,
  description: string,
  examples: string[] = [],
): Command {
  const command = withClientOptions(parent.command(spec).description(description));
  if (examples.length > 0)
    command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  return command;
}

export { type ClientFlags, clientConfig };

export function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${name} must be a whole number, not "${text}"`);
  return Number(text);
}

export function required<T>(name: string, value: T | undefined): T {
  if (value === undefined || value === '') throw new UsageError(`${name} is required`);
  return value;
}

/** `--timeout` in seconds for `--wait`. */
export const WAIT_OPTIONS = {
  wait: ['--wait', 'wait until the operation has finished, showing progress'],
  timeout: ['--timeout <seconds>', 'give up waiting after this long', '300'],
} as const;

export function withWait(command: Command): Command {
  return command.option(...WAIT_OPTIONS.wait).option(...WAIT_OPTIONS.timeout);
}

export function timeoutMs(flags: { timeout?: string }): number {
  return (integer('--timeout', flags.timeout) ?? 300) * 1000;
}
