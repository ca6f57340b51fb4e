import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';
import { normalizeTags, Tags } from '../../tags.js';

const Body = bodySchema(
  Type.Object({
    name: Type.String(),
    description: Type.Optional(Type.String()),
    cidr: Type.String(),
    enableIpv6: Type.Optional(Type.Boolean()),
    tags: Tags,
  }),
);

/** POST /v1/vpc?clientToken= → {"vpcId": "vpc-…"} */
export const createVpc: RouteRegistration = (app, { application }) => {
  app.post('/v1/vpc', async (request) => {
    const body = parseBody(Body, request.body);
    return application.vpcs.create(
      callerOf(request),
      { ...body, tags: normalizeTags(body.tags) },
      idempotencyOf(request),
    );
  });
};
