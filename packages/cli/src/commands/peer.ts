import { readFileSync } from 'node:fs';
import {
  type ChangeRequestInfo,
  type ConnectionSecurity,
  type ConnectionSecurityView,
  markingLabels,
  type PeerConnectionInfo,
  type PeerDataTypes,
  type PeeringDirection,
  PeerManagerClient,
  WaiterError,
} from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand, integer, required, timeoutMs, withWait } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print, printRecord } from '../output.js';
import { allPages } from '../pages.js';
import { progress } from '../progress.js';

const client = (flags: ClientFlags) => new PeerManagerClient(clientConfig(flags));

/** Details for a person, on standard error, so that standard output keeps only what a script captures. */
const note = (line: string) => process.stderr.write(`${line}\n`);

const DIRECTIONS: readonly PeeringDirection[] = ['export', 'import', 'both'];
const CLASSIFICATIONS: readonly ConnectionSecurity['classification'][] = [
  'UNCLASSIFIED',
  'CONFIDENTIAL',
  'SECRET',
  'TOP SECRET',
];

interface DataTypeFlags {
  objects?: string;
  files?: string;
}
interface SecurityFlags {
  classification?: string;
  marking?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function direction(name: string, text: string, allowNone: boolean): PeeringDirection | 'none' {
  const value = text.toLowerCase();
  if ((DIRECTIONS as readonly string[]).includes(value)) return value as PeeringDirection;
  if (allowNone && value === 'none') return 'none';
  throw new UsageError(`${name} must be export, import or both${allowNone ? ' (or none)' : ''}`);
}

/** `--objects` / `--files` as data types; undefined when neither is given. */
function dataTypesOf(flags: DataTypeFlags, allowNone = false): Record<string, PeeringDirection | 'none'> {
  const types: Record<string, PeeringDirection | 'none'> = {};
  if (flags.objects !== undefined) types.objects = direction('--objects', flags.objects, allowNone);
  if (flags.files !== undefined) types.files = direction('--files', flags.files, allowNone);
  return types;
}

function classification(text: string | undefined): ConnectionSecurity['classification'] | undefined {
  if (text === undefined) return undefined;
  const value = text.toUpperCase().replace(/[_-]/g, ' ');
  if (!(CLASSIFICATIONS as readonly string[]).includes(value))
    throw new UsageError(`--classification must be one of ${CLASSIFICATIONS.join(', ')}`);
  return value as ConnectionSecurity['classification'];
}

function securityOf(flags: SecurityFlags): Partial<ConnectionSecurity> | undefined {
  const level = classification(flags.classification);
  if (level === undefined && flags.marking === undefined) return undefined;
  return {
    ...(level !== undefined ? { classification: level } : {}),
    ...(flags.marking !== undefined ? { markings: flags.marking } : {}),
  };
}

function withSecurityOptions(command: Command): Command {
  return command
    .option('--classification <level>', `the most a resource may carry: ${CLASSIFICATIONS.join(', ')}`)
    .option('--marking <marking>', 'a marking resources may carry (repeatable)', collect);
}

/** An invite code given as text, or `@file` to read it from a file. */
function inviteCode(text: string): string {
  if (!text.startsWith('@')) return text;
  try {
    return readFileSync(text.slice(1), 'utf8').trim();
  } catch (error) {
    throw new UsageError(`cannot read the invite code from ${text.slice(1)}: ${(error as Error).message}`);
  }
}

const describeTypes = (types: PeerDataTypes | null) =>
  types
    ? Object.entries(types)
        .map(([type, d]) => `${type} ${d}`)
        .join(', ') || '-'
    : '';

// A marking the caller may not see comes as null and is shown "Unknown" (R25).
const describeSecurity = (security: Partial<ConnectionSecurityView> | null) =>
  security
    ? [security.classification, ...markingLabels(security.markings ?? [])]
        .filter((part) => part !== undefined)
        .join(' + ')
    : '';

const remoteOf = (c: PeerConnectionInfo) =>
  c.remote.platformTitle ? `${c.remote.platformTitle} (${c.remote.enrollmentId})` : c.remote.enrollmentId;

const connectionRow = (c: PeerConnectionInfo) => ({
  connectionId: c.connectionId,
  role: c.role,
  status: c.status,
  space: c.spaceId,
  remote: remoteOf(c),
  remoteSpace: c.remote.space ? `${c.remote.space.name} (${c.remote.space.id})` : '',
  dataTypes: describeTypes(c.dataTypes),
  security: describeSecurity(c.security),
  transport: c.transport,
});

const changeRow = (c: ChangeRequestInfo) => ({
  changeId: c.changeId,
  origin: c.origin,
  state: c.state,
  security: describeSecurity(c.security),
  dataTypes: describeTypes(c.dataTypes),
  created: c.createdAt,
});

function showConnection(
  flags: ClientFlags,
  c: PeerConnectionInfo & { changeRequests?: ChangeRequestInfo[] },
) {
  if (flags.output === 'json') {
    print('json', c, []);
    return;
  }
  const pending = (c.changeRequests ?? []).filter((change) => change.state === 'pending');
  printRecord(flags.output, {
    connectionId: c.connectionId,
    peeringId: c.peeringId,
    role: c.role,
    status: c.status,
    reason: c.stateReason,
    space: c.spaceId,
    remoteEnrollment: c.remote.enrollmentId,
    remoteTitle: c.remote.platformTitle,
    remoteSpace: c.remote.space ? `${c.remote.space.name} (${c.remote.space.id})` : null,
    dataTypes: describeTypes(c.dataTypes),
    security: describeSecurity(c.security),
    disabled: c.disabled.local || c.disabled.remote ? describeDisabled(c.disabled) : 'no',
    transport: c.transport,
    inviteExpiresAt: c.inviteExpiresAt,
    pendingChanges: pending.map((change) => `${change.changeId} (${change.origin})`).join(', ') || 'none',
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

const describeDisabled = (disabled: { local: boolean; remote: boolean }) =>
  [disabled.local && 'by this side', disabled.remote && 'by the other side'].filter(Boolean).join(' and ');

/** A command acting on one connection and printing it. */
function connectionAction(
  parent: Command,
  spec: string,
  description: string,
  run: (pm: PeerManagerClient, id: string) => Promise<PeerConnectionInfo>,
  examples: string[] = [],
): Command {
  return apiCommand(parent, spec, description, examples).action(async (id: string, flags: ClientFlags) => {
    const connection = await run(client(flags), id);
    print(flags.output, connection, [connectionRow(connection)]);
  });
}

/**
 * `peerlink peer …`: Peer Manager peer connections between a space here and a space of another
 * enrollment: request, import and approve on the other side, activate, disable/enable, security
 * and data type changes, delete. Each needs the caller to manage the local space.
 */
export function registerPeerCommands(program: Command): void {
  const peer = program
    .command('peer')
    .description('Peer Manager peer connections between a space here and a space of another enrollment');

  // ---- requests -----------------------------------------------------------------------------

  const request = peer.command('request').description('peer requests, made by the originating side');
  apiCommand(
    request,
    'create',
    'create a peer request for a space you manage and print its invite code (send it to the other side)',
    [
      'CODE=$(peerlink peer request create --space spc-0lx2k7a90001 --remote enr-0lx2k7a90002 --objects export --files both)',
    ],
  )
    .option('--space <spaceId>', 'the local space to peer (you manage it)')
    .option('--remote <enrollmentId>', 'the enrollment to peer with')
    .option('--objects <direction>', 'peer objects: export, import or both')
    .option('--files <direction>', 'peer files: export, import or both')
    .option('--expires-in-days <n>', 'the invite code expires after this many days (1-30, default 7)')
    .action(
      async (
        flags: ClientFlags & DataTypeFlags & { space?: string; remote?: string; expiresInDays?: string },
      ) => {
        const dataTypes = dataTypesOf(flags) as PeerDataTypes;
        if (Object.keys(dataTypes).length === 0)
          throw new UsageError('give --objects, --files or both, each export, import or both');
        const days = integer('--expires-in-days', flags.expiresInDays);
        const created = await client(flags).createPeerRequest({
          spaceId: required('--space', flags.space),
          remoteEnrollmentId: required('--remote', flags.remote),
          dataTypes,
          ...(days !== undefined ? { expiresInDays: days } : {}),
        });
        if (flags.output === 'json') {
          print('json', created, []);
          return;
        }
        process.stdout.write(`${created.inviteCode}\n`);
        note(
          `Peer request ${created.connectionId} (${describeTypes(created.dataTypes)}, over ${created.transport}), code expires ${created.inviteExpiresAt}.`,
        );
        note(
          `Send the code to a manager on ${created.remote.enrollmentId}: they run "peerlink peer import <code>" and "peerlink peer approve <code> --space <theirSpace>"; then activate here with "peerlink peer activate ${created.connectionId}".`,
        );
      },
    );

  apiCommand(
    peer,
    'import <code>',
    "enter a peer request's invite code: shows the connection details; stores nothing",
    ['peerlink peer import plreq1.…', 'peerlink peer import @request.code --output json'],
  ).action(async (code: string, flags: ClientFlags) => {
    const preview = await client(flags).previewPeerRequest(inviteCode(code));
    if (flags.output === 'json') {
      print('json', preview, []);
      return;
    }
    printRecord(flags.output, {
      peeringId: preview.peeringId,
      originator: preview.originator.platformTitle ?? '(no platform title)',
      originatorEnrollment: preview.originator.enrollmentId,
      space: `${preview.space.name} (${preview.space.id})`,
      spaceDescription: preview.space.description,
      dataTypes: describeTypes(preview.dataTypes),
      transport: preview.transport,
      expiresAt: preview.expiresAt,
      missingPolicies: preview.missingPolicies.join('; ') || 'none',
    });
  });

  withWait(
    withSecurityOptions(
      apiCommand(
        peer,
        'approve <code>',
        'approve a peer request into a space you manage, optionally setting its security',
        [
          'peerlink peer approve plreq1.… --space spc-0lx2k7a90003',
          'peerlink peer approve @request.code --space spc-0lx2k7a90003 --classification SECRET --marking Operational --wait',
        ],
      ).option('--space <spaceId>', 'the local space that receives the peered data (you manage it)'),
    ),
  )
    .addHelpText(
      'after',
      '\nWith --wait, waits until the originator activates the connection (or refuses).\n',
    )
    .action(
      async (
        code: string,
        flags: ClientFlags & SecurityFlags & { space?: string; wait?: boolean; timeout?: string },
      ) => {
        const security = securityOf(flags);
        const pm = client(flags);
        let connection = await pm.approvePeerRequest({
          inviteCode: inviteCode(code),
          spaceId: required('--space', flags.space),
          ...(security ? { security } : {}),
        });
        if (flags.wait) connection = await waitForChange(pm, connection, timeoutMs(flags));
        print(flags.output, connection, [connectionRow(connection)]);
      },
    );

  connectionAction(
    peer,
    'activate <connectionId>',
    'activate an approved connection (the originator only): peering starts on both sides',
    (pm, id) => pm.activate(id),
  );

  // ---- connections --------------------------------------------------------------------------

  apiCommand(peer, 'list', 'list the peer connections of the spaces you manage', [
    'peerlink peer list',
    'peerlink peer list --state requested,approved',
  ])
    .option('--state <states>', 'only these states, comma-separated (requested, approved, active, …)')
    .action(async (flags: ClientFlags & { state?: string }) => {
      const pm = client(flags);
      const connections = await allPages(
        (args) => pm.listPeerConnections({ ...args, ...(flags.state ? { state: flags.state } : {}) }),
        (page) => page.connections,
      );
      print(flags.output, connections, connections.map(connectionRow));
    });

  apiCommand(peer, 'show <connectionId>', 'show a peer connection and its change requests').action(
    async (id: string, flags: ClientFlags) => {
      showConnection(flags, await client(flags).getPeerConnection(id));
    },
  );

  connectionAction(
    peer,
    'disable <connectionId>',
    'stop all peering on the connection (both sides)',
    (pm, id) => pm.disable(id),
  );
  connectionAction(
    peer,
    'enable <connectionId>',
    'resume peering (once neither side has it disabled)',
    (pm, id) => pm.enable(id),
  );

  withSecurityOptions(
    apiCommand(
      peer,
      'security <connectionId>',
      'propose new security or data types: the other side approves or rejects the change',
      [
        'peerlink peer security pmc-0lx2k7a90001 --classification SECRET --marking Operational',
        'peerlink peer security pmc-0lx2k7a90001 --files none --objects both',
      ],
    ),
  )
    .option('--clear-markings', 'allow no markings')
    .option('--objects <direction>', 'peer objects: export, import, both or none')
    .option('--files <direction>', 'peer files: export, import, both or none')
    .addHelpText(
      'after',
      '\nWhat is not given stays as it is: the proposal starts from the current security and data types.\n',
    )
    .action(
      async (
        id: string,
        flags: ClientFlags & SecurityFlags & DataTypeFlags & { clearMarkings?: boolean },
      ) => {
        const level = classification(flags.classification);
        const types = dataTypesOf(flags, true);
        if (flags.clearMarkings && flags.marking)
          throw new UsageError('give --marking or --clear-markings, not both');
        const changesSecurity = level !== undefined || flags.marking !== undefined || flags.clearMarkings;
        if (!changesSecurity && Object.keys(types).length === 0)
          throw new UsageError(
            'give what to change: --classification, --marking, --clear-markings, --objects or --files',
          );
        const pm = client(flags);
        // The server replaces security and data types as a whole: start from the current ones.
        const current = await pm.getPeerConnection(id);
        const security = changesSecurity
          ? {
              classification: level ?? current.security.classification,
              // Hidden markings (null) cannot be named; the server keeps them in force.
              markings: flags.clearMarkings
                ? []
                : (flags.marking ?? current.security.markings.filter((m): m is string => m !== null)),
            }
          : undefined;
        let dataTypes: PeerDataTypes | undefined;
        if (Object.keys(types).length > 0) {
          const merged: Record<string, string> = { ...current.dataTypes, ...types };
          dataTypes = Object.fromEntries(
            Object.entries(merged).filter(([, d]) => d !== 'none'),
          ) as PeerDataTypes;
          if (Object.keys(dataTypes).length === 0)
            throw new UsageError('a connection keeps at least one data type');
        }
        const change = await pm.proposeChange(id, {
          ...(security ? { security } : {}),
          ...(dataTypes ? { dataTypes } : {}),
        });
        print(flags.output, change, [changeRow(change)]);
        if (flags.output !== 'json')
          note(
            `Change ${change.changeId} waits for the other side's decision; the current settings stay until then.`,
          );
      },
    );

  apiCommand(peer, 'changes', 'list the change requests waiting for your decision').action(
    async (flags: ClientFlags) => {
      const { changeRequests } = await client(flags).listPendingChanges();
      print(
        flags.output,
        changeRequests,
        changeRequests.map((c) => ({
          connectionId: c.connectionId,
          changeId: c.changeId,
          remote: remoteOf(c.connection),
          security: describeSecurity(c.security),
          dataTypes: describeTypes(c.dataTypes),
          created: c.createdAt,
        })),
      );
    },
  );

  const change = peer.command('change').description('decide a change request the other side proposed');
  for (const decision of ['approve', 'reject'] as const) {
    apiCommand(
      change,
      `${decision} <connectionId> <changeId>`,
      decision === 'approve' ? 'approve a change: it takes effect on both sides' : 'reject a change',
      [`peerlink peer change ${decision} pmc-0lx2k7a90001 chg-0lx2k7a90002`],
    ).action(async (id: string, changeId: string, flags: ClientFlags) => {
      const pm = client(flags);
      const connection = await (decision === 'approve'
        ? pm.approveChange(id, changeId)
        : pm.rejectChange(id, changeId));
      print(flags.output, connection, [connectionRow(connection)]);
    });
  }

  connectionAction(
    peer,
    'delete <connectionId>',
    'delete a connection on both sides (peered data stays), or revoke a request still waiting',
    (pm, id) => pm.deletePeerConnection(id),
  );

  apiCommand(
    peer,
    'invite-code <connectionId>',
    'print the invite code of a request still waiting (the same code again)',
  ).action(async (id: string, flags: ClientFlags) => {
    const { inviteCode } = await client(flags).getInviteCode(id);
    if (flags.output === 'json') print('json', { inviteCode }, []);
    else process.stdout.write(`${inviteCode}\n`);
  });
}

/** Polls a connection until its status differs from the one it had, showing progress on stderr. */
async function waitForChange(
  pm: PeerManagerClient,
  connection: PeerConnectionInfo,
  timeout: number,
): Promise<PeerConnectionInfo> {
  const shown = progress(connection.connectionId);
  shown.update(connection.status);
  const deadline = Date.now() + timeout;
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const current = await pm.getPeerConnection(connection.connectionId);
      if (current.status !== connection.status) {
        shown.update(current.status);
        return current;
      }
      if (Date.now() > deadline)
        throw new WaiterError(
          `${connection.connectionId} is still ${current.status} after ${Math.round(timeout / 1000)} s`,
          'timeout',
          current.status,
        );
    }
  } finally {
    shown.done();
  }
}
