import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';

const Body = bodySchema(Type.Object({ deleteProtect: Type.Boolean() }));

/** PUT /v1/peerconn/{id}/deleteProtect?clientToken= {"deleteProtect": bool} */
export const switchPeerConnDeleteProtect: RouteRegistration = (app, { application }) => {
  app.put<{ Params: { peerConnId: string } }>('/v1/peerconn/:peerConnId/deleteProtect', async (request) => {
    const { deleteProtect } = parseBody(Body, request.body);
    return application.peerConns.switchDeleteProtect(
      callerOf(request),
      request.params.peerConnId,
      deleteProtect,
      idempotencyOf(request),
    );
  });
};
