import type { Command } from 'commander';
import { withClientOptions } from './client-options.js';
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

export function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${name} must be a whole number, not "${text}"`);
  return Number(text);
}

export function required<T>(name: string, value: T | undefined): T {
  if (value === undefined || value === '') throw new UsageError(`${name} is required`);
  return value;
}

/** `--wait` (poll until done, showing progress) and its `--timeout` in seconds. */
export function withWait(command: Command): Command {
  return command
    .option('--wait', 'wait until the operation has finished, showing progress')
    .option('--timeout <seconds>', 'give up waiting after this long', '300');
}

export function timeoutMs(flags: { timeout?: string }): number {
  return (integer('--timeout', flags.timeout) ?? 300) * 1000;
}
