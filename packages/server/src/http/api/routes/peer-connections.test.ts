import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addPolicies,
  carryRelayFiles,
  connectMpx,
  connectRelay,
  type Enrollment,
  eventually,
  relayDirs,
  startEnrollment,
} from '../../../testing/enrollments.js';

describe('Peer Manager over MPX between two servers', () => {
  const started: Enrollment[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.server.close()));
  });

  it('walks request, import, approve, activate, disable, security change and delete', async () => {
    const a = await startEnrollment('Alpha');
    const b = await startEnrollment('Bravo');
    started.push(a, b);
    await addPolicies(a, b);
    await connectMpx(a, b);

    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { objects: 'export', files: 'both' },
    });
    expect(request.status).toBe('requested');
    expect(request.inviteCode).toMatch(/^plreq1\./);

    const preview = await b.pm.previewPeerRequest(request.inviteCode);
    expect(preview.originator).toEqual({ enrollmentId: a.enrollmentId, platformTitle: 'Alpha' });
    expect(preview.dataTypes).toEqual({ objects: 'import', files: 'both' });
    expect((await b.pm.listPeerConnections()).connections).toHaveLength(0);

    const accepted = await b.pm.approvePeerRequest({
      inviteCode: request.inviteCode,
      spaceId: b.spaceId,
      security: { classification: 'SECRET', markings: ['Operational'] },
    });
    expect(accepted.status).toBe('approved');

    const approved = await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.status === 'approved',
    );
    expect(approved.security).toEqual({ classification: 'SECRET', markings: ['Operational'] });
    expect(approved.remote.space?.id).toBe(b.spaceId);

    await expect(b.pm.activate(accepted.connectionId)).rejects.toMatchObject({
      statusCode: 403,
      reason: 'OnlyOriginator',
    });
    await a.pm.activate(request.connectionId);
    await eventually(
      () => b.pm.getPeerConnection(accepted.connectionId),
      (c) => c.status === 'active',
    );

    await b.pm.disable(accepted.connectionId);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.status === 'disabled',
    );
    await b.pm.enable(accepted.connectionId);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.status === 'active',
    );

    const change = await a.pm.proposeChange(request.connectionId, {
      security: { classification: 'TOP SECRET' },
    });
    const pending = await eventually(
      () => b.pm.listPendingChanges(),
      (p) => p.changeRequests.length === 1,
    );
    expect(pending.changeRequests[0]!.changeId).toBe(change.changeId);
    expect((await a.pm.getPeerConnection(request.connectionId)).security.classification).toBe('SECRET');
    // Only the classification was named: the markings stay as they were.
    expect(change.security).toEqual({ classification: 'TOP SECRET', markings: ['Operational'] });
    await b.pm.approveChange(accepted.connectionId, change.changeId);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.security.classification === 'TOP SECRET',
    );

    await b.pm.deletePeerConnection(accepted.connectionId);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.status === 'deleted',
    );
  });
});

describe('Peer Manager over a file relay with no network path', () => {
  const started: Enrollment[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.server.close()));
  });

  it('carries the handshake as signed files that a cross-domain solution copies', async () => {
    const a = await startEnrollment('Alpha');
    const b = await startEnrollment('Bravo');
    started.push(a, b);
    await addPolicies(a, b);
    const root = mkdtempSync(path.join(tmpdir(), 'peerlink-relay-'));
    const dirs = relayDirs(root);
    await connectRelay(a, b, dirs);
    const channels = (await a.pm.listRelayChannels()).channels;
    expect(channels.map((c) => c.health)).toEqual(['healthy', 'healthy']);

    const carryAll = () => carryRelayFiles(dirs.aOut, dirs.bIn) + carryRelayFiles(dirs.bOut, dirs.aIn);

    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { files: 'export' },
    });
    expect(request.transport).toBe('relay');
    const accepted = await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
    await eventually(
      async () => readdirSync(dirs.bOut).filter((n) => n.endsWith('.plmsg')).length,
      (n) => n === 1,
    );

    // A tampered copy is rejected and set aside; the genuine file then applies.
    const [approval] = readdirSync(dirs.bOut).filter((n) => n.endsWith('.plmsg'));
    const original = readFileSync(path.join(dirs.bOut, approval!), 'utf8');
    const forged = JSON.parse(original);
    forged.body = forged.body.replace('"UNCLASSIFIED"', '"SECRET"');
    writeFileSync(path.join(dirs.aIn, approval!), JSON.stringify(forged));
    await eventually(
      async () => readdirSync(path.join(dirs.aIn)).includes('rejected'),
      (v) => v,
    );
    expect((await a.pm.getPeerConnection(request.connectionId)).status).toBe('requested');

    carryAll();
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (c) => c.status === 'approved',
    );
    // Carried twice (the solution retried): applied once, nothing changes.
    writeFileSync(path.join(dirs.aIn, approval!), original);
    await eventually(
      async () => readdirSync(dirs.aIn).filter((n) => n.endsWith('.plmsg')).length,
      (n) => n === 0,
    );

    await a.pm.activate(request.connectionId);
    await eventually(
      async () => carryAll(),
      (n) => n > 0,
    );
    await eventually(
      () => b.pm.getPeerConnection(accepted.connectionId),
      (c) => c.status === 'active',
    );
    const rejected = (await a.pm.listRelayChannels()).channels.find((c) => c.direction === 'import')!;
    expect(rejected.rejected).toBe(1);
  });
});
