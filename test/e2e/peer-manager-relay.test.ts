import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PeerConnectionInfo, RelayChannel } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carryRelayFiles } from '../../packages/server/src/testing/enrollments.js';
import { e2eDir, eventually, prepare, type Side, startSide } from './support/peer-manager.js';

/**
 * The Peer Manager's happy path between two `peerlink serve` processes that never talk to each
 * other: a file data relay carries every message, and the test plays the cross-domain solution
 * that copies files from each side's export directory to the other side's import directory.
 */
const { dir, env } = e2eDir('peerlink-pm-relay-');
const dirs = {
  alphaOut: path.join(dir, 'relay', 'alpha-export'),
  alphaIn: path.join(dir, 'relay', 'alpha-import'),
  bravoOut: path.join(dir, 'relay', 'bravo-export'),
  bravoIn: path.join(dir, 'relay', 'bravo-import'),
};
let alpha: Side;
let bravo: Side;

beforeAll(async () => {
  [alpha, bravo] = await Promise.all([startSide('alpha', dir, env), startSide('bravo', dir, env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([alpha?.server.stop(), bravo?.server.stop()]);
});

/** Runs the carrier every 200 ms until stopped; answers how many files it moved. */
function startCarrier(): { stop(): number } {
  let moved = 0;
  const timer = setInterval(() => {
    moved += carryRelayFiles(dirs.alphaOut, dirs.bravoIn) + carryRelayFiles(dirs.bravoOut, dirs.alphaIn);
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return moved;
    },
  };
}

describe('Peer Manager over a file data relay, through the CLI', () => {
  it('exchanges identity cards, pairs channels and walks the request to active on both sides', async () => {
    const ids = await prepare(alpha, bravo);

    // Step 0: identity cards (the card alone on stdout), then an export and an import channel each.
    const [cardA, cardB] = await Promise.all(
      [alpha, bravo].map(async (side) => (await side.cli('network', 'identity')).stdout.trim()),
    );
    expect(cardA).toMatch(/^plid1\.[\w-]+\.[\w-]+$/);
    expect(await bravo.json('network', 'identity')).toMatchObject({
      enrollmentId: ids.b.enrollmentId,
      platformTitle: 'Bravo platform',
      identityCard: cardB,
    });
    const channel = (side: Side, card: string, direction: string, at: string) =>
      side.cli(
        'network',
        'relay',
        'create',
        '--name',
        `${direction} ${side.name}`,
        '--remote-identity',
        card,
        '--direction',
        direction,
        '--path',
        at,
      );
    await Promise.all([
      channel(alpha, cardB!, 'export', dirs.alphaOut).then(() =>
        channel(alpha, cardB!, 'import', dirs.alphaIn),
      ),
      channel(bravo, cardA!, 'export', dirs.bravoOut).then(() =>
        channel(bravo, cardA!, 'import', dirs.bravoIn),
      ),
    ]);
    const listed = await alpha.cli('network', 'relay', 'list');
    expect(listed.stdout).toMatch(
      /^CHANNELID\s+NAME\s+REMOTEENROLLMENT\s+DIRECTION\s+PATH\s+HEALTH\s+WAITING\s+REJECTED/,
    );
    expect(listed.stdout).toMatch(new RegExp(`\\sexport\\s+${dirs.alphaOut}\\s+healthy\\s`));
    expect(listed.stdout).toMatch(new RegExp(`\\simport\\s+${dirs.alphaIn}\\s+healthy\\s+0\\s+0\\s`));

    const carrier = startCarrier();
    try {
      // Steps 1-4: request on Alpha, import and approve on Bravo; the approval travels as a file.
      const code = (
        await alpha.cli(
          'peer',
          'request',
          'create',
          '--space',
          ids.a.spaceId,
          '--remote',
          ids.b.enrollmentId,
          '--files',
          'export',
        )
      ).stdout.trim();
      const imported = await bravo.json('peer', 'import', code);
      expect(imported).toMatchObject({
        originator: { enrollmentId: ids.a.enrollmentId, platformTitle: 'Alpha platform' },
        dataTypes: { files: 'import' },
        transport: 'relay',
        missingPolicies: [],
      });
      const approved = await bravo.json<PeerConnectionInfo>(
        'peer',
        'approve',
        code,
        '--space',
        ids.b.spaceId,
      );
      const [requested] = await alpha.json<PeerConnectionInfo[]>('peer', 'list');
      const connectionA = requested!.connectionId;
      await eventually(
        () => alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
        (c) => c.status === 'approved',
      );

      // Step 5: Alpha activates; the activation travels back as a file.
      await alpha.cli('peer', 'activate', connectionA);
      const [shownA, shownB] = await Promise.all([
        alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
        eventually(
          () => bravo.json<PeerConnectionInfo>('peer', 'show', approved.connectionId),
          (c) => c.status === 'active',
        ),
      ]);
      expect(shownA).toMatchObject({ status: 'active', transport: 'relay', dataTypes: { files: 'export' } });
      expect(shownB).toMatchObject({ status: 'active', transport: 'relay', dataTypes: { files: 'import' } });
      expect(shownA.remote.space?.id).toBe(ids.b.spaceId);
    } finally {
      expect(carrier.stop()).toBeGreaterThanOrEqual(2);
    }

    // Each import channel read what was carried; a file that is no Peerlink message is set aside.
    const imports = async (side: Side) =>
      (await side.json<RelayChannel[]>('network', 'relay', 'list')).find((c) => c.direction === 'import')!;
    expect(await imports(alpha)).toMatchObject({ health: 'healthy', messages: 1, rejected: 0, waiting: 0 });
    expect(await imports(bravo)).toMatchObject({ health: 'healthy', messages: 1, rejected: 0, waiting: 0 });
    writeFileSync(path.join(dirs.alphaIn, 'zz-forged.plmsg'), '{"not":"a message"}');
    await eventually(
      () => imports(alpha),
      (c) => c.rejected === 1,
    );
    expect(existsSync(path.join(dirs.alphaIn, 'rejected', 'zz-forged.plmsg'))).toBe(true);
    expect((await alpha.cli('network', 'relay', 'list')).stdout).toMatch(/\simport\s+\S+\s+\w+\s+0\s+1\s/);
  }, 120_000);
});
