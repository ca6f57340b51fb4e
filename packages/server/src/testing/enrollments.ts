import { copyFileSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { PeerlinkClient, PeerManagerClient, SpaceDataClient } from '@peerlink/sdk';
import type { MpxDirection } from '../domain/peering/mpx.js';
import { startTestServer, type TestServer } from './harness.js';

/** One Peerlink deployment in a Peer Manager test: its server, admin clients, identity and a space. */
export interface Enrollment {
  server: TestServer;
  peerlink: PeerlinkClient;
  pm: PeerManagerClient;
  spaceData: SpaceDataClient;
  enrollmentId: string;
  title: string;
  spaceId: string;
}

export async function startEnrollment(
  title: string,
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<Enrollment> {
  const server = await startTestServer({
    ...options,
    // Short pauses between delivery attempts, so that a side coming back is reached within a test.
    overrides: { reconcileIntervalMs: 50, federationRetryMaxMs: 1000, ...options.overrides },
  });
  const { peerlink, peerManager, spaceData } = server.clients({
    ak: server.admin.accessKeyId,
    sk: server.admin.secretAccessKey,
  });
  const enrollment = await peerlink.setPlatformTitle(title);
  const space = await peerlink.createSpace({ name: `${title} space`, description: `the ${title} side` });
  return {
    server,
    peerlink,
    pm: peerManager,
    spaceData,
    enrollmentId: enrollment.enrollmentId,
    title,
    spaceId: space.spaceId,
  };
}

/** The four network policies of R2 between two enrollments; each one given as true is created. */
export async function addPolicies(
  a: Enrollment,
  b: Enrollment,
  halves: { aEgress?: boolean; aIngress?: boolean; bEgress?: boolean; bIngress?: boolean } = {
    aEgress: true,
    aIngress: true,
    bEgress: true,
    bIngress: true,
  },
): Promise<void> {
  if (halves.aEgress) await a.peerlink.addEgressRule({ enrollmentId: b.enrollmentId });
  if (halves.aIngress) await a.peerlink.addIngressRule({ enrollmentId: b.enrollmentId });
  if (halves.bEgress) await b.peerlink.addEgressRule({ enrollmentId: a.enrollmentId });
  if (halves.bIngress) await b.peerlink.addIngressRule({ enrollmentId: a.enrollmentId });
}

/** Both administrators generate an MPX invite and enter the other's code (R4); waits until established. */
export async function connectMpx(
  a: Enrollment,
  b: Enrollment,
  directions: [MpxDirection, MpxDirection] = ['bidirectional', 'bidirectional'],
): Promise<void> {
  const inviteA = await a.pm.createMpxInvite({ direction: directions[0] });
  const inviteB = await b.pm.createMpxInvite({ direction: directions[1] });
  await a.pm.enterMpxInvite({ code: inviteB.code, name: `to ${b.title}` });
  await b.pm.enterMpxInvite({ code: inviteA.code, name: `to ${a.title}` });
  for (const side of [a, b]) {
    await eventually(
      async () => (await side.pm.listMpxConnections()).connections[0]?.status,
      (status) => status === 'established',
    );
  }
}

/** Polls `read` until `done` holds for its answer (messages between servers are asynchronous). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The four directories of a two-way file relay: each side's export and import channel. */
export interface RelayDirs {
  aOut: string;
  aIn: string;
  bOut: string;
  bIn: string;
}

export function relayDirs(root: string): RelayDirs {
  return {
    aOut: path.join(root, 'a-export'),
    aIn: path.join(root, 'a-import'),
    bOut: path.join(root, 'b-export'),
    bIn: path.join(root, 'b-import'),
  };
}

/** Both administrators create an export and an import channel with the other's identity card (R7). */
export async function connectRelay(
  a: Pick<Enrollment, 'pm' | 'title'>,
  b: Pick<Enrollment, 'pm' | 'title'>,
  dirs: RelayDirs,
): Promise<void> {
  const cardA = (await a.pm.getIdentity()).identityCard;
  const cardB = (await b.pm.getIdentity()).identityCard;
  const channels: Array<[Pick<Enrollment, 'pm' | 'title'>, string, 'export' | 'import', string]> = [
    [a, cardB, 'export', dirs.aOut],
    [a, cardB, 'import', dirs.aIn],
    [b, cardA, 'export', dirs.bOut],
    [b, cardA, 'import', dirs.bIn],
  ];
  for (const [side, remoteIdentity, direction, dir] of channels) {
    await side.pm.createRelayChannel({
      name: `${direction} ${side.title}`,
      remoteIdentity,
      direction,
      path: dir,
    });
  }
}

/**
 * The cross-domain solution: moves each finished message file across (copied under a temporary
 * name, then renamed, so the reader never sees half a file), then deletes the source. Answers how
 * many files it moved.
 */
export function carryRelayFiles(from: string, to: string): number {
  let moved = 0;
  for (const name of readdirSync(from).filter((n) => n.endsWith('.plmsg') && !n.startsWith('.'))) {
    const part = path.join(to, `.${name}.part`);
    copyFileSync(path.join(from, name), part);
    renameSync(part, path.join(to, name));
    unlinkSync(path.join(from, name));
    moved++;
  }
  return moved;
}
