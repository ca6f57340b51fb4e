import type { ConfigOverrides } from '@peerlink/server';
import type { Command } from 'commander';
import { firstStartBanner } from './serve-banner.js';

interface ServeFlags {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  host?: string;
  port?: string;
  region?: string;
  regionPort: string[];
  logLevel?: string;
  testClock?: boolean;
  publicUrl?: string;
  headersTimeoutMs?: string;
  requestTimeoutMs?: string;
  keepAliveTimeoutMs?: string;
  idleTimeoutMs?: string;
  maxConnections?: string;
  dataplane?: string;
  dataplanePrefix?: string;
}

/** Listener limits given as flags: whole numbers (resolveConfig refuses 0). */
const LIMIT_FLAGS = [
  ['headersTimeoutMs', '--headers-timeout-ms'],
  ['requestTimeoutMs', '--request-timeout-ms'],
  ['keepAliveTimeoutMs', '--keep-alive-timeout-ms'],
  ['idleTimeoutMs', '--idle-timeout-ms'],
  ['maxConnections', '--max-connections'],
] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function flagOverrides(
  flags: ServeFlags,
  parseRegionPorts: (source: string, text: string) => Record<string, number>,
): ConfigOverrides {
  const overrides: Record<string, unknown> = {};
  if (flags.dataDir !== undefined) overrides.dataDir = flags.dataDir;
  if (flags.databaseUrl !== undefined) overrides.databaseUrl = flags.databaseUrl;
  if (flags.databaseSchema !== undefined) overrides.databaseSchema = flags.databaseSchema;
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.port !== undefined) {
    if (!/^\d+$/.test(flags.port)) throw new Error(`--port: "${flags.port}" is not a port number`);
    overrides.port = Number(flags.port);
  }
  if (flags.region !== undefined) overrides.region = flags.region;
  if (flags.regionPort.length > 0)
    overrides.regionPorts = parseRegionPorts('--region-port', flags.regionPort.join(','));
  if (flags.logLevel !== undefined) overrides.logLevel = flags.logLevel;
  if (flags.testClock) overrides.testClock = true;
  if (flags.publicUrl !== undefined) overrides.publicUrl = flags.publicUrl;
  for (const [key, flag] of LIMIT_FLAGS) {
    const value = flags[key];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new Error(`${flag}: "${value}" is not a whole number`);
    overrides[key] = Number(value);
  }
  if (flags.dataplane !== undefined) overrides.dataplane = flags.dataplane;
  if (flags.dataplanePrefix !== undefined) overrides.dataplanePrefix = flags.dataplanePrefix;
  return overrides as ConfigOverrides;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Peerlink server (embedded SQLite in the data directory)')
    .option('--config <file>', 'JSON config file (flags > PEERLINK_* environment > file > defaults)')
    .option('--data-dir <dir>', 'data directory (default ./peerlink-data)')
    .option(
      '--database-url <url>',
      'PostgreSQL instead of SQLite, shared by replicas (needs PEERLINK_MASTER_KEY)',
    )
    .option('--database-schema <name>', 'PostgreSQL schema (default public)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port of the default region (default 8080)')
    .option('--region <region>', 'region served on --port (default bj)')
    .option('--region-port <region=port>', 'serve another region on its own port (repeatable)', collect, [])
    .option('--public-url <url>', 'base URL other enrollments reach this one at (default: the listener)')
    .option('--test-clock', 'serve /api/v1/_test/clock and /api/v1/_test/reset (business time you can move)')
    .option(
      '--dataplane <driver>',
      'none (default) or linux: program namespaces, bridges and veths on this host (needs root)',
    )
    .option(
      '--dataplane-prefix <prefix>',
      'name prefix of the kernel objects (default pl + 6 hex of the enrollment id)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default info)')
    .option('--headers-timeout-ms <ms>', 'time a client has to send request headers (default 10000)')
    .option('--request-timeout-ms <ms>', 'time a client has to send a whole request (default 60000)')
    .option('--keep-alive-timeout-ms <ms>', 'idle time between requests on a connection (default 5000)')
    .option('--idle-timeout-ms <ms>', 'time a connection may pass no bytes either way (default 30000)')
    .option('--max-connections <n>', 'connections each listener holds at once (default 1000)')
    .action(async (flags: ServeFlags) => {
      // Loaded here so that client commands start without the server's dependencies.
      const { parseRegionPorts, resolveConfig, startServer } = await import('@peerlink/server');
      const config = resolveConfig({
        flags: flagOverrides(flags, parseRegionPorts),
        env: process.env,
        file: flags.config ?? process.env.PEERLINK_CONFIG,
      });
      const server = await startServer(config);
      // One write, so that a reader waiting for the first "Serving region" line has them all.
      const serving = Object.entries(server.endpoints).map(
        ([region, url]) => `Serving region ${region} at ${url}\n`,
      );
      process.stderr.write(firstStartBanner(server) + serving.join(''));
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
