import { RouteClient, type RouteRule, type RouteTableRef } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print } from '../output.js';

interface TableFlags extends ClientFlags {
  vpc?: string;
  table?: string;
}

function tableRef(flags: TableFlags): RouteTableRef {
  if (flags.table) return { routeTableId: flags.table };
  if (flags.vpc) return { vpcId: flags.vpc };
  throw new UsageError('give --vpc <vpcId> or --table <routeTableId>');
}

const ruleRow = (r: RouteRule) => ({
  routeRuleId: r.routeRuleId,
  source: r.sourceAddress,
  destination: r.destinationAddress,
  nexthopType: r.nexthopType,
  nexthopId: r.nexthopId,
  description: r.description,
});

/** `peerlink route get` and `peerlink route rule create|list|update|delete` */
export function registerRouteCommands(program: Command): void {
  const route = program.command('route').description('route tables and rules');

  apiCommand(route, 'get', "show a VPC's route table with its rules", ['peerlink route get --vpc vpc-…'])
    .option('--vpc <vpcId>', 'the VPC')
    .option('--table <routeTableId>', 'or the table')
    .action(async (flags: TableFlags) => {
      const table = await new RouteClient(clientConfig(flags)).getRouteTable(tableRef(flags));
      print(flags.output, table, table.routeRules.map(ruleRow));
    });

  const rule = route.command('rule').description('route rules');
  apiCommand(rule, 'create', 'add a route rule', [
    'peerlink route rule create --table rt-… --source 10.1.1.0/24 --destination 10.2.0.0/16 --nexthop qpif-… --nexthop-type peerConn',
  ])
    .requiredOption('--table <routeTableId>', 'the route table')
    .requiredOption('--source <cidr>', '0.0.0.0/0 or a block inside a subnet')
    .requiredOption('--destination <cidr>', 'where the traffic goes')
    .requiredOption('--nexthop <id>', "next hop id (for peerConn: your end's localIfId)")
    .requiredOption(
      '--nexthop-type <type>',
      'custom, vpn, nat, dcGateway, peerConn, ipv6gateway, enic, havip',
    )
    .option('--description <text>', 'description')
    .action(
      async (
        flags: ClientFlags & {
          table: string;
          source: string;
          destination: string;
          nexthop: string;
          nexthopType: string;
          description?: string;
        },
      ) => {
        const created = await new RouteClient(clientConfig(flags)).createRouteRule({
          routeTableId: flags.table,
          sourceAddress: flags.source,
          destinationAddress: flags.destination,
          nexthopId: flags.nexthop,
          nexthopType: flags.nexthopType,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        print(flags.output, created, [created]);
      },
    );

  apiCommand(rule, 'list', 'list the rules of a route table')
    .option('--vpc <vpcId>', 'the VPC')
    .option('--table <routeTableId>', 'or the table')
    .action(async (flags: TableFlags) => {
      const all = [];
      for await (const item of new RouteClient(clientConfig(flags)).paginateRouteRules(tableRef(flags)))
        all.push(item);
      print(flags.output, all, all.map(ruleRow));
    });

  apiCommand(rule, 'update <routeRuleId>', 'change a route rule (absent options keep their value)')
    .option('--source <cidr>', 'new source')
    .option('--destination <cidr>', 'new destination')
    .option('--nexthop <id>', 'new next hop id')
    .option('--description <text>', 'new description')
    .action(
      async (
        routeRuleId: string,
        flags: ClientFlags & {
          source?: string;
          destination?: string;
          nexthop?: string;
          description?: string;
        },
      ) => {
        await new RouteClient(clientConfig(flags)).updateRouteRule(routeRuleId, {
          ...(flags.source !== undefined ? { sourceAddress: flags.source } : {}),
          ...(flags.destination !== undefined ? { destinationAddress: flags.destination } : {}),
          ...(flags.nexthop !== undefined ? { nexthopId: flags.nexthop } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        print(flags.output, { updated: routeRuleId }, [{ updated: routeRuleId }]);
      },
    );

  apiCommand(rule, 'delete <routeRuleId>', 'delete a route rule').action(
    async (routeRuleId: string, flags: ClientFlags) => {
      await new RouteClient(clientConfig(flags)).deleteRouteRule(routeRuleId);
      print(flags.output, { deleted: routeRuleId }, [{ deleted: routeRuleId }]);
    },
  );
}
