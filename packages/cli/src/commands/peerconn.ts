import { type PeerConn, PeerConnClient, type PeerConnRole, type PeerConnStatus } from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand, integer, required, timeoutMs, withWait } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print, printRecord } from '../output.js';
import { progress } from '../progress.js';

interface WaitFlags extends ClientFlags {
  wait?: boolean;
  timeout?: string;
}

const peerConnRow = (p: PeerConn) => ({
  peerConnId: p.peerConnId,
  role: p.role,
  status: p.status,
  localVpcId: p.localVpcId,
  peerVpcId: p.peerVpcId,
  peerRegion: p.peerRegion,
  bandwidthInMbps: p.bandwidthInMbps,
  localIfId: p.localIfId,
  dnsStatus: p.dnsStatus,
});

function parseRole(text: string | undefined): PeerConnRole | undefined {
  if (text === undefined) return undefined;
  if (text !== 'initiator' && text !== 'acceptor')
    throw new UsageError('--role must be initiator or acceptor');
  return text;
}

/** After an asynchronous call: with --wait, poll (showing the status) until it is done, then print. */
async function finish(
  client: PeerConnClient,
  flags: WaitFlags,
  peerConnId: string,
  targets: PeerConnStatus[],
  answer: Record<string, unknown>,
): Promise<void> {
  if (!flags.wait) {
    print(flags.output, answer, [answer]);
    return;
  }
  const shown = progress(peerConnId);
  try {
    const reached = await client.waitUntilPeerConnStatus(peerConnId, targets, {
      timeoutMs: timeoutMs(flags),
      onStatus: shown.update,
    });
    shown.done();
    if (reached) printRecord(flags.output, { ...reached });
    else print(flags.output, { ...answer, status: 'deleted' }, [{ ...answer, status: 'deleted' }]);
  } catch (error) {
    shown.done();
    throw error;
  }
}

/** A command acting on one connection, optionally waiting for `targets`. */
function action(
  parent: Command,
  spec: string,
  description: string,
  targets: PeerConnStatus[] | undefined,
  run: (
    client: PeerConnClient,
    id: string,
    flags: WaitFlags & Record<string, string | boolean | undefined>,
  ) => Promise<void>,
  examples: string[] = [],
): Command {
  const command = apiCommand(parent, spec, description, examples);
  if (targets) withWait(command);
  return command.action(
    async (id: string, flags: WaitFlags & Record<string, string | boolean | undefined>) => {
      const client = new PeerConnClient(clientConfig(flags));
      await run(client, id, flags);
      const answer = { peerConnId: id };
      if (targets) await finish(client, flags, id, targets, answer);
      else print(flags.output, answer, [answer]);
    },
  );
}

/** `peerlink peerconn …`: every operation of the BCE peer connection API. */
export function registerPeerConnCommands(program: Command): void {
  const peerconn = program.command('peerconn').description('VPC peer connections');

  withWait(
    apiCommand(peerconn, 'create', 'create a peer connection from a VPC of yours', [
      'peerlink peerconn create --local-vpc vpc-a --peer-vpc vpc-b --peer-region bj --bandwidth 10 --wait',
      'peerlink peerconn create --local-vpc vpc-a --peer-vpc vpc-c --peer-region gz --peer-account 3f1c… --bandwidth 10 --payment Prepaid --months 1',
    ]),
  )
    .requiredOption('--local-vpc <vpcId>', "your VPC, in this endpoint's region")
    .requiredOption('--peer-vpc <vpcId>', 'the other VPC')
    .requiredOption('--peer-region <region>', 'region of the other VPC')
    .requiredOption('--bandwidth <mbps>', 'bandwidth in Mbps (1-10000)')
    .option('--peer-account <accountId>', 'owner of the other VPC, when it is another account')
    .option('--payment <timing>', 'Postpaid or Prepaid (Prepaid needs --months and two regions)', 'Postpaid')
    .option('--months <n>', 'reservation for Prepaid: 1-9, 12, 24 or 36')
    .option('--description <text>', 'description of your end')
    .option('--local-if-name <name>', 'name of your interface')
    .option('--peer-if-name <name>', 'name of the other interface (same account only)')
    .option('--delete-protect', 'refuse release until switched off')
    .action(async (flags: WaitFlags & Record<string, string | boolean | undefined>) => {
      const client = new PeerConnClient(clientConfig(flags));
      const months = integer('--months', flags.months as string | undefined);
      const str = (name: string) => flags[name] as string | undefined;
      const { peerConnId } = await client.createPeerConn({
        localVpcId: required('--local-vpc', str('localVpc')),
        peerVpcId: required('--peer-vpc', str('peerVpc')),
        peerRegion: required('--peer-region', str('peerRegion')),
        bandwidthInMbps: required('--bandwidth', integer('--bandwidth', str('bandwidth'))),
        billing: {
          paymentTiming: str('payment') as 'Prepaid' | 'Postpaid',
          ...(months !== undefined
            ? { reservation: { reservationLength: months, reservationTimeUnit: 'Month' } }
            : {}),
        },
        ...(str('peerAccount') ? { peerAccountId: str('peerAccount') } : {}),
        ...(str('description') !== undefined ? { description: str('description') } : {}),
        ...(str('localIfName') ? { localIfName: str('localIfName') } : {}),
        ...(str('peerIfName') ? { peerIfName: str('peerIfName') } : {}),
        ...(flags.deleteProtect ? { deleteProtect: true } : {}),
      });
      await finish(client, flags, peerConnId, ['active', 'consulting'], { peerConnId });
    });

  apiCommand(peerconn, 'list', 'list the ends you own in this region (one row per end)')
    .option('--vpc <vpcId>', 'only ends in this VPC')
    .action(async (flags: ClientFlags & { vpc?: string }) => {
      const all = [];
      for await (const item of new PeerConnClient(clientConfig(flags)).paginatePeerConns(
        flags.vpc ? { vpcId: flags.vpc } : {},
      )) {
        all.push(item);
      }
      print(flags.output, all, all.map(peerConnRow));
    });

  apiCommand(peerconn, 'get <peerConnId>', 'show a connection as one of your ends sees it')
    .option('--role <role>', 'initiator or acceptor, when both ends are yours')
    .action(async (id: string, flags: ClientFlags & { role?: string }) => {
      printRecord(flags.output, {
        ...(await new PeerConnClient(clientConfig(flags)).getPeerConn(id, parseRole(flags.role))),
      });
    });

  action(
    peerconn,
    'update <peerConnId>',
    'rename or describe your end',
    ['active', 'consulting'],
    async (client, id, flags) => {
      await client.modifyPeerConn(id, {
        localIfId: required('--local-if-id', flags.localIfId as string | undefined),
        ...(flags.name !== undefined ? { localIfName: flags.name as string } : {}),
        ...(flags.description !== undefined ? { description: flags.description as string } : {}),
      });
    },
  )
    .requiredOption('--local-if-id <qpif>', 'the interface id of your end (see peerconn get)')
    .option('--name <name>', 'new interface name')
    .option('--description <text>', 'new description');

  action(
    peerconn,
    'accept <peerConnId>',
    'accept a request (as the acceptor, through its region)',
    ['active'],
    (c, id) => c.accept(id),
    ['peerlink peerconn accept peerconn-… --profile bob --wait'],
  );
  action(peerconn, 'reject <peerConnId>', 'reject a request (as the acceptor)', undefined, (c, id) =>
    c.reject(id),
  );
  action(
    peerconn,
    'release <peerConnId>',
    'release a connection (and the routes through it)',
    ['deleted'],
    (c, id) => c.release(id),
    ['peerlink peerconn release peerconn-… --wait'],
  );
  action(
    peerconn,
    'resize <peerConnId>',
    'change the bandwidth (prepaid only grows)',
    ['active'],
    async (c, id, flags) => {
      await c.modifyBandwidth(
        id,
        required('--bandwidth', integer('--bandwidth', flags.bandwidth as string | undefined)),
      );
    },
    ['peerlink peerconn resize peerconn-… --bandwidth 20 --wait'],
  ).requiredOption('--bandwidth <mbps>', 'new bandwidth in Mbps');
  action(peerconn, 'renew <peerConnId>', 'extend a prepaid connection', undefined, async (c, id, flags) => {
    const months = required('--months', integer('--months', flags.months as string | undefined));
    await c.purchaseReserved(id, {
      reservation: { reservationLength: months, reservationTimeUnit: 'Month' },
    });
  }).requiredOption('--months <n>', '1-9, 12, 24 or 36');
  action(
    peerconn,
    'refund <peerConnId>',
    'unsubscribe a prepaid connection (then released)',
    ['deleted'],
    (c, id) => c.refund(id),
  );
  action(
    peerconn,
    'protect <peerConnId>',
    'switch delete protection on (--off to switch it off)',
    undefined,
    (c, id, flags) => c.switchDeleteProtect(id, !flags.off),
  ).option('--off', 'switch delete protection off');

  const dns = peerconn.command('dns').description('DNS sync of one end');
  for (const [name, open] of [
    ['open', true],
    ['close', false],
  ] as const) {
    withWait(
      apiCommand(dns, `${name} <peerConnId>`, `${name} DNS sync of one of your ends`, [
        `peerlink peerconn dns ${name} peerconn-… --role initiator --wait`,
      ]),
    )
      .requiredOption('--role <role>', 'initiator or acceptor: the end whose DNS sync changes')
      .action(async (id: string, flags: WaitFlags & { role: string }) => {
        const client = new PeerConnClient(clientConfig(flags));
        const role = parseRole(flags.role)!;
        await (open ? client.openSyncDns(id, role) : client.closeSyncDns(id, role));
        if (!flags.wait) {
          print(flags.output, { peerConnId: id }, [{ peerConnId: id }]);
          return;
        }
        const shown = progress(`${id} dns`);
        const reached = await client
          .waitUntilDnsStatus(id, role, open ? 'open' : 'close', {
            timeoutMs: timeoutMs(flags),
            onStatus: shown.update,
          })
          .finally(() => shown.done());
        print(flags.output, reached, [peerConnRow(reached)]);
      });
  }
}
