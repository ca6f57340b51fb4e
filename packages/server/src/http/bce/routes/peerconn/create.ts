import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';
import { normalizeTags, Tags } from '../../tags.js';
import { BillingSchema, normalizeBilling } from './schemas.js';

const Body = bodySchema(
  Type.Object({
    bandwidthInMbps: Type.Integer(),
    description: Type.Optional(Type.String()),
    localIfName: Type.Optional(Type.String()),
    localVpcId: Type.String(),
    peerAccountId: Type.Optional(Type.String()),
    peerVpcId: Type.String(),
    peerRegion: Type.String(),
    peerIfName: Type.Optional(Type.String()),
    billing: Type.Optional(BillingSchema),
    tags: Tags,
    resourceGroupId: Type.Optional(Type.String()),
    deleteProtect: Type.Optional(Type.Boolean()),
  }),
);

/** POST /v1/peerconn?clientToken= → {"peerConnId"}; `"billing": null` (Go) reads as missing. */
export const createPeerConn: RouteRegistration = (app, { application }) => {
  app.post('/v1/peerconn', async (request) => {
    const { resourceGroupId: _ignored, ...body } = parseBody(Body, request.body);
    return application.peerConns.create(
      callerOf(request),
      { ...body, billing: normalizeBilling(body.billing), tags: normalizeTags(body.tags) },
      idempotencyOf(request),
    );
  });
};
