import { SubnetClient } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { print, printRecord } from '../output.js';

/** `peerlink subnet create|list|get|delete` */
export function registerSubnetCommands(program: Command): void {
  const subnet = program.command('subnet').description('subnets of your VPCs');

  apiCommand(subnet, 'create', 'create a subnet inside a VPC', [
    'peerlink subnet create --vpc vpc-… --name web --zone cn-bj-a --cidr 10.1.1.0/24',
  ])
    .requiredOption('--vpc <vpcId>', 'the VPC')
    .requiredOption('--name <name>', 'subnet name')
    .requiredOption('--zone <zoneName>', 'zone, e.g. cn-bj-a')
    .requiredOption('--cidr <cidr>', 'a block inside the VPC, /29 at most')
    .option('--description <text>', 'description')
    .action(
      async (
        flags: ClientFlags & { vpc: string; name: string; zone: string; cidr: string; description?: string },
      ) => {
        const created = await new SubnetClient(clientConfig(flags)).createSubnet({
          vpcId: flags.vpc,
          name: flags.name,
          zoneName: flags.zone,
          cidr: flags.cidr,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        print(flags.output, created, [created]);
      },
    );

  apiCommand(subnet, 'list', 'list subnets')
    .option('--vpc <vpcId>', 'only those of one VPC')
    .action(async (flags: ClientFlags & { vpc?: string }) => {
      const all = [];
      for await (const item of new SubnetClient(clientConfig(flags)).paginateSubnets(
        flags.vpc ? { vpcId: flags.vpc } : {},
      )) {
        all.push(item);
      }
      print(
        flags.output,
        all,
        all.map((s) => ({
          subnetId: s.subnetId,
          name: s.name,
          vpcId: s.vpcId,
          zone: s.zoneName,
          cidr: s.cidr,
          availableIp: s.availableIp,
        })),
      );
    });

  apiCommand(subnet, 'get <subnetId>', 'show a subnet').action(
    async (subnetId: string, flags: ClientFlags) => {
      printRecord(flags.output, { ...(await new SubnetClient(clientConfig(flags)).getSubnet(subnetId)) });
    },
  );

  apiCommand(subnet, 'delete <subnetId>', 'delete a subnet').action(
    async (subnetId: string, flags: ClientFlags) => {
      await new SubnetClient(clientConfig(flags)).deleteSubnet(subnetId);
      print(flags.output, { deleted: subnetId }, [{ deleted: subnetId }]);
    },
  );
}
