import { type EgressRule, type IngressRule, PeerlinkClient } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print } from '../output.js';
import { allPages } from '../pages.js';

const client = (flags: ClientFlags) => new PeerlinkClient(clientConfig(flags));

/** A rule names exactly one selector: none or several is a usage mistake. */
function oneSelector(flags: Record<string, string | undefined>): void {
  const given = Object.keys(flags).filter((name) => flags[name] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      `give exactly one of ${Object.keys(flags)
        .map((name) => `--${name}`)
        .join(', ')}`,
    );
  }
}

const ingressRow = (r: IngressRule) => ({
  ruleId: r.ruleId,
  cidr: r.cidr,
  enrollment: r.enrollmentId,
  country: r.country,
  description: r.description,
  created: r.createdAt,
});

const egressRow = (r: EgressRule) => ({
  ruleId: r.ruleId,
  destination: r.destination,
  enrollment: r.enrollmentId,
  description: r.description,
  created: r.createdAt,
});

/** `peerlink policy ingress|egress add|list|remove`: the enrollment's network policies (administrators). */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description("this enrollment's network policies: who may connect in, where it may connect out");

  const ingress = policy.command('ingress').description('the ingress allow-list (at most 500 CIDR rules)');
  apiCommand(ingress, 'add', 'allow a CIDR range, an enrollment or a country to connect in', [
    'peerlink policy ingress add --cidr 203.0.113.0/24 --description "partner office"',
    'peerlink policy ingress add --enrollment enr-0lx2k7a90001',
  ])
    .option('--cidr <cidr>', 'an IPv4 CIDR block')
    .option('--enrollment <enrollmentId>', 'an enrollment id')
    .option('--country <cc>', 'an ISO 3166-1 alpha-2 country code')
    .option('--description <text>', 'why the rule exists')
    .action(
      async (
        flags: ClientFlags & { cidr?: string; enrollment?: string; country?: string; description?: string },
      ) => {
        oneSelector({ cidr: flags.cidr, enrollment: flags.enrollment, country: flags.country });
        const rule = await client(flags).addIngressRule({
          ...(flags.cidr !== undefined ? { cidr: flags.cidr } : {}),
          ...(flags.enrollment !== undefined ? { enrollmentId: flags.enrollment } : {}),
          ...(flags.country !== undefined ? { country: flags.country } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        print(flags.output, rule, [ingressRow(rule)]);
      },
    );
  apiCommand(ingress, 'list', 'list the ingress rules').action(async (flags: ClientFlags) => {
    const peerlink = client(flags);
    const rules = await allPages(
      (args) => peerlink.listIngressRules(args),
      (page) => page.rules,
    );
    print(flags.output, rules, rules.map(ingressRow));
  });
  apiCommand(ingress, 'remove <ruleId>', 'remove an ingress rule').action(
    async (ruleId: string, flags: ClientFlags) => {
      await client(flags).removeIngressRule(ruleId);
      print(flags.output, { removed: ruleId }, [{ removed: ruleId }]);
    },
  );

  const egress = policy.command('egress').description('the destinations this enrollment may reach');
  apiCommand(egress, 'add', 'allow reaching a domain, an IPv4 address or CIDR block, or an enrollment', [
    'peerlink policy egress add --destination peer.example.com',
    'peerlink policy egress add --destination 198.51.100.0/24 --description "partner network"',
  ])
    .option('--destination <host|ip|cidr>', 'a domain name, an IPv4 address or an IPv4 CIDR block')
    .option('--enrollment <enrollmentId>', 'an enrollment id')
    .option('--description <text>', 'why the rule exists')
    .action(
      async (flags: ClientFlags & { destination?: string; enrollment?: string; description?: string }) => {
        oneSelector({ destination: flags.destination, enrollment: flags.enrollment });
        const rule = await client(flags).addEgressRule({
          ...(flags.destination !== undefined ? { destination: flags.destination } : {}),
          ...(flags.enrollment !== undefined ? { enrollmentId: flags.enrollment } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        });
        print(flags.output, rule, [egressRow(rule)]);
      },
    );
  apiCommand(egress, 'list', 'list the egress rules').action(async (flags: ClientFlags) => {
    const peerlink = client(flags);
    const rules = await allPages(
      (args) => peerlink.listEgressRules(args),
      (page) => page.rules,
    );
    print(flags.output, rules, rules.map(egressRow));
  });
  apiCommand(egress, 'remove <ruleId>', 'remove an egress rule').action(
    async (ruleId: string, flags: ClientFlags) => {
      await client(flags).removeEgressRule(ruleId);
      print(flags.output, { removed: ruleId }, [{ removed: ruleId }]);
    },
  );
}
