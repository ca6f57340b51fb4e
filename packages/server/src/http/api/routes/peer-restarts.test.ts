import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PeerlinkClient, PeerManagerClient } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPolicies,
  connectMpx,
  connectRelay,
  type Enrollment,
  eventually,
  relayDirs,
  startEnrollment,
} from '../../../testing/enrollments.js';
import { startTestServer } from '../../../testing/harness.js';

/**
 * The peering handshake survives restarts: messages wait in the sender's outbox (kept in its
 * database) until the receiver is back, and a message that arrives twice is applied once.
 */

/** Starts a stopped enrollment again on its data directory and port (its peers reach it there). */
async function restart(e: Enrollment): Promise<Enrollment> {
  const server = await startTestServer({
    dataDir: e.server.dataDir,
    admin: e.server.admin,
    overrides: { port: Number(new URL(e.server.endpoint()).port), reconcileIntervalMs: 50 },
  });
  const { peerlink, peerManager } = server.clients({
    ak: server.admin.accessKeyId,
    sk: server.admin.secretAccessKey,
  });
  return { ...e, server, peerlink, pm: peerManager };
}

async function mpxHealth(pm: PeerManagerClient, remote: Enrollment) {
  const connection = (await pm.listMpxConnections()).connections.find(
    (c) => c.remoteEnrollmentId === remote.enrollmentId,
  );
  if (!connection) throw new Error(`no MPX connection with ${remote.enrollmentId}`);
  return connection.health;
}

async function auditActions(peerlink: PeerlinkClient, target: string, action: string): Promise<number> {
  const { events } = await peerlink.listAuditEvents({ maxKeys: 1000 });
  return events.filter((e) => e.target === target && e.action === action).length;
}

describe('restarts in the middle of a handshake over MPX', () => {
  let a: Enrollment;
  let b: Enrollment;
  /** Whether each side's server is running, for the clean-up. */
  const running = { a: false, b: false };

  beforeAll(async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
    running.a = running.b = true;
    await addPolicies(a, b);
    await connectMpx(a, b);
  });
  afterAll(async () => {
    await Promise.all([running.a && a.server.close(), running.b && b.server.close()]);
  });

  async function stop(side: 'a' | 'b'): Promise<void> {
    await (side === 'a' ? a : b).server.close();
    running[side] = false;
  }
  async function start(side: 'a' | 'b'): Promise<void> {
    if (side === 'a') a = await restart(a);
    else b = await restart(b);
    running[side] = true;
  }

  it('delivers an approval made while the originator was down once it is back', async () => {
    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { objects: 'export' },
    });
    await stop('a');

    const accepted = await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
    const failing = await eventually(
      () => mpxHealth(b.pm, a),
      (health) => health.lastError !== null,
    );
    expect(failing.pendingMessages).toBeGreaterThanOrEqual(1);

    await start('a');
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (connection) => connection.status === 'approved',
    );
    const healthy = await eventually(
      () => mpxHealth(b.pm, a),
      (health) => health.pendingMessages === 0,
    );
    expect(healthy.lastError).toBeNull();
    expect(await auditActions(a.peerlink, request.connectionId, 'PeerRequestApproved')).toBe(1);
    expect((await a.pm.getPeerConnection(request.connectionId)).remote.space?.id).toBe(b.spaceId);
    expect((await b.pm.getPeerConnection(accepted.connectionId)).status).toBe('approved');
  }, 60_000);

  it('keeps an undelivered approval across a restart of the acceptor too, and delivers it once', async () => {
    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { files: 'export' },
    });
    await stop('a');
    const accepted = await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
    await eventually(
      () => mpxHealth(b.pm, a),
      (health) => health.lastError !== null && health.pendingMessages >= 1,
    );

    // B goes down before it could deliver; it comes back first, still holding the message.
    await stop('b');
    await start('b');
    expect((await mpxHealth(b.pm, a)).pendingMessages).toBeGreaterThanOrEqual(1);
    expect((await b.pm.getPeerConnection(accepted.connectionId)).status).toBe('approved');
    await start('a');

    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (connection) => connection.status === 'approved',
    );
    await eventually(
      () => mpxHealth(b.pm, a),
      (health) => health.pendingMessages === 0,
    );
    expect(await auditActions(a.peerlink, request.connectionId, 'PeerRequestApproved')).toBe(1);
    const onB = (await b.pm.listPeerConnections()).connections.filter(
      (c) => c.peeringId === request.peeringId,
    );
    expect(onB.map((c) => c.connectionId)).toEqual([accepted.connectionId]);

    // Both restarted servers go on with the handshake.
    await a.pm.activate(request.connectionId);
    await eventually(
      () => b.pm.getPeerConnection(accepted.connectionId),
      (connection) => connection.status === 'active',
    );
    expect(await auditActions(b.peerlink, accepted.connectionId, 'PeerConnectionActivated')).toBe(1);
  }, 60_000);
});

describe('a message carried twice over a file relay', () => {
  let a: Enrollment;
  let b: Enrollment;
  let aRunning = false;
  const root = mkdtempSync(path.join(tmpdir(), 'peerlink-relay-'));
  const dirs = relayDirs(root);
  const messages = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.plmsg'));
  /** What a cross-domain solution does: a complete file appears at once under `name`. */
  const drop = (dir: string, name: string, content: string) => {
    writeFileSync(path.join(dir, `.${name}.part`), content);
    renameSync(path.join(dir, `.${name}.part`), path.join(dir, name));
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
    aRunning = true;
    await addPolicies(a, b);
    await connectRelay(a, b, dirs);
  });
  afterAll(async () => {
    await Promise.all([aRunning && a.server.close(), b?.server.close()]);
  });

  it('is applied once, whether the copies arrive together or after a restart', async () => {
    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { files: 'export' },
    });
    expect(request.transport).toBe('relay');
    await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
    const [approval] = await eventually(
      async () => messages(dirs.bOut),
      (names) => names.length === 1,
    );
    const content = readFileSync(path.join(dirs.bOut, approval!), 'utf8');

    // Two copies at once, under two names (the solution retried with a new name).
    drop(dirs.aIn, `copy-${approval}`, content);
    drop(dirs.aIn, approval!, content);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (connection) => connection.status === 'approved',
    );
    await eventually(
      async () => messages(dirs.aIn).length,
      (n) => n === 0,
    );

    // Once more after a restart: nothing in memory remembers it, the database does.
    await a.server.close();
    aRunning = false;
    a = await restart(a);
    aRunning = true;
    drop(dirs.aIn, approval!, content);
    await eventually(
      async () => messages(dirs.aIn).length,
      (n) => n === 0,
    );

    expect((await a.pm.getPeerConnection(request.connectionId)).status).toBe('approved');
    expect(await auditActions(a.peerlink, request.connectionId, 'PeerRequestApproved')).toBe(1);
    const importChannel = (await a.pm.listRelayChannels()).channels.find((c) => c.direction === 'import')!;
    expect(importChannel.rejected).toBe(0);
    expect(readdirSync(dirs.aIn)).not.toContain('rejected');
    // Had a copy been applied again, A would have answered it (InviteAlreadyUsed) to B.
    expect(messages(dirs.aOut)).toEqual([]);
  }, 60_000);
});
