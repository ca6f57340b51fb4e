import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseEnv } from '../../../packages/server/src/testing/database.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PEERLINK_BIN = path.join(REPO_ROOT, 'packages/cli/bin/peerlink.js');

export interface ServeProcess {
  child: ChildProcess;
  endpoint: string;
  stderr: () => string;
  /** Everything written to standard output so far (the JSON log lines). */
  stdout: () => string;
  /** Stops with SIGTERM and answers the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `peerlink serve` as its own process and waits until it says where it serves. */
export async function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  // On a PostgreSQL test run, the data directory names the server's schema.
  const dataDir = args[args.indexOf('--data-dir') + 1];
  const databaseEnv = args.includes('--data-dir') && dataDir ? testDatabaseEnv(dataDir) : {};
  const child = spawn(
    process.execPath,
    [PEERLINK_BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args],
    {
      env: { ...process.env, ...databaseEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peerlink serve did not start:\n${stderr}`)), 15_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /Serving region bj at (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`peerlink serve exited with ${code}:\n${stderr}`)));
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  return {
    child,
    endpoint,
    stderr: () => stderr,
    stdout: () => stdout,
    stop: async () => {
      // A process killed by a signal has no exit code, only its signal.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a `peerlink` CLI command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return runNode([PEERLINK_BIN, ...args], env);
}

/** Runs a Node.js script to completion, from the repository root. */
export async function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

export function adminFromBanner(stderr: string): { accountId: string; ak: string; sk: string } {
  const field = (label: string) => {
    const match = new RegExp(`${label}:\\s+(\\S+)`).exec(stderr);
    if (!match) throw new Error(`no "${label}" in the first-start banner:\n${stderr}`);
    return match[1]!;
  };
  return { accountId: field('account id'), ak: field('access key id'), sk: field('secret access key') };
}
