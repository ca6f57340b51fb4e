import { Type } from '@sinclair/typebox';
import type { MpxConnectionView, RelayChannelView } from '../../../app/network.js';
import type { MpxInvite } from '../../../domain/peering/network.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';

const CreateInvite = bodySchema(
  Type.Object({ direction: Type.String(), expiresInDays: Type.Optional(Type.Integer()) }),
);
const EnterInvite = bodySchema(
  Type.Object({
    code: Type.String({ maxLength: 4096 }),
    name: Type.String(),
    inviteId: Type.Optional(Type.String()),
  }),
);
const CreateChannel = bodySchema(
  Type.Object({
    name: Type.String(),
    remoteIdentity: Type.String({ maxLength: 4096 }),
    direction: Type.String(),
    transport: Type.Optional(Type.String()),
    path: Type.String({ maxLength: 4096 }),
  }),
);

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function inviteJson(invite: MpxInvite, now: number, code?: string) {
  const status =
    invite.revokedAt !== null
      ? 'revoked'
      : invite.usedFor
        ? 'used'
        : invite.expiresAt < now
          ? 'expired'
          : 'open';
  return {
    inviteId: invite.id,
    direction: invite.direction,
    status,
    usedFor: invite.usedFor,
    createdBy: invite.createdBy,
    createdAt: iso(invite.createdAt),
    expiresAt: iso(invite.expiresAt),
    ...(code ? { code } : {}),
  };
}

const mpxJson = (c: MpxConnectionView) => ({
  remoteEnrollmentId: c.remoteEnrollmentId,
  name: c.name,
  status: c.status,
  remoteTitle: c.remoteTitle,
  remoteAddress: c.remoteAddress,
  localDirection: c.localDirection,
  remoteDirection: c.remoteDirection,
  localInviteId: c.localInviteId,
  enteredAt: iso(c.enteredAt),
  remoteEnteredAt: iso(c.remoteEnteredAt),
  establishedAt: iso(c.establishedAt),
  health: { lastOkAt: iso(c.lastOkAt), lastError: c.lastError, pendingMessages: c.pendingMessages },
});

const channelJson = (c: RelayChannelView) => ({
  channelId: c.id,
  name: c.name,
  remoteEnrollmentId: c.remoteEnrollmentId,
  remoteTitle: c.remoteTitle,
  direction: c.direction,
  transport: c.transport,
  path: c.path,
  health: c.health,
  healthReason: c.healthReason,
  messages: c.messages,
  rejected: c.rejected,
  waiting: c.waiting,
  lastOkAt: iso(c.lastOkAt),
  createdAt: iso(c.createdAt),
});

/**
 * /api/v1/network: the network connections between enrollments (Peer Manager "Network
 * connections"): MPX invites and connections, this enrollment's identity card, relay channels.
 * Enrollment administrators only.
 */
export const networkRoutes: RouteRegistration = (app, { application }) => {
  const now = () => application.enrollment.now();
  const network = application.network;

  app.post('/api/v1/network/mpx/invites', async (request, reply) => {
    const body = parseBody(CreateInvite, request.body);
    const { invite, code } = await network.createMpxInvite(callerOf(request), body);
    return reply.status(201).send(inviteJson(invite, now(), code));
  });

  app.get('/api/v1/network/mpx/invites', async (request) => ({
    invites: (await network.listMpxInvites(callerOf(request))).map((invite) => inviteJson(invite, now())),
  }));

  app.get<{ Params: { id: string } }>('/api/v1/network/mpx/invites/:id', async (request) => {
    const { invite, code } = await network.mpxInviteCode(callerOf(request), request.params.id);
    return inviteJson(invite, now(), code);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/network/mpx/invites/:id', async (request) =>
    inviteJson(await network.revokeMpxInvite(callerOf(request), request.params.id), now()),
  );

  app.post('/api/v1/network/mpx/connections', async (request, reply) => {
    const body = parseBody(EnterInvite, request.body);
    const connection = await network.enterMpxInvite(callerOf(request), {
      code: body.code,
      name: body.name,
      ...(body.inviteId ? { localInviteId: body.inviteId } : {}),
    });
    return reply.status(201).send(mpxJson(connection));
  });

  app.get('/api/v1/network/mpx/connections', async (request) => ({
    connections: (await network.listMpxConnections(callerOf(request))).map(mpxJson),
  }));

  app.get('/api/v1/network/identity', async () => {
    const self = await application.enrollment.get();
    return {
      enrollmentId: self.id,
      platformTitle: self.platformTitle,
      address: application.enrollment.publicUrl,
      identityCard: await network.identityCard(),
    };
  });

  app.post('/api/v1/network/relay/channels', async (request, reply) => {
    const body = parseBody(CreateChannel, request.body);
    return reply.status(201).send(channelJson(await network.createRelayChannel(callerOf(request), body)));
  });

  app.get('/api/v1/network/relay/channels', async (request) => ({
    channels: (await network.listRelayChannels(callerOf(request))).map(channelJson),
  }));

  app.delete<{ Params: { id: string } }>('/api/v1/network/relay/channels/:id', async (request, reply) => {
    await network.deleteRelayChannel(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
};
