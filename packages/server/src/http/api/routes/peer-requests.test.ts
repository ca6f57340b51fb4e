import type { AuditEvent, PeerlinkClient, PeerManagerClient } from '@peerlink/sdk';
import { PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPolicies,
  connectMpx,
  type Enrollment,
  eventually,
  startEnrollment,
} from '../../../testing/enrollments.js';
import { ManualClock, startTestServer, type TestServer } from '../../../testing/harness.js';

/**
 * Peer requests between two real servers (R10-R21): invite codes (tampering, reuse, expiry,
 * revocation, addressee), preconditions (platform title, transport), who may do what (space
 * managers only, administrators included), and the life of a connection after activation.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

async function refusal(call: () => Promise<unknown>): Promise<PeerlinkApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return error;
}

/** The code with the character at `at` replaced by another one (the next in the base64url alphabet). */
function withCharChanged(code: string, at: number): string {
  const index = BASE64URL.indexOf(code[at]!);
  const replacement = index === -1 ? 'x' : BASE64URL[(index + 1) % BASE64URL.length]!;
  return `${code.slice(0, at)}${replacement}${code.slice(at + 1)}`;
}

async function auditOf(peerlink: PeerlinkClient): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let marker: string | undefined;
  do {
    const page = await peerlink.listAuditEvents({ maxKeys: 1000, ...(marker ? { marker } : {}) });
    events.push(...page.events);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  return events;
}

type ConnectionView = Awaited<ReturnType<PeerManagerClient['getPeerConnection']>>;

function until(
  pm: PeerManagerClient,
  connectionId: string,
  done: (connection: ConnectionView) => boolean,
): Promise<ConnectionView> {
  return eventually(() => pm.getPeerConnection(connectionId), done);
}

describe('peer requests between two servers', () => {
  let a: Enrollment;
  /** B's clock is moved by the expiry cases (and moved back). */
  let b: Enrollment;
  const clockB = new ManualClock();
  /** A third deployment with no platform title and no network connection to anyone. */
  let c: TestServer;
  let cEnrollmentId: string;
  let cSpaceId: string;
  let adminA: string;
  let adminB: string;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startEnrollment('Alpha'),
      startEnrollment('Bravo', { clock: clockB }),
      startTestServer(),
    ]);
    adminA = a.server.admin.accountId;
    adminB = b.server.admin.accountId;
    const cPeerlink = c.clients({ ak: c.admin.accessKeyId, sk: c.admin.secretAccessKey }).peerlink;
    cEnrollmentId = (await cPeerlink.getEnrollment()).enrollmentId;
    cSpaceId = (await cPeerlink.createSpace({ name: 'Charlie space' })).spaceId;
    await addPolicies(a, b);
    await connectMpx(a, b);
  });
  afterAll(async () => {
    await Promise.all([a?.server, b?.server, c].filter(Boolean).map((server) => server!.close()));
  });

  const request = (
    dataTypes: Parameters<PeerManagerClient['createPeerRequest']>[0]['dataTypes'] = { objects: 'export' },
  ) => a.pm.createPeerRequest({ spaceId: a.spaceId, remoteEnrollmentId: b.enrollmentId, dataTypes });

  describe('preconditions', () => {
    it('needs a platform title before any request (R11)', async () => {
      const { peerManager } = c.clients({ ak: c.admin.accessKeyId, sk: c.admin.secretAccessKey });
      const refused = await refusal(() =>
        peerManager.createPeerRequest({
          spaceId: cSpaceId,
          remoteEnrollmentId: a.enrollmentId,
          dataTypes: { objects: 'export' },
        }),
      );
      expect(refused).toMatchObject({ statusCode: 409, reason: 'PlatformTitleMissing' });
    });

    it('needs a transport to the remote enrollment (R3), and a remote that is not itself', async () => {
      const refused = await refusal(() =>
        a.pm.createPeerRequest({
          spaceId: a.spaceId,
          remoteEnrollmentId: cEnrollmentId,
          dataTypes: { objects: 'export' },
        }),
      );
      expect(refused).toMatchObject({ statusCode: 409, reason: 'NoTransport' });
      expect(refused.message).toContain(cEnrollmentId);
      expect(
        await refusal(() =>
          a.pm.createPeerRequest({
            spaceId: a.spaceId,
            remoteEnrollmentId: a.enrollmentId,
            dataTypes: { objects: 'export' },
          }),
        ),
      ).toMatchObject({ statusCode: 400, reason: 'InvalidRemoteEnrollment' });
    });
  });

  describe('invite codes', () => {
    it('refuses a code with any character changed, then takes the genuine code once (R17)', async () => {
      const { inviteCode, connectionId } = await request();
      // Every position, a few at a time: "Enter invite code" checks the code before showing anything.
      const accepted: number[] = [];
      const otherwise: string[] = [];
      const positions = [...inviteCode].map((_, at) => at);
      for (let start = 0; start < positions.length; start += 8) {
        await Promise.all(
          positions.slice(start, start + 8).map(async (at) => {
            const answer = await refusal(() =>
              b.pm.previewPeerRequest(withCharChanged(inviteCode, at)),
            ).catch(() => undefined);
            if (!answer) accepted.push(at);
            else if (answer.statusCode !== 400 || answer.reason !== 'InviteCodeInvalid')
              otherwise.push(`${at}: ${answer.statusCode} ${answer.reason}`);
          }),
        );
      }
      expect(positions.length).toBeGreaterThan(300);
      expect({ accepted, otherwise }).toEqual({ accepted: [], otherwise: [] });
      // Approving goes through the same check: one position in each part of the code.
      const [kind, payload] = inviteCode.split('.') as [string, string, string];
      for (const at of [2, kind.length + 1 + Math.floor(payload.length / 2), inviteCode.length - 1]) {
        expect(
          await refusal(() =>
            b.pm.approvePeerRequest({ inviteCode: withCharChanged(inviteCode, at), spaceId: b.spaceId }),
          ),
        ).toMatchObject({ statusCode: 400, reason: 'InviteCodeInvalid' });
      }
      expect((await b.pm.listPeerConnections()).connections).toEqual([]);

      const accepting = await b.pm.approvePeerRequest({ inviteCode, spaceId: b.spaceId });
      expect(accepting.status).toBe('approved');
      for (const again of [
        () => b.pm.approvePeerRequest({ inviteCode, spaceId: b.spaceId }),
        () => b.pm.previewPeerRequest(inviteCode),
      ])
        expect(await refusal(again)).toMatchObject({ statusCode: 409, reason: 'InviteAlreadyUsed' });
      await until(a.pm, connectionId, (connection) => connection.status === 'approved');
      expect((await b.pm.listPeerConnections()).connections.map((x) => x.connectionId)).toEqual([
        accepting.connectionId,
      ]);
    });

    it('refuses a code past its expiry on the importing side’s clock: 7 days by default, or as asked', async () => {
      const week = await request();
      const day = await a.pm.createPeerRequest({
        spaceId: a.spaceId,
        remoteEnrollmentId: b.enrollmentId,
        dataTypes: { objects: 'import' },
        expiresInDays: 1,
      });
      const createdAt = Date.parse(day.createdAt);
      expect(Date.parse(day.inviteExpiresAt!) - createdAt).toBe(DAY_MS);
      expect(Date.parse(week.inviteExpiresAt!) - Date.parse(week.createdAt)).toBe(7 * DAY_MS);
      try {
        clockB.advance(DAY_MS + HOUR_MS);
        for (const call of [
          () => b.pm.previewPeerRequest(day.inviteCode),
          () => b.pm.approvePeerRequest({ inviteCode: day.inviteCode, spaceId: b.spaceId }),
        ])
          expect(await refusal(call)).toMatchObject({ statusCode: 409, reason: 'InviteExpired' });
        expect((await b.pm.previewPeerRequest(week.inviteCode)).peeringId).toBe(week.peeringId);

        clockB.advance(7 * DAY_MS);
        for (const call of [
          () => b.pm.previewPeerRequest(week.inviteCode),
          () => b.pm.approvePeerRequest({ inviteCode: week.inviteCode, spaceId: b.spaceId }),
        ])
          expect(await refusal(call)).toMatchObject({ statusCode: 409, reason: 'InviteExpired' });
      } finally {
        clockB.advance(-(8 * DAY_MS + HOUR_MS));
      }
      for (const id of [week.connectionId, day.connectionId])
        expect((await a.pm.getPeerConnection(id)).status).toBe('requested');
      await a.pm.deletePeerConnection(week.connectionId);
      await a.pm.deletePeerConnection(day.connectionId);
    });

    it('refuses, asynchronously, an approval of a request the originator revoked', async () => {
      const { inviteCode, connectionId } = await request();
      const revoked = await a.pm.deletePeerConnection(connectionId);
      expect(revoked.status).toBe('cancelled');
      expect(await refusal(() => a.pm.getInviteCode(connectionId))).toMatchObject({
        statusCode: 409,
        reason: 'InvalidPeeringState',
      });
      // B cannot know yet: its approval is taken, and the originator's answer refuses it.
      const accepting = await b.pm.approvePeerRequest({ inviteCode, spaceId: b.spaceId });
      expect(accepting.status).toBe('approved');
      const refused = await until(
        b.pm,
        accepting.connectionId,
        (connection) => connection.status === 'refused',
      );
      expect(refused.stateReason).toContain('InviteRevoked');
      expect((await a.pm.getPeerConnection(connectionId)).status).toBe('cancelled');
    });

    it('refuses a code on an enrollment it was not made for', async () => {
      const { inviteCode, connectionId } = await request();
      const { peerManager } = c.clients({ ak: c.admin.accessKeyId, sk: c.admin.secretAccessKey });
      for (const call of [
        () => peerManager.previewPeerRequest(inviteCode),
        () => peerManager.approvePeerRequest({ inviteCode, spaceId: cSpaceId }),
      ])
        expect(await refusal(call)).toMatchObject({ statusCode: 409, reason: 'InviteNotForThisEnrollment' });
      await a.pm.deletePeerConnection(connectionId);
    });
  });

  describe('who may act (R10)', () => {
    it('refuses anyone who does not manage the space concerned, administrators included', async () => {
      // A's space with a live connection; an account of A that manages nothing.
      const { inviteCode, connectionId } = await request({ files: 'export' });
      await b.pm.approvePeerRequest({ inviteCode, spaceId: b.spaceId });
      await until(a.pm, connectionId, (connection) => connection.status === 'approved');
      const stranger = await a.server.newAccount();
      const asStranger: Array<() => Promise<unknown>> = [
        () =>
          stranger.peerManager.createPeerRequest({
            spaceId: a.spaceId,
            remoteEnrollmentId: b.enrollmentId,
            dataTypes: { objects: 'export' },
          }),
        () => stranger.peerManager.getPeerConnection(connectionId),
        () => stranger.peerManager.activate(connectionId),
        () => stranger.peerManager.disable(connectionId),
        () => stranger.peerManager.proposeChange(connectionId, { security: { classification: 'SECRET' } }),
        () => stranger.peerManager.deletePeerConnection(connectionId),
      ];
      for (const call of asStranger)
        expect(await refusal(call)).toMatchObject({ statusCode: 403, reason: 'NotSpaceManager' });
      expect((await stranger.peerManager.listPeerConnections()).connections).toEqual([]);
      expect((await a.pm.getPeerConnection(connectionId)).status).toBe('approved');

      // A space of A that its administrator created but does not manage.
      const other = await a.server.newAccount();
      const aside = await a.peerlink.createSpace({ name: 'Alpha aside', managers: [other.accountId] });
      await a.peerlink.removeSpaceManager(aside.spaceId, adminA);
      expect(
        await refusal(() =>
          a.pm.createPeerRequest({
            spaceId: aside.spaceId,
            remoteEnrollmentId: b.enrollmentId,
            dataTypes: { objects: 'export' },
          }),
        ),
      ).toMatchObject({ statusCode: 403, reason: 'NotSpaceManager' });

      // On B: an account that manages only its own space, and an administrator that does not manage it.
      const manager = await b.server.newAccount();
      const theirs = await b.peerlink.createSpace({ name: 'Bravo theirs', managers: [manager.accountId] });
      await b.peerlink.removeSpaceManager(theirs.spaceId, adminB);
      const forManager = await request({ objects: 'export' });
      expect(
        await refusal(() =>
          manager.peerManager.approvePeerRequest({ inviteCode: forManager.inviteCode, spaceId: b.spaceId }),
        ),
      ).toMatchObject({ statusCode: 403, reason: 'NotSpaceManager' });
      expect(
        await refusal(() =>
          b.pm.approvePeerRequest({ inviteCode: forManager.inviteCode, spaceId: theirs.spaceId }),
        ),
      ).toMatchObject({ statusCode: 403, reason: 'NotSpaceManager' });
      const managed = await manager.peerManager.approvePeerRequest({
        inviteCode: forManager.inviteCode,
        spaceId: theirs.spaceId,
      });
      await until(a.pm, forManager.connectionId, (connection) => connection.status === 'approved');
      expect(await refusal(() => b.pm.getPeerConnection(managed.connectionId))).toMatchObject({
        statusCode: 403,
        reason: 'NotSpaceManager',
      });

      // Listing shows the connections of the spaces the caller manages, and only those.
      const managerSees = (await manager.peerManager.listPeerConnections()).connections;
      expect(managerSees.map((x) => x.connectionId)).toEqual([managed.connectionId]);
      const adminSees = (await b.pm.listPeerConnections()).connections;
      expect(adminSees.length).toBeGreaterThan(0);
      expect(adminSees.every((x) => x.spaceId === b.spaceId)).toBe(true);

      // Refused attempts leave no trace; the approval is the manager's.
      const eventsB = await auditOf(b.peerlink);
      expect(eventsB).toContainEqual(
        expect.objectContaining({
          action: 'ApprovePeerRequest',
          actor: manager.accountId,
          target: managed.connectionId,
        }),
      );
      expect((await auditOf(a.peerlink)).filter((e) => e.actor === stranger.accountId)).toEqual([]);
    });
  });

  describe('a connection after activation', () => {
    let connectionA: string;
    let connectionB: string;

    it('is disabled when either side disables it and runs again once both have enabled it (R18)', async () => {
      const created = await request({ objects: 'both' });
      connectionA = created.connectionId;
      connectionB = (
        await b.pm.approvePeerRequest({
          inviteCode: created.inviteCode,
          spaceId: b.spaceId,
          security: { classification: 'SECRET' },
        })
      ).connectionId;
      await until(a.pm, connectionA, (connection) => connection.status === 'approved');
      await a.pm.activate(connectionA);
      await until(b.pm, connectionB, (connection) => connection.status === 'active');

      expect((await a.pm.disable(connectionA)).status).toBe('disabled');
      await until(
        b.pm,
        connectionB,
        (x) => x.status === 'disabled' && x.disabled.remote && !x.disabled.local,
      );
      await b.pm.disable(connectionB);
      await until(a.pm, connectionA, (x) => x.disabled.local && x.disabled.remote);
      // A enables; B still disables it: nothing runs yet, on either side.
      expect((await a.pm.enable(connectionA)).status).toBe('disabled');
      await until(b.pm, connectionB, (x) => !x.disabled.remote);
      expect((await b.pm.getPeerConnection(connectionB)).status).toBe('disabled');
      expect((await a.pm.getPeerConnection(connectionA)).status).toBe('disabled');
      await b.pm.enable(connectionB);
      await until(a.pm, connectionA, (x) => x.status === 'active');
      expect((await b.pm.getPeerConnection(connectionB)).status).toBe('active');
    });

    it('keeps its security while a change is pending, and when the change is rejected (R19)', async () => {
      const change = await a.pm.proposeChange(connectionA, { security: { classification: 'TOP SECRET' } });
      expect(change.state).toBe('pending');
      expect(
        await refusal(() =>
          a.pm.proposeChange(connectionA, { security: { classification: 'CONFIDENTIAL' } }),
        ),
      ).toMatchObject({ statusCode: 409, reason: 'ChangePending' });
      await eventually(
        () => b.pm.listPendingChanges(),
        (pending) => pending.changeRequests.some((x) => x.changeId === change.changeId),
      );
      expect(
        await refusal(() =>
          b.pm.proposeChange(connectionB, { security: { classification: 'CONFIDENTIAL' } }),
        ),
      ).toMatchObject({ statusCode: 409, reason: 'ChangePending' });
      expect((await a.pm.getPeerConnection(connectionA)).security.classification).toBe('SECRET');

      await b.pm.rejectChange(connectionB, change.changeId);
      const afterReject = await until(a.pm, connectionA, (x) =>
        x.changeRequests.some((r) => r.changeId === change.changeId && r.state === 'rejected'),
      );
      expect(afterReject.security).toEqual({ classification: 'SECRET', markings: [] });
      expect((await b.pm.getPeerConnection(connectionB)).security).toEqual({
        classification: 'SECRET',
        markings: [],
      });
      expect((await b.pm.listPendingChanges()).changeRequests).toEqual([]);

      // A change the other side approves does take effect on both.
      const fromB = await b.pm.proposeChange(connectionB, {
        security: { classification: 'SECRET', markings: ['Ops'] },
      });
      await eventually(
        () => a.pm.listPendingChanges(),
        (pending) => pending.changeRequests.some((x) => x.changeId === fromB.changeId),
      );
      await a.pm.approveChange(connectionA, fromB.changeId);
      await until(b.pm, connectionB, (x) => x.security.markings.includes('Ops'));
      expect((await a.pm.getPeerConnection(connectionA)).security).toEqual({
        classification: 'SECRET',
        markings: ['Ops'],
      });
    });

    it('allows a marking that exists here only from a caller who holds it (else it exports data the caller may not read)', async () => {
      await a.spaceData.createMarking({ name: 'Crypto' });
      const crypto = { security: { classification: 'SECRET' as const, markings: ['Ops', 'Crypto'] } };
      expect(await refusal(() => a.pm.proposeChange(connectionA, crypto))).toMatchObject({
        statusCode: 400,
        reason: 'UnknownMarking',
      });
      // B has no Crypto marking (it labels nothing there): B may propose it, A may not approve it…
      const fromB = await b.pm.proposeChange(connectionB, crypto);
      await eventually(
        () => a.pm.listPendingChanges(),
        (pending) => pending.changeRequests.some((x) => x.changeId === fromB.changeId),
      );
      expect(await refusal(() => a.pm.approveChange(connectionA, fromB.changeId))).toMatchObject({
        statusCode: 400,
        reason: 'UnknownMarking',
      });
      expect((await a.pm.getPeerConnection(connectionA)).security.markings).toEqual(['Ops']);
      // …until A's administrator holds it.
      await a.spaceData.setMarkingMembers('Crypto', [adminA]);
      await a.pm.approveChange(connectionA, fromB.changeId);
      expect((await a.pm.getPeerConnection(connectionA)).security.markings).toEqual(['Crypto', 'Ops']);
    });

    it('is deleted on both sides by the originator, and then refuses activate, disable and enable (R21)', async () => {
      expect((await a.pm.deletePeerConnection(connectionA)).status).toBe('deleted');
      await until(b.pm, connectionB, (x) => x.status === 'deleted');
      for (const call of [
        () => a.pm.activate(connectionA),
        () => a.pm.disable(connectionA),
        () => a.pm.enable(connectionA),
        () => b.pm.disable(connectionB),
        () => b.pm.enable(connectionB),
        () => b.pm.proposeChange(connectionB, { security: { classification: 'SECRET' } }),
      ])
        expect(await refusal(call)).toMatchObject({ statusCode: 409, reason: 'InvalidPeeringState' });
    });

    it('is in the audit log of each side with the acting principal', async () => {
      const by = (events: AuditEvent[], target: string) =>
        events.filter((e) => e.target === target).map((e) => ({ action: e.action, actor: e.actor }));
      const onA = by(await auditOf(a.peerlink), connectionA);
      const onB = by(await auditOf(b.peerlink), connectionB);
      for (const action of [
        'CreatePeerRequest',
        'ActivatePeerConnection',
        'DisablePeerConnection',
        'EnablePeerConnection',
        'ApproveConnectionChange',
        'DeletePeerConnection',
      ])
        expect(onA).toContainEqual({ action, actor: adminA });
      expect(onA).toContainEqual({ action: 'PeerRequestApproved', actor: `enrollment:${b.enrollmentId}` });
      // A's own proposal is audited under A's connection id as well.
      expect(onA.filter((e) => e.action === 'ProposeConnectionChange')).toEqual([
        { action: 'ProposeConnectionChange', actor: adminA },
      ]);
      for (const action of [
        'ApprovePeerRequest',
        'DisablePeerConnection',
        'EnablePeerConnection',
        'RejectConnectionChange',
        'ProposeConnectionChange',
      ])
        expect(onB).toContainEqual({ action, actor: adminB });
      for (const action of ['PeerConnectionActivated', 'PeerConnectionDeletedByRemote'])
        expect(onB).toContainEqual({ action, actor: `enrollment:${a.enrollmentId}` });
    });
  });
});
