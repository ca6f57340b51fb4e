import type { MpxConnection, PeerConnectionInfo } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eDir, eventually, prepare, type Side, startSide } from './support/peer-manager.js';

/**
 * The Peer Manager's happy path (reference §2.2) between two `peerlink serve` processes over MPX,
 * every step a `peerlink` command as the administrators and space managers would type it.
 */
const { dir, env } = e2eDir('peerlink-pm-mpx-');
let alpha: Side;
let bravo: Side;

beforeAll(async () => {
  [alpha, bravo] = await Promise.all([startSide('alpha', dir, env), startSide('bravo', dir, env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([alpha?.server.stop(), bravo?.server.stop()]);
});

describe('Peer Manager over MPX, through the CLI', () => {
  it('connects two enrollments and walks request, import, approve, activate, a security change and delete', async () => {
    const ids = await prepare(alpha, bravo);

    // Step 0: each administrator generates an MPX invite (the code alone on stdout) and enters the other's.
    const [inviteA, inviteB] = await Promise.all(
      [alpha, bravo].map((side) => side.cli('network', 'mpx', 'invite', '--direction', 'bidirectional')),
    );
    const codeA = inviteA!.stdout.trim();
    const codeB = inviteB!.stdout.trim();
    expect(codeA).toMatch(/^plmpx1\.[\w-]+\.[\w-]+$/);
    expect(inviteA!.stderr).toContain('peerlink network mpx enter');
    await alpha.cli('network', 'mpx', 'enter', codeB, '--name', 'to bravo');
    await bravo.cli('network', 'mpx', 'enter', codeA, '--name', 'to alpha');
    for (const [side, remote] of [
      [alpha, ids.b.enrollmentId],
      [bravo, ids.a.enrollmentId],
    ] as const) {
      const listed = await eventually(
        () => side.cli('network', 'mpx', 'list'),
        (r) =>
          new RegExp(`^${remote}\\s.*\\sestablished\\s+bidirectional/bidirectional\\s+ok\\s`, 'm').test(
            r.stdout,
          ),
      );
      expect(listed.stdout).toMatch(/^REMOTEENROLLMENT\s+NAME\s+REMOTETITLE\s+STATUS\s+DIRECTIONS\s+HEALTH/);
    }
    const [connection] = await alpha.json<MpxConnection[]>('network', 'mpx', 'list');
    expect(connection).toMatchObject({ remoteTitle: 'Bravo platform', status: 'established' });
    expect((await bravo.cli('network', 'mpx', 'invites')).stdout).toMatch(
      new RegExp(`\\sbidirectional\\s+used\\s+${ids.a.enrollmentId}\\s`),
    );

    // Steps 1-2: a manager of Alpha's space creates the request; the invite code alone on stdout.
    const created = await alpha.cli(
      'peer',
      'request',
      'create',
      '--space',
      ids.a.spaceId,
      '--remote',
      ids.b.enrollmentId,
      '--objects',
      'export',
      '--files',
      'both',
    );
    const code = created.stdout.trim();
    expect(code).toMatch(/^plreq1\.[\w-]+\.[\w-]+$/);
    const connectionA = /Peer request (pmc-\w+)/.exec(created.stderr)![1]!;
    expect((await alpha.cli('peer', 'invite-code', connectionA)).stdout.trim()).toBe(code);

    // Step 3: Bravo enters the code: the details as seen from Bravo, nothing stored.
    const imported = await bravo.cli('peer', 'import', code);
    expect(imported.stdout).toMatch(/^originator\s+Alpha platform$/m);
    expect(imported.stdout).toMatch(new RegExp(`^originatorEnrollment\\s+${ids.a.enrollmentId}$`, 'm'));
    expect(imported.stdout).toMatch(new RegExp(`^space\\s+alpha space \\(${ids.a.spaceId}\\)$`, 'm'));
    expect(imported.stdout).toMatch(/^dataTypes\s+objects import, files both$/m);
    expect(imported.stdout).toMatch(/^expiresAt\s+\d{4}-\d\d-\d\dT/m);
    expect(imported.stdout).toMatch(/^missingPolicies\s+none$/m);
    expect(await bravo.json('peer', 'list')).toEqual([]);

    // Step 4: Bravo approves into its space, setting security; --wait returns once Alpha activated.
    const approving = bravo.json<PeerConnectionInfo>(
      'peer',
      'approve',
      code,
      '--space',
      ids.b.spaceId,
      '--classification',
      'SECRET',
      '--marking',
      'Operational',
      '--wait',
      '--timeout',
      '60',
    );
    await eventually(
      () => alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
      (c) => c.status === 'approved',
    );

    // Step 5: only the originator activates; both sides end active with mirrored data types.
    await alpha.cli('peer', 'activate', connectionA);
    const approved = await approving;
    expect(approved).toMatchObject({ role: 'acceptor', status: 'active' });
    const connectionB = approved.connectionId;
    const [shownA, shownB] = await Promise.all([
      alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
      bravo.json<PeerConnectionInfo>('peer', 'show', connectionB),
    ]);
    expect(shownA.status).toBe('active');
    expect(shownA.dataTypes).toEqual({ objects: 'export', files: 'both' });
    expect(shownB.dataTypes).toEqual({ objects: 'import', files: 'both' });
    expect(shownA.security).toEqual({ classification: 'SECRET', markings: ['Operational'] });
    expect(shownB.security).toEqual(shownA.security);
    expect(shownA.peeringId).toBe(shownB.peeringId);
    expect(shownA.remote.space?.id).toBe(ids.b.spaceId);
    expect((await bravo.cli('peer', 'show', connectionB)).stdout).toMatch(/^status\s+active$/m);

    // Steps 9-10: a security change proposed on Alpha (markings kept), approved on Bravo.
    const proposed = await alpha.json('peer', 'security', connectionA, '--classification', 'top-secret');
    expect(proposed).toMatchObject({
      origin: 'local',
      state: 'pending',
      security: { classification: 'TOP SECRET', markings: ['Operational'] },
    });
    const pending = await eventually(
      () => bravo.cli('peer', 'changes'),
      (r) => r.stdout.includes(proposed.changeId),
    );
    expect(pending.stdout).toMatch(
      new RegExp(`^${connectionB}\\s+${proposed.changeId}\\s+Alpha platform`, 'm'),
    );
    await bravo.cli('peer', 'change', 'approve', connectionB, proposed.changeId);
    await eventually(
      () => alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
      (c) => c.security.classification === 'TOP SECRET' && c.security.markings[0] === 'Operational',
    );

    // Step 11: Bravo deletes the connection; Alpha hears of it.
    expect((await bravo.cli('peer', 'delete', connectionB)).stdout).toMatch(/\sdeleted\s/);
    await eventually(
      () => alpha.json<PeerConnectionInfo>('peer', 'show', connectionA),
      (c) => c.status === 'deleted',
    );
  }, 120_000);
});
