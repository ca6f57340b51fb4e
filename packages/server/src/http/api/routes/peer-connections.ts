import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PeerRequestPreview } from '../../../app/peerings.js';
import { type MarkingViewer, maskMarkings } from '../../../domain/data/visibility.js';
import { badRequest } from '../../../domain/errors.js';
import { parsePageRequest } from '../../../domain/pagination.js';
import {
  type PeerConnection,
  type PeeringState,
  type Security,
  statusOf,
} from '../../../domain/peering/model.js';
import type { ChangeRequest } from '../../../store/repositories/pm-connections.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';
import { iso } from './network.js';

const DataTypes = Type.Record(Type.String(), Type.String());
const SecurityInput = Type.Object({
  classification: Type.Optional(Type.String()),
  markings: Type.Optional(Type.Array(Type.String(), { maxItems: 256 })),
});
const CreateRequest = bodySchema(
  Type.Object({
    spaceId: Type.String(),
    remoteEnrollmentId: Type.String(),
    dataTypes: DataTypes,
    expiresInDays: Type.Optional(Type.Integer()),
  }),
);
const Preview = bodySchema(Type.Object({ inviteCode: Type.String({ maxLength: 8192 }) }));
const Approve = bodySchema(
  Type.Object({
    inviteCode: Type.String({ maxLength: 8192 }),
    spaceId: Type.String(),
    security: Type.Optional(SecurityInput),
  }),
);
const Settings = bodySchema(
  Type.Object({ security: Type.Optional(SecurityInput), dataTypes: Type.Optional(DataTypes) }),
);
const CONNECTION_ID = /^pmc-[0-9a-z]{12}$/;
const STATES: PeeringState[] = ['requested', 'approved', 'active', 'refused', 'cancelled', 'deleted'];

/**
 * A connection's security as `viewer` may see it: a marking it may not see is `null`, shown as
 * "Unknown", and the connection is still shown (R25).
 */
const securityJson = (security: Security | null, viewer: MarkingViewer) =>
  security && { classification: security.classification, markings: maskMarkings(security.markings, viewer) };

export function connectionJson(c: PeerConnection, now: number, viewer: MarkingViewer) {
  const expired = c.state === 'requested' && c.invite !== null && c.invite.expiresAt < now;
  return {
    connectionId: c.id,
    peeringId: c.peeringId,
    role: c.role,
    status: expired ? 'expired' : statusOf(c),
    state: c.state,
    stateReason: c.stateReason,
    spaceId: c.spaceId,
    remote: { enrollmentId: c.remoteEnrollmentId, platformTitle: c.remoteTitle, space: c.remoteSpace },
    dataTypes: c.dataTypes,
    security: securityJson(c.security, viewer),
    disabled: { local: c.localDisabled, remote: c.remoteDisabled },
    transport: c.transport,
    inviteExpiresAt: c.invite ? iso(c.invite.expiresAt) : null,
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

const changeJson = (c: ChangeRequest, viewer: MarkingViewer) => ({
  changeId: c.id,
  connectionId: c.connectionId,
  origin: c.origin,
  security: securityJson(c.security, viewer),
  dataTypes: c.dataTypes,
  state: c.state,
  createdBy: c.createdBy,
  createdAt: iso(c.createdAt),
  decidedBy: c.decidedBy,
  decidedAt: iso(c.decidedAt),
});

const previewJson = (p: PeerRequestPreview) => ({ ...p, expiresAt: iso(p.expiresAt) });

/**
 * The Peer Manager's peer requests and connections (/api/v1/peer-requests,
 * /api/v1/peer-connections, /api/v1/change-requests). Every operation needs the caller to manage
 * the local space concerned (R10).
 */
export const peerConnectionRoutes: RouteRegistration = (app, { application }) => {
  const peerings = application.peerings;
  const now = () => application.enrollment.now();
  const viewerOf = (request: FastifyRequest) => peerings.markingViewer(callerOf(request));

  app.post('/api/v1/peer-requests', async (request, reply) => {
    const body = parseBody(CreateRequest, request.body);
    const { connection, inviteCode } = await peerings.createRequest(callerOf(request), body);
    return reply
      .status(201)
      .send({ ...connectionJson(connection, now(), await viewerOf(request)), inviteCode });
  });

  app.post('/api/v1/peer-requests/preview', async (request) => {
    const { inviteCode } = parseBody(Preview, request.body);
    return previewJson(await peerings.preview(callerOf(request), inviteCode));
  });

  app.post('/api/v1/peer-requests/approve', async (request, reply) => {
    const body = parseBody(Approve, request.body);
    return reply
      .status(201)
      .send(connectionJson(await peerings.approve(callerOf(request), body), now(), await viewerOf(request)));
  });

  app.get('/api/v1/peer-connections', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, CONNECTION_ID);
    const states = query.state ? query.state.split(',') : undefined;
    if (states?.some((s) => !STATES.includes(s as PeeringState)))
      throw badRequest('InvalidState', `state must be among ${STATES.join(', ')}`);
    const viewer = await viewerOf(request);
    const rows = await peerings.list(callerOf(request), {
      ...page,
      ...(states ? { states: states as PeeringState[] } : {}),
    });
    const isTruncated = rows.length > page.maxKeys;
    return {
      connections: rows.slice(0, page.maxKeys).map((c) => connectionJson(c, now(), viewer)),
      isTruncated,
      ...(isTruncated ? { nextMarker: rows[page.maxKeys]!.id } : {}),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/peer-connections/:id', async (request) => {
    const { connection, changes } = await peerings.get(callerOf(request), request.params.id);
    const viewer = await viewerOf(request);
    return {
      ...connectionJson(connection, now(), viewer),
      changeRequests: changes.map((c) => changeJson(c, viewer)),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/peer-connections/:id/invite-code', async (request) => ({
    inviteCode: await peerings.inviteCode(callerOf(request), request.params.id),
  }));

  app.post<{ Params: { id: string } }>('/api/v1/peer-connections/:id/activate', async (request) =>
    connectionJson(
      await peerings.activate(callerOf(request), request.params.id),
      now(),
      await viewerOf(request),
    ),
  );
  app.post<{ Params: { id: string } }>('/api/v1/peer-connections/:id/disable', async (request) =>
    connectionJson(
      await peerings.setDisabled(callerOf(request), request.params.id, true),
      now(),
      await viewerOf(request),
    ),
  );
  app.post<{ Params: { id: string } }>('/api/v1/peer-connections/:id/enable', async (request) =>
    connectionJson(
      await peerings.setDisabled(callerOf(request), request.params.id, false),
      now(),
      await viewerOf(request),
    ),
  );

  app.put<{ Params: { id: string } }>('/api/v1/peer-connections/:id/settings', async (request, reply) => {
    const body = parseBody(Settings, request.body);
    const change = await peerings.proposeChange(callerOf(request), request.params.id, body);
    return reply.status(202).send(changeJson(change, await viewerOf(request)));
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string; changeId: string } }>(
      `/api/v1/peer-connections/:id/change-requests/:changeId/${decision}`,
      async (request) => {
        const connection = await peerings.decideChange(
          callerOf(request),
          request.params.id,
          request.params.changeId,
          decision === 'approve',
        );
        return connectionJson(connection, now(), await viewerOf(request));
      },
    );
  }

  app.delete<{ Params: { id: string } }>('/api/v1/peer-connections/:id', async (request) =>
    connectionJson(
      await peerings.delete(callerOf(request), request.params.id),
      now(),
      await viewerOf(request),
    ),
  );

  app.get('/api/v1/change-requests', async (request) => {
    const viewer = await viewerOf(request);
    return {
      changeRequests: (await peerings.pendingChanges(callerOf(request))).map(({ connection, ...change }) => ({
        ...changeJson(change, viewer),
        connection: connectionJson(connection, now(), viewer),
      })),
    };
  });
};
