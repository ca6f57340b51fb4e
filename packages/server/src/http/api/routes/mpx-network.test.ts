import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { MpxDirection, PeerManagerClient } from '@peerlink/sdk';
import { PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEnvelope } from '../../../federation/envelope.js';
import { EnrollmentKey } from '../../../federation/keys.js';
import { verifyRefusal } from '../../../federation/refusals.js';
import { FEDERATION_HEADERS, signRequest } from '../../../federation/signing.js';
import {
  addPolicies,
  connectMpx,
  type Enrollment,
  eventually,
  startEnrollment,
} from '../../../testing/enrollments.js';
import { ManualClock } from '../../../testing/harness.js';

/** MPX network connections between real servers (reference §1.3, R4-R6) and the federation endpoint's refusals. */

const DAY_MS = 24 * 60 * 60 * 1000;

async function refusal(call: () => Promise<unknown>): Promise<PeerlinkApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return error;
}

/** The signed content of a code: `<kind>.<base64url JSON>.<signature>`. */
function payloadOf(code: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8'));
}

/** The same code with one character in the middle of its signed content replaced. */
function tampered(code: string): string {
  const [kind, payload, signature] = code.split('.') as [string, string, string];
  const at = Math.floor(payload.length / 2);
  const replacement = payload[at] === 'A' ? 'B' : 'A';
  return `${kind}.${payload.slice(0, at)}${replacement}${payload.slice(at + 1)}.${signature}`;
}

async function connectionWith(pm: PeerManagerClient, remote: Enrollment) {
  return (await pm.listMpxConnections()).connections.find(
    (c) => c.remoteEnrollmentId === remote.enrollmentId,
  );
}

describe('MPX invites between two servers', () => {
  let a: Enrollment;
  let b: Enrollment;
  /** A third enrollment whose clock the test moves. */
  let c: Enrollment;
  const clockC = new ManualClock();

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startEnrollment('Alpha'),
      startEnrollment('Bravo'),
      startEnrollment('Charlie', { clock: clockC }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a, b, c].filter(Boolean).map((e) => e.server.close()));
  });

  /** Revokes every open invite of a side, so that the next case starts from none. */
  async function revokeOpen(side: Enrollment): Promise<void> {
    for (const invite of (await side.pm.listMpxInvites()).invites)
      if (invite.status === 'open') await side.pm.revokeMpxInvite(invite.inviteId);
  }

  it('lets only enrollment administrators handle invites and connections', async () => {
    const invite = await a.pm.createMpxInvite({ direction: 'bidirectional' });
    const other = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    const { peerManager } = await a.server.newAccount();
    const calls: Array<() => Promise<unknown>> = [
      () => peerManager.createMpxInvite({ direction: 'bidirectional' }),
      () => peerManager.listMpxInvites(),
      () => peerManager.getMpxInvite(invite.inviteId),
      () => peerManager.revokeMpxInvite(invite.inviteId),
      () => peerManager.enterMpxInvite({ code: other.code, name: 'sneaky' }),
      () => peerManager.listMpxConnections(),
    ];
    for (const call of calls)
      expect(await refusal(call)).toMatchObject({ statusCode: 403, reason: 'NotEnrollmentAdmin' });
    expect((await a.pm.getMpxInvite(invite.inviteId)).status).toBe('open');
    expect((await a.pm.listMpxConnections()).connections).toEqual([]);
    await revokeOpen(a);
    await revokeOpen(b);
  });

  it.each<[MpxDirection, MpxDirection]>([
    ['bidirectional', 'egress'],
    ['egress', 'egress'],
    ['ingress', 'ingress'],
    ['bidirectional', 'ingress'],
  ])('refuses %s on one side with %s on the other, on both sides', async (dirA, dirB) => {
    const inviteA = await a.pm.createMpxInvite({ direction: dirA });
    const inviteB = await b.pm.createMpxInvite({ direction: dirB });
    const enteredOnA = await refusal(() =>
      a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo', inviteId: inviteA.inviteId }),
    );
    expect(enteredOnA).toMatchObject({ statusCode: 409, reason: 'MpxDirectionMismatch' });
    const enteredOnB = await refusal(() =>
      b.pm.enterMpxInvite({ code: inviteA.code, name: 'to alpha', inviteId: inviteB.inviteId }),
    );
    expect(enteredOnB).toMatchObject({ statusCode: 409, reason: 'MpxDirectionMismatch' });
    expect((await a.pm.listMpxConnections()).connections).toEqual([]);
    expect((await b.pm.listMpxConnections()).connections).toEqual([]);
    await revokeOpen(a);
    await revokeOpen(b);
  });

  it('checks the code first: a changed character, or this side’s own code, is refused', async () => {
    const inviteA = await a.pm.createMpxInvite({ direction: 'bidirectional' });
    const inviteB = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    expect(
      await refusal(() => a.pm.enterMpxInvite({ code: tampered(inviteB.code), name: 'to bravo' })),
    ).toMatchObject({ statusCode: 400, reason: 'InviteCodeInvalid' });
    expect(await refusal(() => a.pm.enterMpxInvite({ code: inviteA.code, name: 'myself' }))).toMatchObject({
      statusCode: 400,
      reason: 'OwnInviteCode',
    });
    // Without an egress policy towards B, A cannot open requests to it (R6).
    const noEgress = await refusal(() => a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo' }));
    expect(noEgress).toMatchObject({ statusCode: 409, reason: 'NetworkPolicyMissing' });
    expect(noEgress.message).toContain(b.enrollmentId);
    expect((await a.pm.listMpxConnections()).connections).toEqual([]);
    await revokeOpen(a);
    await revokeOpen(b);
  });

  it('refuses a revoked invite, on the side that made it and on the side that enters it', async () => {
    await addPolicies(a, b);
    await c.peerlink.addEgressRule({ enrollmentId: a.enrollmentId });
    await a.peerlink.addIngressRule({ enrollmentId: c.enrollmentId });

    const revoked = await a.pm.createMpxInvite({ direction: 'bidirectional' });
    expect((await a.pm.revokeMpxInvite(revoked.inviteId)).status).toBe('revoked');
    const inviteB = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    expect(
      await refusal(() =>
        a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo', inviteId: revoked.inviteId }),
      ),
    ).toMatchObject({ statusCode: 409, reason: 'MpxInviteUnusable' });
    // Without naming an invite, A has none open: it must generate one first.
    expect(await refusal(() => a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo' }))).toMatchObject({
      statusCode: 400,
      reason: 'LocalInviteRequired',
    });

    // C enters A's revoked code: it cannot know, but A refuses its notice, and C is told why.
    await c.pm.createMpxInvite({ direction: 'bidirectional' });
    const entered = await c.pm.enterMpxInvite({ code: revoked.code, name: 'to alpha' });
    expect(entered.status).toBe('awaiting-remote');
    const refused = await eventually(
      () => connectionWith(c.pm, a),
      (found) => found?.status === 'refused',
    );
    expect(refused?.health.lastError).toContain('MpxInviteUnusable');
    expect(await connectionWith(a.pm, c)).toBeUndefined();
    expect((await a.pm.getMpxInvite(revoked.inviteId)).status).toBe('revoked');
    await revokeOpen(b);
  });

  it('refuses an invite code that expired on the clock of the side entering it', async () => {
    const inviteB = await b.pm.createMpxInvite({ direction: 'bidirectional', expiresInDays: 7 });
    clockC.advance(8 * DAY_MS);
    try {
      const expired = await refusal(() => c.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo' }));
      expect(expired).toMatchObject({ statusCode: 409, reason: 'InviteExpired' });
    } finally {
      clockC.advance(-8 * DAY_MS);
    }
    await revokeOpen(b);
  });

  it('establishes bidirectional with bidirectional once both sides entered the other’s code', async () => {
    const inviteA = await a.pm.createMpxInvite({ direction: 'bidirectional' });
    const inviteB = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    const first = await a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo' });
    expect(first.status).toBe('awaiting-remote');
    // One side alone is not a connection (R4).
    await eventually(
      async () => (await connectionWith(b.pm, a))?.status,
      (status) => status === 'awaiting-local',
    );
    await b.pm.enterMpxInvite({ code: inviteA.code, name: 'to alpha' });
    for (const [side, remote] of [
      [a, b],
      [b, a],
    ] as const) {
      const connection = await eventually(
        () => connectionWith(side.pm, remote),
        (found) => found?.status === 'established',
      );
      expect(connection).toMatchObject({
        localDirection: 'bidirectional',
        remoteDirection: 'bidirectional',
        remoteTitle: remote.title,
        remoteAddress: remote.server.endpoint(),
        name: `to ${remote.title.toLowerCase()}`,
      });
    }
    expect((await a.pm.getMpxInvite(inviteA.inviteId)).status).toBe('used');
    expect((await a.pm.getMpxInvite(inviteA.inviteId)).usedFor).toBe(b.enrollmentId);
    // Entering again is refused: one connection per remote enrollment.
    const again = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    expect(await refusal(() => a.pm.enterMpxInvite({ code: again.code, name: 'again' }))).toMatchObject({
      statusCode: 409,
      reason: 'MpxAlreadyEntered',
    });
  });

  describe('the federation endpoint', () => {
    /** An enrollment that exists only in this test: its own key, first contact through the key header. */
    const strangerId = `enr-${randomBytes(6).toString('hex')}`;
    const pair = generateKeyPairSync('ed25519');
    const stranger = EnrollmentKey.fromPkcs8(
      strangerId,
      pair.publicKey.export({ format: 'jwk' }).x!,
      pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    );
    const PATH = '/federation/v1/messages';

    function signed(body: string, overrides: { now?: number; to?: string } = {}): Record<string, string> {
      return {
        ...signRequest(stranger, {
          method: 'POST',
          pathAndQuery: PATH,
          to: overrides.to ?? a.enrollmentId,
          body,
          now: overrides.now ?? Date.now(),
        }),
        [FEDERATION_HEADERS.key]: stranger.publicKey,
        'content-type': 'application/json',
      };
    }

    async function post(headers: Record<string, string>, body: string) {
      const response = await fetch(`${a.server.endpoint()}${PATH}`, { method: 'POST', headers, body });
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        json: (await response.json()) as Record<string, unknown>,
      };
    }

    beforeAll(async () => {
      await a.peerlink.addIngressRule({ enrollmentId: strangerId });
    });

    it('answers 401 problem+json to unsigned and badly signed requests, never 500', async () => {
      const body = JSON.stringify({ messages: [] });
      const cases: Array<[string, Record<string, string>, string, number, string]> = [
        ['unsigned', { 'content-type': 'application/json' }, body, 401, 'MissingFederationHeader'],
        [
          'signed over another body',
          signed(JSON.stringify({ messages: [], extra: 1 })),
          body,
          401,
          'SignatureMismatch',
        ],
        [
          'signature not even base64',
          { ...signed(body), [FEDERATION_HEADERS.signature]: 'not a signature' },
          body,
          401,
          'SignatureMismatch',
        ],
        [
          'unknown sender without a key',
          Object.fromEntries(
            Object.entries(signed(body)).filter(([name]) => name !== FEDERATION_HEADERS.key),
          ),
          body,
          401,
          'UnknownEnrollment',
        ],
        ['stale timestamp', signed(body, { now: Date.now() - 60 * 60 * 1000 }), body, 401, 'RequestExpired'],
        ['for another enrollment', signed(body, { to: b.enrollmentId }), body, 421, 'WrongEnrollment'],
        ['signed, but not JSON', signed('{not json'), '{not json', 400, 'MalformedJSON'],
      ];
      for (const [what, headers, sent, status, reason] of cases) {
        const answer = await post(headers, sent);
        expect({ what, status: answer.status, reason: answer.json.reason ?? answer.json.code }).toEqual({
          what,
          status,
          reason,
        });
        expect(answer.type).toContain('application/problem+json');
      }
    });

    it('refuses a replayed request (the same nonce twice)', async () => {
      const body = JSON.stringify({ messages: [] });
      const headers = signed(body);
      const first = await post(headers, body);
      expect(first).toMatchObject({ status: 200, json: { acknowledged: [] } });
      const replay = await post(headers, body);
      expect(replay).toMatchObject({
        status: 401,
        type: expect.stringContaining('application/problem+json'),
        json: { code: 'FederationDenied', reason: 'Replayed' },
      });
    });
  });
});

describe('MPX egress only on A with ingress only on B', () => {
  let a: Enrollment;
  let b: Enrollment;
  beforeAll(async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
  });
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((e) => e.server.close()));
  });

  it('is established, and a peer request goes both ways through A pulling from B', async () => {
    await addPolicies(a, b);
    await connectMpx(a, b, ['egress', 'ingress']);

    const onA = (await connectionWith(a.pm, b))!;
    const onB = (await connectionWith(b.pm, a))!;
    expect(onA).toMatchObject({
      status: 'established',
      localDirection: 'egress',
      remoteDirection: 'ingress',
      remoteAddress: b.server.endpoint(),
    });
    // A has no stable address: its code carries none, so B never opens a request to A.
    expect(onB).toMatchObject({
      status: 'established',
      localDirection: 'ingress',
      remoteDirection: 'egress',
      remoteAddress: null,
    });
    const codeA = (await a.pm.getMpxInvite(onA.localInviteId!)).code;
    const codeB = (await b.pm.getMpxInvite(onB.localInviteId!)).code;
    expect(payloadOf(codeA)).toMatchObject({ dir: 'egress', addr: null });
    expect(payloadOf(codeB)).toMatchObject({ dir: 'ingress', addr: b.server.endpoint() });

    const request = await a.pm.createPeerRequest({
      spaceId: a.spaceId,
      remoteEnrollmentId: b.enrollmentId,
      dataTypes: { objects: 'both' },
    });
    expect(request.transport).toBe('mpx');
    const accepted = await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
    // B -> A: the approval waits on B until A collects it.
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (connection) => connection.status === 'approved',
    );
    // A -> B: pushed.
    await a.pm.activate(request.connectionId);
    await eventually(
      () => b.pm.getPeerConnection(accepted.connectionId),
      (connection) => connection.status === 'active',
    );
    // And B -> A once more, after activation.
    await b.pm.disable(accepted.connectionId);
    await eventually(
      () => a.pm.getPeerConnection(request.connectionId),
      (connection) => connection.status === 'disabled' && connection.disabled.remote,
    );
    await eventually(
      async () => (await connectionWith(b.pm, a))!.health.pendingMessages,
      (pending) => pending === 0,
    );
  }, 30_000);
});

function newKey(): EnrollmentKey {
  const pair = generateKeyPairSync('ed25519');
  return EnrollmentKey.fromPkcs8(
    `enr-${randomBytes(6).toString('hex')}`,
    pair.publicKey.export({ format: 'jwk' }).x!,
    pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  );
}

describe('an MPX notice the other side refuses', () => {
  let a: Enrollment;
  let b: Enrollment;
  let c: Enrollment;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startEnrollment('Alpha'),
      startEnrollment('Bravo'),
      startEnrollment('Charlie'),
    ]);
    await addPolicies(a, b);
    await addPolicies(a, c);
  });
  afterAll(async () => {
    await Promise.all([a, b, c].filter(Boolean).map((e) => e.server.close()));
  });

  it('is shown on the side that sent it (refused, with the reason); the connection that used the code stays', async () => {
    // A invites; B enters A's code and A enters B's: established.
    const inviteA = await a.pm.createMpxInvite({ direction: 'bidirectional' });
    const inviteB = await b.pm.createMpxInvite({ direction: 'bidirectional' });
    await b.pm.enterMpxInvite({ code: inviteA.code, name: 'to alpha' });
    await a.pm.enterMpxInvite({ code: inviteB.code, name: 'to bravo' });
    await eventually(
      () => connectionWith(b.pm, a),
      (found) => found?.status === 'established',
    );

    // C got hold of the same code of A's and enters it too.
    await c.pm.createMpxInvite({ direction: 'bidirectional' });
    expect((await c.pm.enterMpxInvite({ code: inviteA.code, name: 'to alpha' })).status).toBe(
      'awaiting-remote',
    );
    const refused = await eventually(
      () => connectionWith(c.pm, a),
      (found) => found?.status === 'refused',
    );
    expect(refused?.health.lastError).toMatch(/refused.*MpxInviteUnusable.*used with another enrollment/);
    expect(refused?.establishedAt).toBeNull();

    // A's connection with B is untouched, A keeps nothing about C, and B still reaches A.
    expect((await connectionWith(a.pm, b))?.status).toBe('established');
    expect((await connectionWith(b.pm, a))?.status).toBe('established');
    expect(await connectionWith(a.pm, c)).toBeUndefined();
    expect((await a.pm.getMpxInvite(inviteA.inviteId)).usedFor).toBe(b.enrollmentId);

    // The refusal travels signed by A: it verifies with A's key, for C, and for nothing else.
    const stranger = newKey();
    const envelope = sealEnvelope(stranger, {
      id: `msg-${randomBytes(6).toString('hex')}`,
      to: a.enrollmentId,
      kind: 'mpx.entered',
      createdAt: Date.now(),
      body: JSON.stringify({
        inviteNonce: payloadOf(inviteA.code).nonce,
        senderInviteNonce: 'x',
        senderKey: stranger.publicKey,
        senderDirection: 'bidirectional',
        senderAddress: null,
        senderTitle: null,
      }),
    });
    await a.peerlink.addIngressRule({ enrollmentId: stranger.enrollmentId });
    const body = JSON.stringify({ messages: [envelope] });
    const pushed = await fetch(`${a.server.endpoint()}/federation/v1/messages`, {
      method: 'POST',
      headers: {
        ...signRequest(stranger, {
          method: 'POST',
          pathAndQuery: '/federation/v1/messages',
          to: a.enrollmentId,
          body,
          now: Date.now(),
        }),
        [FEDERATION_HEADERS.key]: stranger.publicKey,
        'content-type': 'application/json',
      },
      body,
    });
    const answer = (await pushed.json()) as { acknowledged: string[]; refusals: unknown[] };
    expect(answer.acknowledged).toEqual([envelope.id]);
    const aKey = payloadOf(inviteA.code).key as string;
    const [signed] = answer.refusals as { messageId: string; reason: string }[];
    expect(signed).toMatchObject({ messageId: envelope.id, reason: 'MpxInviteUnusable' });
    expect(verifyRefusal(aKey, a.enrollmentId, stranger.enrollmentId, signed)).toBe(true);
    expect(verifyRefusal(aKey, a.enrollmentId, c.enrollmentId, signed)).toBe(false);
    expect(
      verifyRefusal(aKey, a.enrollmentId, stranger.enrollmentId, { ...signed, messageId: 'msg-other' }),
    ).toBe(false);
    expect(verifyRefusal(stranger.publicKey, a.enrollmentId, stranger.enrollmentId, signed)).toBe(false);

    // A later successful contact does not hide the refusal.
    await c.server.reconcile();
    expect((await connectionWith(c.pm, a))?.status).toBe('refused');
  });
});
