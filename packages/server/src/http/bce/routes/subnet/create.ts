import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';
import { normalizeTags, Tags } from '../../tags.js';

const Body = bodySchema(
  Type.Object({
    name: Type.String(),
    zoneName: Type.String(),
    cidr: Type.String(),
    vpcId: Type.String(),
    subnetType: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    tags: Tags,
  }),
);

/** POST /v1/subnet?clientToken= → {"subnetId": "sbn-…"} */
export const createSubnet: RouteRegistration = (app, { application }) => {
  app.post('/v1/subnet', async (request) => {
    const body = parseBody(Body, request.body);
    return application.subnets.create(
      callerOf(request),
      { ...body, tags: normalizeTags(body.tags) },
      idempotencyOf(request),
    );
  });
};
