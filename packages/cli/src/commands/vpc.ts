import { VpcClient } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { print, printRecord } from '../output.js';

const vpcRow = (v: {
  vpcId: string;
  name: string;
  cidr: string;
  createdTime: string;
  description: string;
}) => ({
  vpcId: v.vpcId,
  name: v.name,
  cidr: v.cidr,
  created: v.createdTime,
  description: v.description,
});

/** `peerlink vpc create|list|get|delete` */
export function registerVpcCommands(program: Command): void {
  const vpc = program.command('vpc').description("VPCs of your account in the endpoint's region");

  apiCommand(vpc, 'create', 'create a VPC (and its route table)', [
    'peerlink vpc create --name web --cidr 10.1.0.0/16',
  ])
    .requiredOption('--name <name>', 'a letter, then letters, digits, - _ / . (1-65)')
    .requiredOption('--cidr <cidr>', 'a private IPv4 block, /8 to /28')
    .option('--description <text>', 'up to 200 characters')
    .option('--ipv6', 'also assign an IPv6 /56')
    .action(
      async (flags: ClientFlags & { name: string; cidr: string; description?: string; ipv6?: boolean }) => {
        const created = await new VpcClient(clientConfig(flags)).createVpc({
          name: flags.name,
          cidr: flags.cidr,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
          ...(flags.ipv6 ? { enableIpv6: true } : {}),
        });
        print(flags.output, created, [created]);
      },
    );

  apiCommand(vpc, 'list', 'list your VPCs in this region', [
    'peerlink vpc list',
    'peerlink vpc list --profile bob --output json',
  ]).action(async (flags: ClientFlags) => {
    const all = [];
    for await (const item of new VpcClient(clientConfig(flags)).paginateVpcs()) all.push(item);
    print(flags.output, all, all.map(vpcRow));
  });

  apiCommand(vpc, 'get <vpcId>', 'show a VPC with its subnets').action(
    async (vpcId: string, flags: ClientFlags) => {
      printRecord(flags.output, { ...(await new VpcClient(clientConfig(flags)).getVpc(vpcId)) });
    },
  );

  apiCommand(
    vpc,
    'delete <vpcId>',
    'delete a VPC (its subnets, route rules and peer connections must go first)',
  ).action(async (vpcId: string, flags: ClientFlags) => {
    await new VpcClient(clientConfig(flags)).deleteVpc(vpcId);
    print(flags.output, { deleted: vpcId }, [{ deleted: vpcId }]);
  });
}
