import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually as pollUntil } from '../../../packages/server/src/testing/enrollments.js';
import { type Finished, runCli, type ServeProcess, spawnServe } from './process.js';

/**
 * One Peerlink deployment of a Peer Manager end-to-end test: its own `peerlink serve` process and
 * data directory, and a CLI profile named after it in a config file the test owns.
 */
export interface Side {
  name: string;
  server: ServeProcess;
  /** Runs `peerlink <args> --profile <name>`; throws unless it exits 0. */
  cli(...args: string[]): Promise<Finished>;
  /** The same with `--output json`, parsed. */
  json<T = ReturnType<typeof JSON.parse>>(...args: string[]): Promise<T>;
}

export function e2eDir(prefix: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    env: {
      PEERLINK_CONFIG_FILE: path.join(dir, 'config.toml'),
      PEERLINK_AK: '',
      PEERLINK_SK: '',
      PEERLINK_TOKEN: '',
      PEERLINK_ENDPOINT: '',
      PEERLINK_PROFILE: '',
    },
  };
}

/** Starts `peerlink serve` for one side and configures the CLI profile that reaches it. */
export async function startSide(name: string, dir: string, env: NodeJS.ProcessEnv): Promise<Side> {
  const ak = `${name}-admin-ak-01`;
  const sk = `${name}-admin-sk-01`;
  const server = await spawnServe(['--data-dir', path.join(dir, `${name}-data`)], {
    PEERLINK_ADMIN_AK: ak,
    PEERLINK_ADMIN_SK: sk,
  });
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, '--profile', name], env);
    if (result.code !== 0)
      throw new Error(`[${name}] peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
    return result;
  };
  const side: Side = {
    name,
    server,
    cli,
    json: async (...args) => JSON.parse((await cli(...args, '--output', 'json')).stdout),
  };
  const configured = await runCli(
    ['configure', '--profile', name, '--endpoint', server.endpoint, '--ak', ak, '--sk', sk],
    env,
  );
  if (configured.code !== 0) throw new Error(`peerlink configure failed:\n${configured.stderr}`);
  return side;
}

/** Polls like the in-process tests, with the slack that separate processes need. */
export const eventually = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000) =>
  pollUntil(read, done, timeoutMs, 200);

/**
 * The administrators' preparation both walk-throughs share, through the CLI: a platform title, a
 * space, and the four network policies of the direction rule (each side admits and may reach the
 * other by enrollment id). Answers each side's enrollment id and space id.
 */
export async function prepare(
  a: Side,
  b: Side,
): Promise<{ a: { enrollmentId: string; spaceId: string }; b: { enrollmentId: string; spaceId: string } }> {
  const ids = await Promise.all(
    [a, b].map(async (side) => {
      const title = `${side.name[0]!.toUpperCase()}${side.name.slice(1)} platform`;
      const { enrollmentId } = await side.json('enrollment', 'title', title);
      const { spaceId } = await side.json('spaces', 'create', `${side.name} space`, '--description', 'e2e');
      return { enrollmentId, spaceId };
    }),
  );
  const [ia, ib] = ids as [
    { enrollmentId: string; spaceId: string },
    { enrollmentId: string; spaceId: string },
  ];
  await Promise.all([
    (async () => {
      await a.cli('policy', 'ingress', 'add', '--enrollment', ib.enrollmentId);
      await a.cli('policy', 'egress', 'add', '--enrollment', ib.enrollmentId);
    })(),
    (async () => {
      await b.cli('policy', 'ingress', 'add', '--enrollment', ia.enrollmentId);
      await b.cli('policy', 'egress', 'add', '--enrollment', ia.enrollmentId);
    })(),
  ]);
  return { a: ia, b: ib };
}
