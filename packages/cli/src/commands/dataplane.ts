import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DataplaneClient, type DataplaneItemStatus } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { ChildExit, UsageError } from '../errors.js';
import { print, printRecord } from '../output.js';

/** Where `ip netns` keeps the namespaces it names. */
const NETNS_DIR = '/run/netns';

const itemRow = (item: DataplaneItemStatus) => ({
  kind: item.kind,
  id: item.id,
  state: item.state,
  reason: item.reason ?? '',
  netns: item.netns ?? '',
});

/** `peerlink dataplane endpoint …|status|exec|teardown` */
export function registerDataplaneCommands(program: Command): void {
  const dataplane = program
    .command('dataplane')
    .description('the dataplane: endpoints in your subnets, what is programmed, commands inside an endpoint');
  const endpoint = dataplane
    .command('endpoint')
    .description('endpoints: stand-ins for instances, one address in a subnet each');

  apiCommand(endpoint, 'create', 'create an endpoint (takes the lowest free address of the subnet)', [
    'peerlink dataplane endpoint create --subnet sbn-… --name web',
    'peerlink dataplane endpoint create --subnet sbn-… --name db -o json   # → endpointId, ip, netns',
  ])
    .requiredOption('--subnet <subnetId>', 'the subnet')
    .requiredOption('--name <name>', 'a DNS label: the endpoint answers as <name>.<vpcId>.internal')
    .action(async (flags: ClientFlags & { subnet: string; name: string }) => {
      const created = await new DataplaneClient(clientConfig(flags)).createEndpoint({
        subnetId: flags.subnet,
        name: flags.name,
      });
      print(flags.output, created, [
        { endpointId: created.endpointId, name: created.name, ip: created.ip, netns: created.netns },
      ]);
    });

  apiCommand(endpoint, 'list', 'list your endpoints', [
    'peerlink dataplane endpoint list',
    'peerlink dataplane endpoint list --vpc vpc-…',
    'peerlink dataplane endpoint list --subnet sbn-… -o json',
  ])
    .option('--vpc <vpcId>', 'only those of one VPC')
    .option('--subnet <subnetId>', 'only those of one subnet')
    .action(async (flags: ClientFlags & { vpc?: string; subnet?: string }) => {
      if (flags.vpc && flags.subnet) throw new UsageError('give --vpc or --subnet, not both');
      const client = new DataplaneClient(clientConfig(flags));
      const all = [];
      let marker: string | undefined;
      do {
        const page = await client.listEndpoints({
          ...(flags.vpc ? { vpcId: flags.vpc } : {}),
          ...(flags.subnet ? { subnetId: flags.subnet } : {}),
          ...(marker ? { marker } : {}),
        });
        all.push(...page.endpoints);
        marker = page.isTruncated ? page.nextMarker : undefined;
      } while (marker);
      print(
        flags.output,
        all,
        all.map((e) => ({
          endpointId: e.endpointId,
          name: e.name,
          ip: e.ip,
          subnetId: e.subnetId,
          vpcId: e.vpcId,
        })),
      );
    });

  apiCommand(endpoint, 'get <endpointId>', 'show an endpoint', [
    'peerlink dataplane endpoint get ep-…',
  ]).action(async (endpointId: string, flags: ClientFlags) => {
    printRecord(flags.output, {
      ...(await new DataplaneClient(clientConfig(flags)).getEndpoint(endpointId)),
    });
  });

  apiCommand(endpoint, 'delete <endpointId>', 'delete an endpoint (frees its address)', [
    'peerlink dataplane endpoint delete ep-…',
  ]).action(async (endpointId: string, flags: ClientFlags) => {
    await new DataplaneClient(clientConfig(flags)).deleteEndpoint(endpointId);
    print(flags.output, { deleted: endpointId }, [{ deleted: endpointId }]);
  });

  apiCommand(
    dataplane,
    'status',
    'what the dataplane programmed: your VPCs, endpoints and active connections',
    ['peerlink dataplane status', 'peerlink dataplane status -o json'],
  ).action(async (flags: ClientFlags) => {
    const status = await new DataplaneClient(clientConfig(flags)).status();
    if (flags.output !== 'json')
      process.stdout.write(`driver ${status.driver}, last pass ${status.lastPassAt ?? 'never'}\n`);
    print(flags.output, status, [...status.vpcs, ...status.endpoints, ...status.connections].map(itemRow));
  });

  apiCommand(
    dataplane,
    'exec <endpointId> <command...>',
    'run a command inside an endpoint (on the dataplane host, as root)',
    [
      'sudo peerlink dataplane exec ep-… -- ping -c 1 10.2.0.2',
      'sudo peerlink dataplane exec ep-… -- getent hosts db.vpc-….internal',
    ],
  ).action(async (endpointId: string, command: string[], flags: ClientFlags) => {
    const { netns } = await new DataplaneClient(clientConfig(flags)).getEndpoint(endpointId);
    if (process.getuid && process.getuid() !== 0)
      throw new Error(
        `entering the namespace of ${endpointId} needs root: run it with sudo on the dataplane host`,
      );
    if (!existsSync(`${NETNS_DIR}/${netns}`))
      throw new Error(
        `the network namespace ${netns} of ${endpointId} does not exist on this host: run this where "peerlink serve --dataplane linux" runs, once the endpoint is programmed (peerlink dataplane status)`,
      );
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', netns, ...command], { stdio: 'inherit' });
      child.once('error', (error) => reject(new Error(`could not run ip netns exec: ${error.message}`)));
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    });
    if (code !== 0) throw new ChildExit(code);
  });

  dataplane
    .command('teardown')
    .description(
      "remove every namespace, bridge and veth of this deployment's prefix from this host (run it on the host, as root, with the server's data directory)",
    )
    .option('--config <file>', 'JSON config file, as given to peerlink serve')
    .option('--data-dir <dir>', 'data directory of the server (default ./peerlink-data)')
    .option('--database-url <url>', 'its PostgreSQL database, when it has one')
    .option('--database-schema <name>', 'its PostgreSQL schema')
    .option(
      '--dataplane-prefix <prefix>',
      'the prefix, when it was configured (default: derived from the enrollment id)',
    )
    .addHelpText(
      'after',
      '\nThe database is left as it is: the next "peerlink serve --dataplane linux" builds the network again.\n\nExamples:\n  $ sudo peerlink dataplane teardown --data-dir ./peerlink-data\n  $ sudo peerlink dataplane teardown --dataplane-prefix pl1a2b3c\n',
    )
    .action(
      async (flags: {
        config?: string;
        dataDir?: string;
        databaseUrl?: string;
        databaseSchema?: string;
        dataplanePrefix?: string;
      }) => {
        const { resolveConfig, teardownDataplane } = await import('@peerlink/server');
        const overrides: Record<string, string> = {};
        if (flags.dataDir !== undefined) overrides.dataDir = flags.dataDir;
        if (flags.databaseUrl !== undefined) overrides.databaseUrl = flags.databaseUrl;
        if (flags.databaseSchema !== undefined) overrides.databaseSchema = flags.databaseSchema;
        if (flags.dataplanePrefix !== undefined) overrides.dataplanePrefix = flags.dataplanePrefix;
        const config = resolveConfig({
          flags: overrides,
          env: process.env,
          file: flags.config ?? process.env.PEERLINK_CONFIG,
        });
        const { prefix } = await teardownDataplane(config);
        process.stdout.write(`removed the dataplane of prefix ${prefix} from this host\n`);
      },
    );
}
