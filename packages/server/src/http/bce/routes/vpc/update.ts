import { Type } from '@sinclair/typebox';
import { HttpError } from '../../../errors.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, hasFlag, idempotencyOf, parseBody } from '../../input.js';

const Body = bodySchema(
  Type.Object({
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    enableIpv6: Type.Optional(Type.Boolean()),
    secondaryCidr: Type.Optional(Type.Array(Type.String())),
  }),
);

/** PUT /v1/vpc/{vpcId}?modifyAttribute&clientToken= */
export const updateVpc: RouteRegistration = (app, { application }) => {
  app.put<{ Params: { vpcId: string } }>('/v1/vpc/:vpcId', async (request) => {
    if (!hasFlag(request.query as Record<string, string>, 'modifyAttribute')) {
      throw new HttpError(400, 'InvalidURI', 'PUT /v1/vpc/{vpcId} needs the modifyAttribute flag');
    }
    const body = parseBody(Body, request.body);
    return application.vpcs.update(callerOf(request), request.params.vpcId, body, idempotencyOf(request));
  });
};
